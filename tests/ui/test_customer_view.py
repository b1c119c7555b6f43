"""A customer's own page: their history at a glance, changed details, permissions kept honestly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.shop.consent import EMAIL_WORDING, POST_WORDING, ConsentChoice, consent_history
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.duplicates import merge_customers
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.satisfaction import feedback_rows
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_view import CustomerView
from desktop.ui.events import ShopEvents

ZOE = CustomerDetails(
    name="Zoë Ó'Brien",
    email="zoe@example.com",
    phone="07700 900123",
    address_line1="12 Rose Lane",
    town="Bath",
    postcode="BA1 1AA",
    birth_day=29,
    birth_month=2,
    notes="Likes lavender",
    tags=["VIP", "candles"],
)


@pytest.fixture
def events() -> ShopEvents:
    return ShopEvents()


@pytest.fixture
def zoe(shop: ShopDatabase) -> int:
    start = datetime.now(UTC) - timedelta(days=60)
    with shop.write() as session:
        customer = create_customer(session, ZOE, email_consent=ConsentChoice(True))
        for week in range(0, 8, 2):
            record_purchase(
                session,
                PurchaseInput(
                    [
                        LineInput("Lavender candle", 2, 1450),
                        LineInput("Gift wrap", 1, 200),
                        LineInput("Card", 1, 300),
                    ],
                    customer_id=customer.id,
                    purchased_at=start + timedelta(weeks=week),
                ),
            )
        refunded = record_purchase(
            session,
            PurchaseInput([LineInput("Vase", 1, 4000)], customer_id=customer.id),
        )
        void_purchase(session, refunded.id, "Arrived broken")
        return customer.id


@pytest.fixture
def view(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents, zoe: int) -> CustomerView:
    widget = CustomerView(shop, events)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_customer(zoe)
    return widget


def test_the_page_shows_who_they_are_and_how_often_they_come(view: CustomerView) -> None:
    assert view.name.text() == "Zoë Ó'Brien"
    assert "VIP" in view.subtitle.text() and "candles" in view.subtitle.text()
    assert view.email.text() == "zoe@example.com"
    assert view.phone.text() == "+44 7700 900123"
    assert view.address.text() == "12 Rose Lane\nBath\nBA1 1AA"
    assert view.birthday.text() == "29 February"
    assert view.stats["Visits"].text() == "4"
    assert view.stats["Total spent"].text() == "£136.00"
    assert view.stats["Usual gap"].text() == "about every 2 weeks"
    assert view.stats["First seen"].text() != "—"


def test_purchases_are_listed_newest_first_with_the_voided_one_marked(view: CustomerView) -> None:
    purchases = view.purchases
    assert purchases.rowCount() == 5
    assert purchases.text(0, 3) == "Vase"
    assert purchases.text(0, 5) == "Voided: Arrived broken"
    assert purchases.text(1, 3) == "2 × Lavender candle, Gift wrap and 1 more"
    assert purchases.text(1, 4) == "£34.00"
    assert purchases.text(1, 2) == "In shop"
    assert purchases.text(1, 5) == ""
    struck = purchases.data(purchases.index(0, 4), Qt.ItemDataRole.FontRole)
    assert struck is not None and struck.strikeOut()
    assert purchases.data(purchases.index(1, 4), Qt.ItemDataRole.FontRole) is None
    assert view.tabs.tabText(0) == "Purchases (5)"


def test_permissions_show_the_current_state_and_the_ledger(view: CustomerView) -> None:
    assert view.email_permission.text().startswith("Yes — consent, since ")
    assert view.post_permission.text() == "No — never asked"
    assert view.ledger.rowCount() == 1
    assert [view.ledger.text(0, c) for c in range(1, 6)] == [
        "Email",
        "Granted",
        "Consent",
        "At the counter",
        EMAIL_WORDING,
    ]


def test_changing_permissions_adds_to_the_ledger_with_the_words_shown(
    qtbot: QtBot, shop: ShopDatabase, view: CustomerView, zoe: int
) -> None:
    dialog = view.change_permissions()
    assert dialog is not None
    assert not dialog.save_button.isEnabled(), "nothing changed yet"
    dialog.checks["email"].setChecked(False)
    dialog.checks["post"].setChecked(True)
    dialog.how.setCurrentIndex(dialog.how.findData("phone"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    with shop.read() as session:
        latest = {entry.channel: entry for entry in consent_history(session, zoe)[:2]}
    assert (latest["email"].granted, latest["email"].basis) == (False, "withdrawn")
    assert (latest["post"].granted, latest["post"].wording) == (True, POST_WORDING)
    assert latest["post"].source == "phone"
    # The page is up to date at once.
    assert view.email_permission.text().startswith("No — withdrawn")
    assert view.post_permission.text().startswith("Yes — consent")
    assert view.ledger.rowCount() == 3


def test_post_permission_without_an_address_is_refused_in_place(
    qtbot: QtBot, shop: ShopDatabase, view: CustomerView
) -> None:
    with shop.write() as session:
        customer = create_customer(session, CustomerDetails(name="李雷"))
        li = customer.id
    view.show_customer(li)
    dialog = view.change_permissions()
    assert dialog is not None
    dialog.checks["post"].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "postal address" in dialog.errors["post"].text()
    with shop.read() as session:
        assert consent_history(session, li) == []


def test_edit_changes_the_details_shown(
    qtbot: QtBot, shop: ShopDatabase, view: CustomerView, zoe: int
) -> None:
    dialog = view.edit()
    assert dialog is not None
    assert dialog.form.name.text() == "Zoë Ó'Brien"
    assert dialog.form.tags.text() == "VIP, candles"
    assert dialog.form.birth_month.currentText() == "February"
    dialog.form.name.setText("Zoë Ó'Brien-Smith")
    dialog.form.email.setText("")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert view.name.text() == "Zoë Ó'Brien-Smith"
    assert view.email.text() == "—"
    # Without an email address, email marketing was withdrawn for her.
    assert view.email_permission.text().startswith("No — withdrawn")
    with shop.read() as session:
        assert get_customer(session, zoe).email is None


def test_a_bad_birthday_in_edit_is_refused_next_to_the_birthday(
    qtbot: QtBot, view: CustomerView
) -> None:
    dialog = view.edit()
    assert dialog is not None
    dialog.form.birth_day.setValue(31)
    dialog.form.birth_month.setCurrentIndex(4)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.form.errors["birthday"].text() == "31/4 is not a day of the year."
    assert view.birthday.text() == "29 February"


def test_escape_asks_to_go_back(qtbot: QtBot, view: CustomerView) -> None:
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.record_button.setFocus()
    with qtbot.waitSignal(view.back_requested):
        qtbot.keyClick(view.record_button, Qt.Key.Key_Escape)


def test_a_customer_merged_away_sends_the_page_back(
    qtbot: QtBot, shop: ShopDatabase, events: ShopEvents, view: CustomerView, zoe: int
) -> None:
    with shop.write() as session:
        other = create_customer(session, CustomerDetails(name="Zoe OBrien")).id
        merge_customers(session, other, zoe)
    with qtbot.waitSignal(view.back_requested):
        events.changed.emit("customers")
    assert view.customer_id is None


def test_feedback_heard_at_the_counter_is_recorded_for_this_customer(
    qtbot: QtBot, view: CustomerView, shop: ShopDatabase, zoe: int
) -> None:
    dialog = view.record_feedback()
    assert dialog is not None
    dialog.stars.set_value(2)
    dialog.comment.setPlainText("The lid chipped — шкода 😞")
    dialog.record()
    with shop.read() as session:
        [row] = feedback_rows(session)
    assert (row.customer_id, row.rating) == (zoe, 2)
    assert row.comment == "The lid chipped — шкода 😞"
