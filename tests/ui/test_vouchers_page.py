"""The Vouchers page: the scan box ready on arrival, the list by state read a page at a time,
issuing with inline checks, slips printed and marked, and cancelling with a reason."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.vouchers import VoucherTerms, issue_voucher, list_vouchers, redeem_voucher
from desktop.store.models import Voucher
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.print_preview import PrintPreviewDialog
from desktop.ui.vouchers_page import VouchersPage


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> VouchersPage:
    page = VouchersPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1030, 680)
    page.show()
    page.activate()
    return page


def _customer(shop: ShopDatabase, name: str) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name=name)).id


def _issue(shop: ShopDatabase, **terms: Any) -> str:
    with shop.write() as session:
        voucher = issue_voucher(session, VoucherTerms(kind="thank_you", **terms))
        return voucher.code


def _type(widget: QWidget, text: str) -> None:
    """Type any text, as a keyboard with that layout would (QTest types ASCII only)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def _column(page: VouchersPage, column: int) -> list[str]:
    model = page.model
    return [str(model.data(model.index(row, column))) for row in range(model.rowCount())]


def _slips_state(shop: ShopDatabase) -> dict[str, datetime | None]:
    with shop.read() as session:
        return {row.code: row.printed_at for row in list_vouchers(session).rows}


