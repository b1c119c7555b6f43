"""The Customers page at the counter: keyboard first, found by any spelling, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.shop.consent import EMAIL_WORDING
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.directory import browse
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_dialog import CustomerDialog
from desktop.ui.customers_page import SEARCH_HINT, CustomersPage
from desktop.ui.events import ShopEvents

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def events() -> ShopEvents:
    return ShopEvents()


@pytest.fixture
def open_page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents) -> Callable[[], CustomersPage]:
    def make() -> CustomersPage:
        page = CustomersPage(shop, events)
        qtbot.addWidget(page)
        page.resize(1000, 640)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        page.activate()
        return page

    return make


def add(shop: ShopDatabase, name: str, **fields: Any) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name=name, **fields)).id


def customers_named(shop: ShopDatabase, name: str) -> int:
    with shop.read() as session:
        return session.scalar(select(func.count()).where(Customer.name == name)) or 0


def shown_names(page: CustomersPage) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def new_dialog(qtbot: QtBot, page: CustomersPage) -> CustomerDialog:
    qtbot.keyClick(page.search, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = page.findChild(CustomerDialog)
    assert dialog is not None, "Ctrl+Shift+N opened no dialog"
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard would; QTest's own typing knows only Latin-1 keys."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def type_into_focus(text: str) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    type_text(focused, text)


def press(qtbot: QtBot, key: Qt.Key) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key)


def test_search_box_invites_every_kind_of_search(open_page: Callable[[], CustomersPage]) -> None:
    page = open_page()
    assert page.search.placeholderText() == SEARCH_HINT
    assert page.search.isClearButtonEnabled()
    assert QApplication.focusWidget() is page.search


def test_a_customer_is_added_with_the_keyboard_alone(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    dialog = new_dialog(qtbot, page)
    assert QApplication.focusWidget() is dialog.form.name
    type_into_focus("Łukasz Ó'Brien")
    press(qtbot, Qt.Key.Key_Tab)
    type_into_focus("lukasz@example.com")
    press(qtbot, Qt.Key.Key_Tab)
    type_into_focus("07700 900123")
    press(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert customers_named(shop, "Łukasz Ó'Brien") == 1
    # The new customer's page opens, ready to record what they bought.
    assert page.stack.currentWidget() is page.view
    assert page.view.name.text() == "Łukasz Ó'Brien"
    assert page.view.phone.text() == "+44 7700 900123"
    # The cursor waits on "Record purchase" for when the window is active again.
    assert page.focusWidget() is page.view.record_button


def test_typing_part_of_a_name_without_its_accents_finds_and_opens_them(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    for name in ("Zoë Ó'Brien", "Łukasz Nowak", "Ελένη Παπαδοπούλου", "Дмитрий Иванов", "李雷"):
        add(shop, name)
    page = open_page()
    assert len(shown_names(page)) == 5

    type_text(page.search, "lukas")
    assert shown_names(page) == ["Łukasz Nowak"]
    assert "1 customer matches" in page.hint.text()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view
    assert page.view.name.text() == "Łukasz Nowak"

    # Escape comes back to the list, on the same customer.
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0
    assert page.selected_customer_id() == page.view.customer_id
    assert QApplication.focusWidget() is page.table


@pytest.mark.parametrize(("typed", "found"), [("ελενη", "Ελένη"), ("李", "李雷"), ("zoe", "Zoë")])
def test_enter_in_search_opens_the_first_match(
    qtbot: QtBot,
    shop: ShopDatabase,
    open_page: Callable[[], CustomersPage],
    typed: str,
    found: str,
) -> None:
    for name in ("Zoë", "Ελένη", "李雷"):
        add(shop, name)
    page = open_page()
    type_text(page.search, typed)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.view.name.text() == found


def test_nothing_found_says_so_and_offers_to_add(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    add(shop, "Zoë")
    page = open_page()
    type_text(page.search, "nobody")
    assert page.model.rowCount() == 0
    assert "No customer matches “nobody”" in page.hint.text()
    # What was typed starts the new customer's name.
    dialog = new_dialog(qtbot, page)
    assert dialog.form.name.text() == "nobody"


def test_an_invalid_email_is_shown_under_the_field_and_nothing_is_saved(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    dialog = new_dialog(qtbot, page)
    type_text(dialog.form.name, "Zoë Ó'Brien")
    type_text(dialog.form.email, "zoe@@example")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    message = dialog.form.errors["email"]
    assert message.isVisible()
    assert "not a valid email address" in message.text()
    assert not dialog.form.errors["name"].isVisible()
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.form.email
    assert customers_named(shop, "Zoë Ó'Brien") == 0

    # Corrected, it saves, and the message goes.
    dialog.form.email.setText("zoe@example.com")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert customers_named(shop, "Zoë Ó'Brien") == 1


def test_marketing_consent_on_adding_records_the_words_shown(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    dialog = new_dialog(qtbot, page)
    shown = [label.text() for label in dialog.findChildren(type(page.hint))]
    assert f"“{EMAIL_WORDING}”" in shown
    type_text(dialog.form.name, "Ελένη")
    type_text(dialog.form.email, "eleni@example.gr")
    dialog.email_marketing.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    view = page.view
    assert view.email_permission.text().startswith("Yes — consent")
    assert view.post_permission.text() == "No — never asked"
    assert view.ledger.rowCount() == 1
    assert view.ledger.text(0, 5) == EMAIL_WORDING
    assert view.ledger.text(0, 2) == "Granted"


def test_email_marketing_without_an_email_is_refused_inline(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    dialog = new_dialog(qtbot, page)
    type_text(dialog.form.name, "Дмитрий")
    dialog.email_marketing.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "needs an email address" in dialog.form.errors["email"].text()
    assert customers_named(shop, "Дмитрий") == 0


def test_a_possible_duplicate_is_pointed_out_before_saving(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    existing = add(shop, "Zoë Ó'Brien", email="zoe@example.com")
    page = open_page()
    dialog = new_dialog(qtbot, page)
    type_text(dialog.form.name, "Zoe OBrien")
    type_text(dialog.form.email, "ZOE@example.com")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.warning.isVisible()
    warning = dialog.warning.findChild(type(page.hint))
    assert warning is not None
    assert "Possibly the same person as" in warning.text()
    assert "Zoë Ó'Brien" in warning.text()
    assert dialog.save_button.text() == "Save anyway"
    assert customers_named(shop, "Zoe OBrien") == 0

    [open_existing] = [
        b for b in dialog.warning.findChildren(QPushButton) if b.text() == "Open Zoë Ó'Brien"
    ]
    qtbot.mouseClick(open_existing, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.view.customer_id == existing
    assert customers_named(shop, "Zoe OBrien") == 0


def test_save_anyway_keeps_both(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    add(shop, "Jo Smith", phone="07700 900123")
    page = open_page()
    dialog = new_dialog(qtbot, page)
    type_text(dialog.form.name, "Jo Smith")
    type_text(dialog.form.phone, "+44 7700 900123")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.warning.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert customers_named(shop, "Jo Smith") == 2


def test_closing_a_filled_in_dialog_asks_first(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    dialog = new_dialog(qtbot, page)
    type_text(dialog.form.name, "Zoë")
    answers: list[str] = []

    def answer(button: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        answers.append(box.text())
        [choice] = [b for b in box.buttons() if b.text() == button]
        choice.click()

    QTimer.singleShot(50, lambda: answer("Keep editing"))
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    QTimer.singleShot(50, lambda: answer("Discard"))
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert answers == ["Close without saving?", "Close without saving?"]
    assert customers_named(shop, "Zoë") == 0


def test_typing_while_in_the_list_goes_on_searching(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    for name in ("Zoë", "Zara", "Amelia"):
        add(shop, name)
    page = open_page()
    type_text(page.search, "z")
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    type_text(page.table, "o")
    assert page.search.text() == "zo"
    assert shown_names(page) == ["Zoë"]
    assert QApplication.focusWidget() is page.search


def test_up_from_the_first_row_returns_to_search(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    add(shop, "Zoë")
    page = open_page()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    assert QApplication.focusWidget() is page.search


def test_focus_search_comes_back_from_a_customer_with_the_text_selected(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    zoe = add(shop, "Zoë")
    page = open_page()
    type_text(page.search, "zoe")
    page.open_customer(zoe)
    page.focus_search()
    assert page.stack.currentIndex() == 0
    assert QApplication.focusWidget() is page.search
    assert page.search.selectedText() == "zoe"


def test_a_change_elsewhere_shows_up_in_the_list(
    shop: ShopDatabase, events: ShopEvents, open_page: Callable[[], CustomersPage]
) -> None:
    page = open_page()
    assert "No customers yet" in page.hint.text()
    add(shop, "Дмитрий Иванов")
    events.changed.emit("customers")
    assert shown_names(page) == ["Дмитрий Иванов"]
    assert page.hint.text().startswith("1 customer, A to Z")


def test_the_list_shows_visits_and_spend_in_the_shops_money(
    shop: ShopDatabase, events: ShopEvents, open_page: Callable[[], CustomersPage]
) -> None:
    zoe = add(shop, "Zoë")
    page = open_page()
    with shop.write() as session:
        record_purchase(session, PurchaseInput([LineInput("Candle", 3, 1250)], customer_id=zoe))
    events.changed.emit("purchases")
    model = page.model
    assert model.data(model.index(0, 5)) == "1"
    assert model.data(model.index(0, 6)) == "£37.50"
    assert model.data(model.index(0, 4)) != "never"


def test_record_purchase_asks_the_main_window_for_this_customer(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    zoe = add(shop, "Zoë")
    page = open_page()
    page.open_customer(zoe)
    with qtbot.waitSignal(page.record_purchase_requested) as asked:
        qtbot.mouseClick(page.view.record_button, Qt.MouseButton.LeftButton)
    assert asked.args == [zoe]


def test_double_click_opens_the_customer(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    add(shop, "Amelia")
    add(shop, "Zoë")
    page = open_page()
    rect = page.table.visualRect(page.model.index(1, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.view.name.text() == "Zoë"


def test_the_search_finds_what_the_directory_finds(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], CustomersPage]
) -> None:
    add(shop, "Zoë", phone="07700 900123", postcode="BA1 1AA")
    page = open_page()
    for typed in ("+44 7700 900123", "ba11aa"):
        page.search.clear()
        type_text(page.search, typed)
        with shop.read() as session:
            expected = [row.name for row in browse(session, typed).rows]
        assert shown_names(page) == expected == ["Zoë"]
