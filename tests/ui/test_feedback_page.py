"""The Feedback page: recording feedback through the dialog, low scores on the follow-ups list,
notes and states that stay, and a goodwill voucher (and its slip) from a follow-up."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.feedback import FeedbackInput, record_feedback
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.vouchers import list_vouchers
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_page import ALL_FEEDBACK, FeedbackPage
from desktop.ui.print_preview import PrintPreviewDialog


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> FeedbackPage:
    page = FeedbackPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activate()
    return page


def _customer(shop: ShopDatabase, name: str, email: str = "", phone: str = "") -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name, email=email, phone=phone)).id


def _sale(shop: ShopDatabase, customer_id: int) -> tuple[int, str]:
    with shop.write() as session:
        purchase = record_purchase(
            session, PurchaseInput([LineInput("Blue mug", 1, 1800)], customer_id)
        )
        return purchase.id, purchase.reference


def _feedback(
    shop: ShopDatabase, customer_id: int, rating: int | None = None, recommend: int | None = None
) -> int:
    with shop.write() as session:
        details = FeedbackInput(rating, recommend, "Arrived chipped", customer_id=customer_id)
        return record_feedback(session, details).id


def _type(widget: QWidget, text: str) -> None:
    """Type any text, as a keyboard with that layout would (QTest types ASCII only)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def _column(model: QAbstractItemModel, column: int) -> list[str]:
    return [str(model.data(model.index(row, column))) for row in range(model.rowCount())]


def test_feedback_recorded_through_the_dialog_is_listed_and_a_low_one_is_followed_up(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien", email="zoe@example.com")
    _, reference = _sale(shop, zoe)
    page = _page(qtbot, shop)
    assert "Nothing to follow up" in page.follow_ups.empty.text()

    dialog = page.record_feedback_for(None, None)
    _type(dialog.picker.search, "Zoë")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.purchase.isEnabled()
    dialog.purchase.setCurrentIndex(
        dialog.purchase.findText(reference, Qt.MatchFlag.MatchStartsWith)
    )
    qtbot.keyClick(dialog.stars, Qt.Key.Key_2)
    assert dialog.stars.value() == 2
    assert dialog.follow_up_hint.isVisible()
    _type(dialog.comment, "Arrived chipped 😢")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted
    assert "Follow-ups" in page.done.text()
    assert _column(page.follow_ups.model, 1) == ["Zoë Ó'Brien"]
    assert _column(page.follow_ups.model, 2) == ["★★☆☆☆"]
    assert "Arrived chipped 😢" in page.follow_ups.panel.comment.text()
    assert "zoe@example.com" in page.follow_ups.panel.contact.text()
    page.tabs.setCurrentIndex(ALL_FEEDBACK)
    assert _column(page.model, 1) == ["Zoë Ó'Brien"]
    assert _column(page.model, 2) == [reference]


def test_three_stars_is_listed_but_not_followed_up(qtbot: QtBot, shop: ShopDatabase) -> None:
    dmitry = _customer(shop, "Дмитрий")
    page = _page(qtbot, shop)
    dialog = page.record_feedback_for(dmitry, None)
    qtbot.keyClick(dialog.stars, Qt.Key.Key_3)
    assert not dialog.follow_up_hint.isVisible()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)

    assert "Follow-ups" not in page.done.text()
    assert page.follow_ups.model.rowCount() == 0
    page.tabs.setCurrentIndex(ALL_FEEDBACK)
    assert _column(page.model, 1) == ["Дмитрий"]
    assert _column(page.model, 3) == ["★★★☆☆"]