def test_the_scan_box_has_the_cursor_when_the_page_is_shown(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    page = _page(qtbot, shop)
    qtbot.waitUntil(lambda: page.redeem_box.code.hasFocus())
    assert page.empty.isVisible()
    assert "No unused vouchers." in page.empty.text()


def test_the_list_filters_by_state_and_shows_where_a_voucher_was_used(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien")
    used = _issue(shop, percent=10, customer_id=zoe)
    _issue(shop, amount=500)
    with shop.write() as session:
        purchase = record_purchase(
            session, PurchaseInput([LineInput("Mug", 1, 2000)], customer_id=zoe)
        )
        redeem_voucher(session, used, purchase.id)
    page = _page(qtbot, shop)
    assert _column(page, 2) == ["£5.00 off"]
    assert _column(page, 3) == ["Whoever brings it"]

    page.state.setCurrentIndex(page.state.findData("redeemed"))
    assert _column(page, 3) == ["Zoë Ó'Brien"]
    assert _column(page, page.model.STATE)[0].endswith(f"on {purchase.reference}")

    page.state.setCurrentIndex(page.state.findData("all"))
    assert page.model.rowCount() == 2


def test_a_long_list_is_read_a_page_at_a_time(qtbot: QtBot, shop: ShopDatabase) -> None:
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    with shop.write() as session:
        for n in range(450):
            session.add(
                Voucher(
                    code=f"TEST{n:08d}",
                    kind="goodwill",
                    amount=100 + n,
                    currency="GBP",
                    min_spend=0,
                    issued_at=start + timedelta(minutes=n),
                )
            )
    page = _page(qtbot, shop)
    page.state.setCurrentIndex(page.state.findData("all"))
    assert page.model.rowCount() == 200
    assert _column(page, 2)[0] == "£5.49 off"  # newest first
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == 400)
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert page.model.rowCount() == 450
    assert _column(page, 2)[-1] == "£1.00 off"


def test_issuing_checks_each_field_inline_then_lists_the_voucher(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _customer(shop, "Дмитрий Иванов")
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    changes: list[str] = []
    events.changed.connect(changes.append)
    dialog = page.issue()
    dialog.print_now.setChecked(False)

    dialog.value.by_amount.setChecked(True)
    dialog.value.amount.setText("five pounds")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.value_error.isVisible()
    assert "is not an amount of money" in dialog.value_error.text()
    assert dialog.isVisible()

    dialog.value.amount.setText("5")
    dialog.min_spend.setText("-20")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert not dialog.value_error.isVisible()
    assert dialog.min_spend_error.isVisible()

    dialog.min_spend.setText("20")
    dialog.for_customer.setChecked(True)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert not dialog.min_spend_error.isVisible()
    assert "pick them from the list" in dialog.picker.error.text()

    _type(dialog.picker.search, "Дмит")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.terms.setText("Not valid on sale items <b>")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert changes == ["vouchers"]
    assert "£5.00 off for Дмитрий Иванов" in page.done.text()
    assert _column(page, 3) == ["Дмитрий Иванов"]
    with shop.read() as session:
        (row,) = list_vouchers(session).rows
    assert (row.amount, row.min_spend) == (500, 2000)


def test_a_new_customer_typed_in_the_issue_dialog_is_added_with_the_voucher(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    page = _page(qtbot, shop)
    dialog = page.issue()
    dialog.print_now.setChecked(False)
    dialog.for_customer.setChecked(True)
    _type(dialog.picker.search, "李雷")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    # No match: "New customer “李雷”…" comes first; Enter opens its form, Enter on the
    # email and phone (both optional) confirms it.
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.picker.new_form.isVisible()
    qtbot.keyClick(dialog.picker.new_email, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.picker.new_phone, Qt.Key.Key_Return)
    assert "New customer: 李雷" in dialog.picker.summary.text()
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _column(page, 3) == ["李雷"]


def test_choosing_no_one_in_the_issue_dialog_means_the_bearer(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    page = _page(qtbot, shop)
    dialog = page.issue()
    dialog.print_now.setChecked(False)
    dialog.for_customer.setChecked(True)
    assert dialog.picker.summary.text() == "For the bearer (anyone)"
    _type(dialog.picker.search, "Łukasz")
    nobody = dialog.picker.results.item(dialog.picker.results.count() - 1)
    assert nobody.text() == "For the bearer (anyone)"
    assert "anonymous sale" not in nobody.text()
    dialog.picker.results.setCurrentItem(nobody)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.for_bearer.isChecked() and not dialog.picker.isVisible()
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _column(page, 3) == ["Whoever brings it"]


def test_slips_print_for_the_unprinted_or_the_selected_and_are_marked_once_printed(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien")
    first = _issue(shop, percent=10, customer_id=zoe)
    _issue(shop, amount=750, terms="Ελληνικά & Кириллица")
    page = _page(qtbot, shop)
    assert page.print_button.text() == "Print 2 unprinted slips…"

    with qtbot.waitSignal(page.printer.previewing, timeout=30_000) as opened:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    preview = opened.args[0]
    assert isinstance(preview, PrintPreviewDialog)
    batch = page.printer.rendered
    assert batch is not None and batch.pieces == 2
    text = PdfReader(io.BytesIO(batch.pdf)).pages[0].extract_text()
    assert "Zoë Ó'Brien" in text
    assert "Ελληνικά & Кириллица" in text
    assert all(when is None for when in _slips_state(shop).values())

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "slips.pdf"))
    with qtbot.waitSignal(page.printer.marked, timeout=30_000):
        preview.print_on(printer)
    assert all(when is not None for when in _slips_state(shop).values())
    assert all(text.startswith("Printed ") for text in _column(page, 7))
    assert page.print_button.text() == "Print slips…"
    assert not page.print_button.isEnabled()

    # A slip can be printed again by selecting it.
    row = _column(page, 0).index(f"{first[:4]}-{first[4:8]}-{first[8:]}")
    page.table.selectRow(row)
    assert page.print_button.text() == "Print 1 slip…"
    with qtbot.waitSignal(page.printer.previewing, timeout=30_000):
        page.print_slips()
    assert page.printer.rendered is not None and page.printer.rendered.pieces == 1


def test_a_used_voucher_cannot_be_printed_again(qtbot: QtBot, shop: ShopDatabase) -> None:
    code = _issue(shop, amount=300)
    with shop.write() as session:
        purchase = record_purchase(session, PurchaseInput([LineInput("Mug", 1, 2000)]))
        redeem_voucher(session, code, purchase.id)
    page = _page(qtbot, shop)
    page.state.setCurrentIndex(page.state.findData("all"))
    page.table.selectRow(0)
    with qtbot.waitSignal(page.printer.idle, timeout=30_000):
        page.print_slips()
    assert "already used" in page.message.text()
    assert page.printer.preview is None


def test_cancelling_a_voucher_needs_a_reason_and_moves_it_to_cancelled(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _issue(shop, percent=15, customer_id=_customer(shop, "Ελένη Παπαδοπούλου"))
    page = _page(qtbot, shop)
    assert not page.cancel_button.isEnabled()
    page.table.selectRow(0)
    assert page.cancel_button.isEnabled()
    dialog = page.cancel_selected()
    assert dialog is not None
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.isVisible()

    _type(dialog.reason, "Issued twice by mistake")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert page.model.rowCount() == 0
    page.state.setCurrentIndex(page.state.findData("void"))
    assert _column(page, page.model.STATE) == ["Cancelled"]
    assert _column(page, 3) == ["Ελένη Παπαδοπούλου"]
