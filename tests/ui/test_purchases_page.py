"""The Purchases page: a long list read a page at a time, finding, voiding, keeping current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.purchases import (
    LineInput,
    PurchaseInput,
    get_purchase,
    record_purchase,
    void_purchase,
)
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.purchase_dialog import PurchaseDialog
from desktop.ui.purchases_page import PurchasesPage
from desktop.ui.void_dialog import VoidDialog

START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _fill(shop: ShopDatabase, count: int, customer_id: int | None = None) -> None:
    with shop.write() as session:
        for n in range(count):
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Łapsang souchong", 1, 100 + n)],
                    customer_id=customer_id,
                    purchased_at=START + timedelta(minutes=n),
                ),
            )


@pytest.fixture
def zoe(shop: ShopDatabase) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name="Zoë Ó'Brien")).id


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> PurchasesPage:
    page = PurchasesPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    page.activate()
    return page


def _cell(page: PurchasesPage, row: int, column: int, role: int = 0) -> object:
    return page.model.data(page.model.index(row, column), role)


def _when_modal(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Act on the next modal dialog once it is up (exec() blocks the test until it closes)."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            act(dialog)
        finally:
            # Never leave exec() waiting: a failed step must fail the test, not hang it.
            if dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)

    QTimer.singleShot(150, run)


def test_a_long_history_is_read_a_page_at_a_time(qtbot: QtBot, shop: ShopDatabase) -> None:
    _fill(shop, 450)
    page = _page(qtbot, shop)
    model = page.model
    assert model.rowCount() == 200
    assert model.canFetchMore()
    assert _cell(page, 0, 1) == "P-000450"  # newest first
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    assert _cell(page, 449, 1) == "P-000001"
    assert len({model.row(r).id for r in range(450)}) == 450


def test_the_list_shows_local_time_customer_channel_and_money(
    qtbot: QtBot, shop: ShopDatabase, zoe: int
) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Kaffeehaus", currency="EUR", locale="de_DE"))
    _fill(shop, 1, customer_id=zoe)
    _fill(shop, 1)
    page = _page(qtbot, shop)
    assert _cell(page, 0, 0) == f"{START.astimezone():%d %b %Y %H:%M}"
    assert [_cell(page, r, 2) for r in (0, 1)] == [
        "—",
        "Zoë Ó'Brien",
    ]  # same minute: newest id first
    assert _cell(page, 0, 3) == "In shop"
    assert _cell(page, 0, 4) == "1,00\xa0€"


def test_a_voided_purchase_is_struck_through_with_its_reason(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _fill(shop, 2)
    with shop.write() as session:
        void_purchase(session, 1, "Rang up twice — Ελένη")
    page = _page(qtbot, shop)
    voided, live = 1, 0
    assert _cell(page, voided, 1) == "P-000001 (void)"
    font = _cell(page, voided, 1, Qt.ItemDataRole.FontRole)
    assert font is not None and font.strikeOut()  # type: ignore[attr-defined]
    tooltip = str(_cell(page, voided, 4, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("Voided on ") and tooltip.endswith("Rang up twice — Ελένη")
    assert _cell(page, live, 1, Qt.ItemDataRole.FontRole) is None
    page.table.selectRow(voided)
    assert not page.void_button.isEnabled()
    assert "Rang up twice — Ελένη" in page.details.text()


def test_find_a_reference_by_its_number(qtbot: QtBot, shop: ShopDatabase) -> None:
    _fill(shop, 30)
    page = _page(qtbot, shop)
    qtbot.keyClicks(page.find_box, "17")
    qtbot.keyClick(page.find_box, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    assert _cell(page, 0, 1) == "P-000017"
    assert "1 × Łapsang souchong at £1.16" in page.details.text()
    assert not page.show_all_button.isHidden()
    page.find_box.clear()
    assert page.model.rowCount() == 30
    qtbot.keyClicks(page.find_box, "WEB-9")
    qtbot.keyClick(page.find_box, Qt.Key.Key_Return)
    assert page.message.isVisible()
    assert page.message.text() == "There is no purchase with the reference “WEB-9”."
    assert page.model.rowCount() == 30


def test_voiding_asks_why_and_updates_list_and_customer(
    qtbot: QtBot, shop: ShopDatabase, zoe: int
) -> None:
    _fill(shop, 2, customer_id=zoe)
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    page = _page(qtbot, shop, events)
    page.table.selectRow(0)
    assert page.void_button.isEnabled()

    def void_it(dialog: QDialog) -> None:
        assert isinstance(dialog, VoidDialog)
        dialog.void_button.click()  # no reason yet: refused in place
        assert "Please enter the reason." in dialog.error.text()
        qtbot.keyClicks(dialog.reason, "Refunded")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    _when_modal(qtbot, void_it)
    page.void_button.click()
    assert seen == ["purchases", "customers"]
    assert _cell(page, 0, 1) == "P-000002 (void)"
    assert page.selected_row() is not None and page.selected_row().voided  # type: ignore[union-attr]
    assert not page.void_button.isEnabled()
    with shop.read() as session:
        assert get_purchase(session, 2).void_reason == "Refunded"
        customer = get_customer(session, zoe)
        assert (customer.visit_count, customer.total_spent) == (1, 100)


def test_keeping_a_purchase_changes_nothing(qtbot: QtBot, shop: ShopDatabase) -> None:
    _fill(shop, 1)
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    dialog = VoidDialog(shop, events, 1)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.reason, "Oops")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert seen == []
    with shop.read() as session:
        assert get_purchase(session, 1).voided_at is None


def test_the_list_follows_sales_made_elsewhere(qtbot: QtBot, shop: ShopDatabase) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    assert page.model.rowCount() == 0
    assert "No purchases yet" in page.details.text()
    _fill(shop, 1)
    events.changed.emit("purchases")
    assert page.model.rowCount() == 1
    page.hide()
    _fill(shop, 1)
    events.changed.emit("purchases")
    assert page.model.rowCount() == 1  # hidden: catches up when shown again
    page.show()
    page.activate()
    assert page.model.rowCount() == 2
    assert page.selected_row() is not None


def test_show_customer_asks_for_that_customers_page(
    qtbot: QtBot, shop: ShopDatabase, zoe: int
) -> None:
    _fill(shop, 1)
    _fill(shop, 1, customer_id=zoe)
    page = _page(qtbot, shop)
    page.table.selectRow(1)
    assert not page.customer_button.isEnabled()  # an anonymous sale has nobody to show
    page.table.selectRow(0)
    with qtbot.waitSignal(page.show_customer_requested) as asked:
        page.customer_button.click()
    assert asked.args == [zoe]


def test_new_purchase_opens_the_dialog_and_selects_the_sale(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _fill(shop, 3)
    page = _page(qtbot, shop)
    page.table.selectRow(2)

    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, PurchaseDialog)
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.item, "Gift card")
        qtbot.keyClick(dialog.item, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.price, "25")
        qtbot.keyClick(dialog.price, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.item, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    _when_modal(qtbot, record)
    page.new_button.click()
    assert page.model.rowCount() == 4
    row = page.selected_row()
    assert row is not None and (row.reference, row.total) == ("P-000004", 2500)


def test_show_customer_on_its_own_opens_the_customer_in_a_window(
    qtbot: QtBot, shop: ShopDatabase, zoe: int
) -> None:
    from desktop.ui.customer_view import CustomerView

    _fill(shop, 1, customer_id=zoe)
    page = _page(qtbot, shop)
    page.table.selectRow(0)
    shown: list[int | None] = []
    _when_modal(qtbot, lambda dialog: shown.append(dialog.findChild(CustomerView).customer_id))
    page.customer_button.click()
    assert shown == [zoe]
