"""Possible duplicates: seen side by side, merged only after saying plainly what happens."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import NotFound
from desktop.shop.history import customer_overview
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customers_page import CustomersPage
from desktop.ui.duplicates_dialog import DuplicatesDialog
from desktop.ui.events import ShopEvents


def two_zoes(shop: ShopDatabase) -> tuple[int, int]:
    with shop.write() as session:
        first = create_customer(
            session, CustomerDetails(name="Zoë Ó'Brien", email="zoe@example.com")
        ).id
        second = create_customer(
            session,
            CustomerDetails(name="Zoe OBrien", email="ZOE@example.com", phone="07700 900123"),
        ).id
        create_customer(session, CustomerDetails(name="Дмитрий", email="dima@example.ru"))
        for customer_id, pence in ((first, 1000), (second, 2500), (second, 500)):
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Candle", 1, pence)],
                    customer_id=customer_id,
                    purchased_at=datetime(2025, 5, 1, 12, tzinfo=UTC),
                ),
            )
    return first, second


def open_dialog(
    qtbot: QtBot, shop: ShopDatabase, events: ShopEvents
) -> tuple[CustomersPage, DuplicatesDialog]:
    page = CustomersPage(shop, events)
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.duplicates_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(DuplicatesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded)
    return page, dialog


def answer_next_question(button: str, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(f"{box.text()} {box.informativeText()}")
        [choice] = [b for b in box.buttons() if b.text() == button]
        choice.click()

    QTimer.singleShot(50, answer)


def test_pairs_are_shown_side_by_side_with_the_reason(qtbot: QtBot, shop: ShopDatabase) -> None:
    two_zoes(shop)
    _page, dialog = open_dialog(qtbot, shop, ShopEvents())
    assert dialog.pairs.count() == 1
    assert dialog.pairs.item(0).text() == "Zoë Ó'Brien  ↔  Zoe OBrien  —  same email"
    left, right = dialog.sides
    assert left["name"].text() == "Zoë Ó'Brien"
    assert right["phone"].text() == "+44 7700 900123"
    assert left["purchases"].text() == "1 purchase"
    assert right["purchases"].text() == "2 purchases"
    assert right["spent"].text() == "£30.00"
    assert dialog.merge_left.isEnabled() and dialog.merge_right.isEnabled()


def test_merging_moves_the_history_after_a_plain_warning(qtbot: QtBot, shop: ShopDatabase) -> None:
    first, second = two_zoes(shop)
    events = ShopEvents()
    _page, dialog = open_dialog(qtbot, shop, events)
    seen: list[str] = []
    answer_next_question("Merge", seen)
    with qtbot.waitSignal(events.changed):
        qtbot.mouseClick(dialog.merge_left, Qt.MouseButton.LeftButton)
    [question] = seen
    assert "Merge “Zoe OBrien” into “Zoë Ó'Brien”?" in question
    assert "2 purchases and marketing permissions move over" in question
    assert "“Zoe OBrien” is removed" in question

    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.pairs.count() == 0
    assert dialog.status.text() == "No possible duplicates found."
    with shop.read() as session:
        kept = customer_overview(session, first)
        assert (kept.purchase_count, kept.total_spent) == (3, 4000)
        assert kept.customer.phone == "+44 7700 900123"
    try:
        with shop.read() as session:
            customer_overview(session, second)
    except NotFound:
        pass
    else:
        raise AssertionError("the merged record is still there")


def test_cancelling_the_merge_changes_nothing(qtbot: QtBot, shop: ShopDatabase) -> None:
    first, second = two_zoes(shop)
    _page, dialog = open_dialog(qtbot, shop, ShopEvents())
    seen: list[str] = []
    answer_next_question("Cancel", seen)
    qtbot.mouseClick(dialog.merge_right, Qt.MouseButton.LeftButton)
    assert seen and "Merge “Zoë Ó'Brien” into “Zoe OBrien”?" in seen[0]
    assert dialog.pairs.count() == 1
    with shop.read() as session:
        assert customer_overview(session, first).purchase_count == 1
        assert customer_overview(session, second).purchase_count == 2


def test_no_duplicates_says_so(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="李雷", email="li@example.cn"))
    _page, dialog = open_dialog(qtbot, shop, ShopEvents())
    assert dialog.status.text() == "No possible duplicates found."
    assert not dialog.merge_left.isEnabled()