def test_the_dialog_says_under_the_stars_when_no_score_was_given(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    elena = _customer(shop, "Ελένη")
    page = _page(qtbot, shop)
    dialog = page.record_feedback_for(elena, None)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.rating_error.isVisible()
    assert "star rating" in dialog.rating_error.text()
    page.tabs.setCurrentIndex(ALL_FEEDBACK)
    assert page.model.rowCount() == 0


def test_a_customer_must_be_chosen(qtbot: QtBot, shop: ShopDatabase) -> None:
    page = _page(qtbot, shop)
    dialog = page.record_feedback_for(None, None)
    qtbot.keyClick(dialog.stars, Qt.Key.Key_5)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "customer" in dialog.picker.error.text()


def test_notes_and_states_stay_and_the_filter_follows_the_state(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    lei = _customer(shop, "李雷", phone="07700 900123")
    _feedback(shop, lei, recommend=4)
    page = _page(qtbot, shop)
    follow_ups = page.follow_ups
    panel = follow_ups.panel
    assert "7700 900123" in panel.contact.text()

    _type(panel.note, "Rang him, he'd like a replacement")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    assert panel.note.text() == ""
    qtbot.mouseClick(panel.contacted_button, Qt.MouseButton.LeftButton)
    assert _column(follow_ups.model, 0) == ["Contacted"]
    assert not panel.contacted_button.isEnabled()

    again = _page(qtbot, shop)
    notes = again.follow_ups.panel.notes
    assert [notes.item(n).text() for n in range(notes.count())][-1].endswith(
        "— Rang him, he'd like a replacement"
    )
    assert _column(again.follow_ups.model, 5) == ["1"]

    qtbot.mouseClick(again.follow_ups.panel.resolved_button, Qt.MouseButton.LeftButton)
    assert again.follow_ups.model.rowCount() == 0
    assert again.follow_ups.empty.isVisible()
    again.follow_ups.state.setCurrentIndex(again.follow_ups.state.findData("resolved"))
    assert _column(again.follow_ups.model, 1) == ["李雷"]


def test_an_empty_note_is_refused_where_it_is_typed(qtbot: QtBot, shop: ShopDatabase) -> None:
    _feedback(shop, _customer(shop, "Zoë"), rating=1)
    page = _page(qtbot, shop)
    qtbot.mouseClick(page.follow_ups.panel.add_button, Qt.MouseButton.LeftButton)
    assert "write the note" in page.follow_ups.panel.message.text()


def test_a_goodwill_voucher_is_issued_for_the_customer_and_its_slip_previewed(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien")
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    _feedback(shop, zoe, rating=1)
    with qtbot.waitSignal(events.changed):
        events.changed.emit("feedback")
    follow_ups = page.follow_ups
    qtbot.mouseClick(follow_ups.panel.goodwill_button, Qt.MouseButton.LeftButton)
    dialog = follow_ups.goodwill_dialog
    assert dialog is not None
    dialog.value.percent.setValue(15)
    seen: list[str] = []
    events.changed.connect(seen.append)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)

    with shop.read() as session:
        vouchers = list_vouchers(session).rows
    assert [(v.kind, v.customer_name, v.percent) for v in vouchers] == [
        ("goodwill", "Zoë Ó'Brien", 15)
    ]
    assert "vouchers" in seen and "feedback" in seen
    assert "issued" in follow_ups.done.text()
    assert follow_ups.panel.voucher.isVisible()
    qtbot.waitUntil(lambda: follow_ups.printer.preview is not None, timeout=20000)
    assert isinstance(follow_ups.printer.preview, PrintPreviewDialog)
    follow_ups.printer.preview.close()

    follow_ups.issue_goodwill(follow_ups.current() or follow_ups.model.row(0))
    second = follow_ups.goodwill_dialog
    assert second is not None
    second.print_now.setChecked(False)
    qtbot.mouseClick(second.issue_button, Qt.MouseButton.LeftButton)
    assert "already given" in second.form_error.text()


def test_double_clicking_the_customer_asks_to_show_them(qtbot: QtBot, shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë")
    _feedback(shop, zoe, rating=2)
    page = _page(qtbot, shop)
    table = page.follow_ups.table
    place = table.visualRect(page.follow_ups.model.index(0, 1)).center()
    # A real double-click: the view only opens what the first press picked.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=place)
    with qtbot.waitSignal(page.show_customer_requested) as shown:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=place)
    assert shown.args == [zoe]
