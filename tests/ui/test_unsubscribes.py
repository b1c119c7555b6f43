"""Settings › Unsubscribes: recording who asked to stop (a customer, or just the address they
wrote from), honoured everywhere: consent cannot be switched back on; the list and its search."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.shop.consent import ConsentChoice, record_consent
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import due_feedback_requests
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.suppression import is_email_suppressed, is_suppressed
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.unsubscribes import RecordUnsubscribeDialog, UnsubscribesTab

YES = ConsentChoice(granted=True)


@pytest.fixture
def customers(shop: ShopDatabase) -> dict[str, int]:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea Room", email="hello@zoes.example"))
        found = {}
        for name, email in (
            ("Zoë Ó'Brien", "zoe@example.org"),
            ("Дмитрий Łukasz 🍵", "dmitry@example.org"),
            ("李雷", "lilei@example.org"),
        ):
            customer = create_customer(
                session,
                CustomerDetails(
                    name=name, email=email, address_line1="1 High St", postcode="BA1 1AA"
                ),
                email_consent=YES,
                post_consent=YES,
            )
            found[name] = customer.id
    return found


def _dialog(qtbot: QtBot, shop: ShopDatabase) -> tuple[RecordUnsubscribeDialog, list[str]]:
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    dialog = RecordUnsubscribeDialog(shop, events)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    return dialog, seen


def _type(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus, then Enter, as a person would."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_an_unsubscribe_is_recorded_with_the_keyboard_and_honoured(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog, seen = _dialog(qtbot, shop)
    assert QApplication.focusWidget() is dialog.picker.search
    _type(qtbot, "zoe")  # Enter picks the first match, then on to the channel
    assert "Zoë Ó'Brien" in dialog.picker.summary.text()
    assert QApplication.focusWidget() is dialog.channel
    dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
    dialog.source.setCurrentIndex(dialog.source.findData("email_reply"))
    dialog.note.setText("Moving to Łódź")
    qtbot.keyClick(dialog.channel, Qt.Key.Key_Return)  # the default button records

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.summary == "✓ Recorded: Zoë Ó'Brien gets no more marketing by email."
    assert seen == ["customers", "unsubscribes"]
    zoe = customers["Zoë Ó'Brien"]
    with shop.write() as session:
        assert is_suppressed(session, zoe, "email")
        assert not is_suppressed(session, zoe, "post")  # only email was asked for
        customer = get_customer(session, zoe)
        assert not customer.email_marketing and customer.post_marketing
        with pytest.raises(InvalidInput, match="objection stands"):
            record_consent(session, customer, "email", YES)
        assert not is_suppressed(session, customers["李雷"], "email")


def test_an_address_alone_suppresses_whoever_has_it(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog, _ = _dialog(qtbot, shop)
    dialog.by_address.setChecked(True)
    assert QApplication.focusWidget() is dialog.email
    assert not dialog.picker.isVisible()
    dialog.channel.setCurrentIndex(dialog.channel.findData("all"))
    dialog.email.setText(" Dmitry@Example.org ")
    dialog.record_button.click()
    assert (
        dialog.summary == "✓ Recorded: dmitry@example.org gets no more marketing by email or post."
    )
    dmitry = customers["Дмитрий Łukasz 🍵"]
    with shop.write() as session:
        assert is_suppressed(session, dmitry, "email") and is_suppressed(session, dmitry, "post")
        assert is_email_suppressed(session, "dmitry@example.org")
        for channel in ("email", "post"):
            with pytest.raises(InvalidInput):
                record_consent(session, get_customer(session, dmitry), channel, YES)


def test_a_dont_ask_me_again_reply_stops_feedback_requests_but_not_marketing(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog, seen = _dialog(qtbot, shop)
    dialog.by_address.setChecked(True)
    dialog.channel.setCurrentIndex(dialog.channel.findData("feedback"))
    dialog.email.setText("LiLei@example.org")
    dialog.record_button.click()
    assert dialog.summary == "✓ Recorded: 李雷 will not be asked for feedback again."
    assert seen == ["feedback"]
    li = customers["李雷"]
    bought = datetime.now(UTC) - timedelta(days=7)
    with shop.write() as session:
        for who in (li, customers["Zoë Ó'Brien"]):
            record_purchase(
                session, PurchaseInput([LineInput("Teapot", 1, 2400)], who, purchased_at=bought)
            )
        assert not is_suppressed(session, li, "email")  # marketing is another matter
        due = due_feedback_requests(session, date.today(), 7)
    assert {row.customer_id for row in due} == {customers["Zoë Ó'Brien"]}

    unknown, _ = _dialog(qtbot, shop)
    unknown.by_address.setChecked(True)
    unknown.channel.setCurrentIndex(unknown.channel.findData("feedback"))
    unknown.email.setText("nobody@example.org")
    unknown.record_button.click()
    assert "No customer has the address" in unknown.who_error.text()


def test_nothing_is_recorded_without_saying_who(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog, seen = _dialog(qtbot, shop)
    dialog.record_button.click()
    assert dialog.who_error.isVisible()
    assert "pick them from the list" in dialog.who_error.text()
    dialog.by_address.setChecked(True)
    dialog.email.setText("not an address")
    dialog.record_button.click()
    assert "not a valid email address" in dialog.who_error.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and seen == []
    with shop.read() as session:
        assert not any(is_suppressed(session, cid, "email") for cid in customers.values())


def test_the_tab_lists_unsubscribes_searches_them_and_confirms_a_new_one(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    events = ShopEvents()
    tab = UnsubscribesTab(shop, events)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    with qtbot.waitActive(tab):
        tab.show()
    tab.reload()
    assert tab.count.text() == "Nobody has unsubscribed yet."

    qtbot.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.by_address.setChecked(True)
    dialog.email.setText("ελένη@example.org")
    dialog.source.setCurrentIndex(dialog.source.findData("phone"))
    dialog.record_button.click()
    tab.dialog = None
    tab.record()
    assert tab.dialog is not None
    tab.dialog.picker.preselect(customers["李雷"])
    tab.dialog.channel.setCurrentIndex(tab.dialog.channel.findData("post"))
    tab.dialog.note.setText("Too many letters")
    tab.dialog.record_button.click()

    assert tab.done.text() == "✓ Recorded: 李雷 gets no more marketing by post."
    assert tab.count.text() == "2 unsubscribes."
    cells = [
        [tab.filtered.index(row, column).data() for column in range(6)]
        for row in range(tab.filtered.rowCount(QModelIndex()))
    ]
    assert cells[0][1:] == [
        "李雷",
        "lilei@example.org",
        "Post",
        "Replied to an email",
        "Too many letters",
    ]
    assert cells[1][1:] == ["—", "ελένη@example.org", "Email", "On the phone", ""]
    tab.search.setText("ΕΛΈΝΗ")
    assert tab.filtered.rowCount(QModelIndex()) == 1
    assert tab.count.text() == "1 of 2 unsubscribes match “ΕΛΈΝΗ”."
