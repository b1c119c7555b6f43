"""Recording a sale the way a busy counter does: keys only, a scanner, mistakes shown in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDateTime, QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.loyalty_ledger import account_for_customer, adjust_points, member_balance
from desktop.shop.loyalty_members import enrol
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.rewards import RewardInput, add_reward, list_rewards
from desktop.store.models import Customer, Purchase
from desktop.store.models_loyalty import LoyaltyEntry
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.purchase_dialog import PurchaseDialog

TEA_CODE = "5012345678900"


@pytest.fixture
def counter(shop: ShopDatabase) -> ShopDatabase:
    """A shop with a regular customer and a small catalogue."""
    with shop.write() as session:
        create_customer(
            session, CustomerDetails(name="Zoë Ó'Brien", email="zoe@example.com", postcode="N1 9GU")
        )
        create_customer(session, CustomerDetails(name="Дмитрий Иванов"))
        tea = add_category(session, "Tea")
        add_product(session, "Earl Grey Łapsang", 450, category_id=tea.id, sku=TEA_CODE)
        add_product(session, "Ελένη's teapot", 2400, sku="POT-1")
    return shop


def _close_quietly(dialog: PurchaseDialog) -> None:
    # done() closes without the "discard?" question a failed test would leave waiting.
    dialog.done(PurchaseDialog.DialogCode.Rejected)


@pytest.fixture
def open_dialog(
    qtbot: QtBot, counter: ShopDatabase
) -> Callable[..., tuple[PurchaseDialog, list[str]]]:
    """Opens the dialog as the main window does; returns it and the events it emitted."""

    def open_one(**kwargs: int) -> tuple[PurchaseDialog, list[str]]:
        events = ShopEvents()
        seen: list[str] = []
        events.changed.connect(seen.append)
        dialog = PurchaseDialog(counter, events, **kwargs)
        qtbot.addWidget(dialog, before_close_func=_close_quietly)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        return dialog, seen

    return open_one


def _typed(qtbot: QtBot, text: str, *, enter: bool = True) -> None:
    """Type into whatever has the keyboard focus, as a person (or a scanner) would."""
    for character in text:
        widget = QApplication.focusWidget()
        assert widget is not None
        if character.isascii():
            qtbot.keyClick(widget, character)
        else:
            # QTest only knows Latin keys; a real key event carries any character as its text.
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
                QApplication.sendEvent(widget, event)
    if enter:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def _key(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _purchases(shop: ShopDatabase) -> list[Purchase]:
    with shop.read() as session:
        found = session.scalars(select(Purchase).order_by(Purchase.id)).all()
        for purchase in found:
            _ = purchase.lines, purchase.customer
        return list(found)


def _answer_next_question(qtbot: QtBot, button_text: str, asked: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()

    QTimer.singleShot(100, answer)


def test_a_sale_is_recorded_with_the_keyboard_alone(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, seen = open_dialog()
    assert QApplication.focusWidget() is dialog.picker.search

    _typed(qtbot, "zoe")  # Enter picks the first match
    assert "Zoë Ó'Brien" in dialog.picker.summary.text()
    assert QApplication.focusWidget() is dialog.item
    _typed(qtbot, TEA_CODE)  # a scanner: code + Enter
    _typed(qtbot, TEA_CODE)  # scanned again: the same line counts two
    _typed(qtbot, "Gift wrap")  # free text goes on to quantity, then price
    assert QApplication.focusWidget() is dialog.quantity
    _typed(qtbot, "3")
    assert QApplication.focusWidget() is dialog.price
    _typed(qtbot, "1.50")
    _typed(qtbot, "teapot", enter=False)  # the catalogue suggests; Down and Enter choose
    assert dialog.suggestions.isVisible()
    qtbot.keyClick(dialog.suggestions, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.suggestions, Qt.Key.Key_Return)
    assert dialog.item.text() == "Ελένη's teapot"
    assert dialog.price.text() == "24.00"
    _typed(qtbot, "")
    _typed(qtbot, "")
    assert dialog.total_label.text() == "Total £37.50"
    _key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == PurchaseDialog.DialogCode.Accepted
    assert seen == ["purchases", "customers"]
    [purchase] = _purchases(counter)
    assert purchase.reference == dialog.saved_reference == "P-000001"
    assert purchase.customer is not None and purchase.customer.name == "Zoë Ó'Brien"
    assert purchase.channel == "online"
    assert [(line.description, line.quantity, line.unit_price) for line in purchase.lines] == [
        ("Earl Grey Łapsang", 2, 450),
        ("Gift wrap", 3, 150),
        ("Ελένη's teapot", 1, 2400),
    ]
    assert purchase.lines[0].product_id is not None and purchase.lines[1].product_id is None
    assert purchase.total == 3750
    with counter.read() as session:
        zoe = get_customer(session, purchase.customer.id)
        assert (zoe.visit_count, zoe.total_spent) == (1, 3750)


def test_a_new_customer_is_added_with_the_sale(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "Łukasz Ó'Brien", enter=False)
    assert dialog.picker.results.currentItem().text().startswith("➕ New customer")
    _key(qtbot, Qt.Key.Key_Return)
    assert dialog.picker.new_name.text() == "Łukasz Ó'Brien"
    assert QApplication.focusWidget() is dialog.picker.new_email
    _typed(qtbot, "lukasz@example.com")
    _typed(qtbot, "07700 900456")
    assert "New customer: Łukasz Ó'Brien" in dialog.picker.summary.text()
    assert QApplication.focusWidget() is dialog.item
    _typed(qtbot, TEA_CODE)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    [purchase] = _purchases(counter)
    assert purchase.customer is not None
    assert (purchase.customer.name, purchase.customer.email) == (
        "Łukasz Ó'Brien",
        "lukasz@example.com",
    )
    assert purchase.customer.phone == "+44 7700 900456"
    assert purchase.customer.visit_count == 1


def test_a_wrong_email_for_a_new_customer_is_shown_at_once(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "李雷", enter=False)
    _key(qtbot, Qt.Key.Key_Return)
    _typed(qtbot, "li@lei@")
    _typed(qtbot, "")
    assert dialog.picker.error.isVisible()
    assert "not a valid email address" in dialog.picker.error.text()
    assert QApplication.focusWidget() is dialog.picker.new_email
    assert dialog.picker.choice() is None
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    with counter.read() as session:
        assert session.scalar(select(func.count(Customer.id))) == 2
    assert _purchases(counter) == []


def test_a_sale_without_a_customer(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, seen = open_dialog()
    _typed(qtbot, "")  # Enter in the empty customer box: nobody
    assert "anonymous" in dialog.picker.summary.text()
    _typed(qtbot, "Postcard 🌸")
    _typed(qtbot, "")
    _typed(qtbot, "0.99")
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [purchase] = _purchases(counter)
    assert (purchase.customer_id, purchase.total, purchase.channel) == (None, 99, "in_shop")
    assert seen == ["purchases", "customers"]


def test_a_name_typed_but_not_picked_is_not_guessed(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "zo", enter=False)
    _key(qtbot, Qt.Key.Key_Escape)  # closes the list, not the dialog
    assert dialog.isVisible()
    dialog.item.setFocus()
    _typed(qtbot, TEA_CODE)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert "Pick the customer from the list" in dialog.picker.error.text()
    assert _purchases(counter) == []


def test_a_taken_reference_is_shown_beside_it_and_nothing_is_saved(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    with counter.write() as session:
        record_purchase(session, PurchaseInput([LineInput("Tea", 1, 100)], reference="WEB-1001"))
    dialog, seen = open_dialog()
    _typed(qtbot, "")
    _typed(qtbot, TEA_CODE)
    dialog.reference.setFocus()
    _typed(qtbot, "WEB-1001", enter=False)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.details_error.isVisible()
    assert "already a purchase with the reference “WEB-1001”" in dialog.details_error.text()
    assert QApplication.focusWidget() is dialog.reference
    assert len(_purchases(counter)) == 1
    assert seen == []


def test_saving_nothing_says_what_is_missing(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "")
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "at least one line" in dialog.lines_error.text()
    _typed(qtbot, "Card", enter=True)
    _typed(qtbot, "")
    _typed(qtbot, "2,50")
    assert "not an amount of money (write it like 12.50)" in dialog.entry_error.text()
    assert QApplication.focusWidget() is dialog.price
    assert dialog.lines.rowCount() == 0


def test_something_typed_but_not_added_is_not_lost(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "")
    _typed(qtbot, TEA_CODE)
    _typed(qtbot, "Ribbon", enter=False)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "“Ribbon” is typed but not added yet" in dialog.entry_error.text()
    assert _purchases(counter) == []


def test_lines_can_be_changed_and_removed(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "")
    _typed(qtbot, TEA_CODE)
    _typed(qtbot, "POT-1")
    lines = dialog.lines
    assert not lines.setData(lines.index(1, lines.PRICE), "-5")
    assert "cannot be negative" in dialog.lines_error.text()
    assert lines.setData(lines.index(1, lines.PRICE), "19.99")
    assert lines.setData(lines.index(0, lines.QUANTITY), 4)
    assert dialog.total_label.text() == "Total £37.99"
    dialog.table.setFocus()
    dialog.table.selectRow(0)
    _key(qtbot, Qt.Key.Key_Delete)
    assert [line.description for line in lines.lines] == ["Ελένη's teapot"]
    assert dialog.total_label.text() == "Total £19.99"
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [purchase] = _purchases(counter)
    kept = [(line.description, line.unit_price) for line in purchase.lines]
    assert kept == [("Ελένη's teapot", 1999)]


def test_escape_asks_before_throwing_lines_away(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "")
    _typed(qtbot, TEA_CODE)
    asked: list[str] = []
    _answer_next_question(qtbot, "Keep editing", asked)
    _key(qtbot, Qt.Key.Key_Escape)
    assert asked == ["Discard this purchase?"]
    assert dialog.isVisible()
    assert dialog.lines.rowCount() == 1
    _answer_next_question(qtbot, "Discard purchase", asked)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert dialog.result() == PurchaseDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    assert _purchases(counter) == []


def test_escape_on_an_empty_sale_just_closes(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _key(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_opened_for_a_customer_starts_at_the_items(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    with counter.read() as session:
        dmitry = session.scalar(select(Customer.id).where(Customer.name == "Дмитрий Иванов"))
    assert dmitry is not None
    dialog, _ = open_dialog(customer_id=dmitry)
    assert QApplication.focusWidget() is dialog.item
    assert "Дмитрий Иванов" in dialog.picker.summary.text()
    _typed(qtbot, TEA_CODE)
    _key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [purchase] = _purchases(counter)
    assert (purchase.customer_id, purchase.channel) == (dmitry, "phone")


def test_a_sale_typed_in_later_keeps_its_own_time(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    dialog, _ = open_dialog()
    _typed(qtbot, "")
    _typed(qtbot, TEA_CODE)
    yesterday_noon = QDateTime.currentDateTime().addDays(-1)
    yesterday_noon.setTime(yesterday_noon.time().fromString("12:15", "HH:mm"))
    dialog.when.setDateTime(yesterday_noon)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [purchase] = _purchases(counter)
    expected = datetime.fromtimestamp(yesterday_noon.toSecsSinceEpoch(), UTC)
    assert purchase.purchased_at == expected
    assert purchase.purchased_at.astimezone().strftime("%H:%M") == "12:15"


def _member_with_points(shop: ShopDatabase, name: str, points: int) -> int:
    """A loyalty member with `points`, and a £5-off reward for 500 in the catalogue."""
    with shop.write() as session:
        customer = session.scalars(select(Customer).where(Customer.name == name)).one()
        account = enrol(session, customer.id)
        if points:
            adjust_points(session, account.id, points, "Points from the old paper cards")
        if not list_rewards(session):
            add_reward(session, RewardInput("Fiver off", 500, "amount", amount=500))
            add_reward(session, RewardInput("Free teapot", 400, "free_item", amount=2400))
        return customer.id


def test_a_member_uses_a_reward_on_the_sale_and_pays_with_points_once(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    zoe = _member_with_points(counter, "Zoë Ó'Brien", 600)
    dialog, seen = open_dialog(customer_id=zoe)
    # Only money off is offered at the till: the free item is a voucher from the Loyalty page.
    assert [button.text() for button in dialog.reward.buttons] == [
        "Use reward: £5.00 off (500 points)"
    ]
    _typed(qtbot, "POT-1")

    dialog.reward.buttons[0].click()
    assert "Take £5.00 off this purchase for 500 points?" in dialog.reward.text.text()
    assert dialog.total_label.text() == "Total £24.00"  # not until confirmed
    dialog.reward.buttons[0].click()  # "Yes, use it"
    assert dialog.total_label.text() == "Total £24.00 − £5.00 reward = £19.00"
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == PurchaseDialog.DialogCode.Accepted
    assert {"loyalty", "vouchers"} <= set(seen)
    [purchase] = _purchases(counter)
    assert (purchase.total, purchase.discount) == (1900, 500)
    with counter.read() as session:
        assert member_balance(session, zoe) == 600 - 500 + 19  # £19 paid earns 19 points
        redeemed = select(func.count(LoyaltyEntry.id)).where(LoyaltyEntry.kind == "redeem")
        assert session.scalar(redeemed) == 1


def test_a_member_short_of_points_is_not_offered_a_reward(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    _member_with_points(counter, "Zoë Ó'Brien", 600)
    dmitry = _member_with_points(counter, "Дмитрий Иванов", 120)
    dialog, _ = open_dialog()

    _typed(qtbot, "Дмитрий")
    assert "Дмитрий" in dialog.picker.summary.text()
    assert not dialog.reward.isVisible()
    assert dialog.reward.offers == []
    _typed(qtbot, TEA_CODE)
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    [purchase] = _purchases(counter)
    assert (purchase.total, purchase.discount) == (450, 0)
    with counter.read() as session:
        assert member_balance(session, dmitry) == 120 + 4


def test_a_reward_changed_at_another_till_records_nothing(
    qtbot: QtBot,
    counter: ShopDatabase,
    open_dialog: Callable[..., tuple[PurchaseDialog, list[str]]],
) -> None:
    zoe = _member_with_points(counter, "Zoë Ó'Brien", 600)
    dialog, _ = open_dialog(customer_id=zoe)
    _typed(qtbot, "POT-1")
    dialog.reward.buttons[0].click()
    dialog.reward.buttons[0].click()
    with counter.write() as session:  # the other till spends some of Zoë's points meanwhile
        account = account_for_customer(session, zoe)
        assert account is not None
        adjust_points(session, account.id, -200, "Redeemed at the other till")

    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.isVisible()
    assert "another till" in dialog.form_error.text()
    assert _purchases(counter) == []
    with counter.read() as session:
        assert member_balance(session, zoe) == 400
