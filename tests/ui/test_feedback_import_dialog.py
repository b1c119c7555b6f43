"""Importing an online form's responses from the Feedback page: the detected columns, a preview
naming each row's line and outcome, nothing written until asked, and never twice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.models_feedback import Feedback
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_import_dialog import NOT_IN_FILE, ImportFeedbackDialog
from desktop.ui.feedback_page import FeedbackPage

HEADERS = [
    "Timestamp",
    "Your order reference",
    "Email address",
    "How many stars would you give your order?",
    "How likely are you to recommend us to a friend? (0-10)",
    "Anything else you'd like to tell us?",
]


def _form(tmp_path: Path, *rows: list[str]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    path = tmp_path / "Форма — responses.csv"
    path.write_bytes(("\ufeff" + out.getvalue()).encode())
    return path


def _feedback_count(shop: ShopDatabase) -> int:
    with shop.read() as session:
        return int(session.scalar(select(func.count(Feedback.id))) or 0)


def _rows(dialog: ImportFeedbackDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    cells = [[table.item(r, c) for c in range(3)] for r in range(table.rowCount())]
    return [(a.text(), b.text(), c.text()) for a, b, c in cells if a and b and c]


def _dialog(qtbot: QtBot, shop: ShopDatabase) -> tuple[FeedbackPage, ImportFeedbackDialog]:
    page = FeedbackPage(shop, ShopEvents())
    qtbot.addWidget(page)
    page.show()
    return page, page.import_responses()


def test_the_preview_shows_each_row_and_imports_only_when_asked(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails("Zoë Ó'Brien", email="zoe@example.com"))
        record_purchase(session, PurchaseInput([LineInput("Blue mug", 1, 1800)], zoe.id))
    path = _form(
        tmp_path,
        ["2026/05/01 10:00:00 AM GMT+1", "P-000001", "", "4", "9", "Lovely mug 🎁"],
        ["2026/05/02 2:30:00 PM GMT+1", "", "zoe@example.com", "2", "", "Arrived chipped"],
        ["2026/05/04 09:00:00 AM GMT+1", "P-999999", "nobody@example.com", "5", "", ""],
        ["2026/05/06 09:00:00 AM GMT+1", "P-000001", "", "abc", "", ""],
    )
    page, dialog = _dialog(qtbot, shop)
    dialog.load_file(path)

    assert dialog.columns["rating"].currentText() == HEADERS[3]
    assert dialog.columns["recommend"].currentText() == HEADERS[4]
    rows = _rows(dialog)
    assert [(line, outcome) for line, outcome, _ in rows] == [
        ("line 2", "Will import"),
        ("line 3", "Will import"),
        ("line 4", "Not matched"),
        ("line 5", "Malformed"),
    ]
    assert "Zoë Ó'Brien (purchase P-000001)" in rows[0][2]
    assert "no purchase has the reference P-999999" in rows[2][2]
    assert rows[3][2].startswith("rating:") and "abc" in rows[3][2]
    assert dialog.import_button.text() == "Import 2 responses"
    assert _feedback_count(shop) == 0

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=10000)
    assert _feedback_count(shop) == 2
    assert "Imported 2 responses" in dialog.imported_note.text()
    assert page.follow_ups.model.rowCount() == 1  # the 2-star response

    dialog.load_file(path)
    assert "already imported" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert _feedback_count(shop) == 2


def test_a_mapping_that_cannot_work_says_why_and_a_chosen_column_is_used(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    with shop.write() as session:
        create_customer(session, CustomerDetails("Дмитрий", email="dmitry@example.com"))
    path = _form(tmp_path, ["2026/05/01 10:00:00 AM GMT+1", "", "dmitry@example.com", "", "8", ""])
    _, dialog = _dialog(qtbot, shop)
    dialog.load_file(path)
    assert dialog.import_button.text() == "Import 1 response"

    recommend = dialog.columns["recommend"]
    recommend.setCurrentIndex(recommend.findText(NOT_IN_FILE))
    rating = dialog.columns["rating"]
    rating.setCurrentIndex(rating.findText(NOT_IN_FILE))
    assert "No column for a star rating" in dialog.error.text()
    assert not dialog.import_button.isEnabled()

    recommend.setCurrentIndex(recommend.findText(HEADERS[4]))
    assert not dialog.error.isVisible()
    assert dialog.import_button.isEnabled()


def test_a_file_that_is_not_utf8_is_refused(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Email,Rating\nzoë@example.com,5\n".encode("latin-1"))
    _, dialog = _dialog(qtbot, shop)
    dialog.load_file(path)
    assert "not UTF-8" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
