"""Recording feedback at the counter: who (and which of their purchases), the stars and/or the
recommend score, what they said and how it came. Each problem shows under its field."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.customers import create_customer, get_customer
from desktop.shop.errors import NotFound
from desktop.shop.feedback import CHANNELS, FeedbackInput, needs_follow_up, record_feedback
from desktop.shop.money import format_money
from desktop.shop.purchases import browse_purchases
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import NEW_FIELDS, CustomerPicker
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_format import LOW_COLOUR, day
from desktop.ui.feedback_stars import StarRating
from desktop.ui.inline_errors import error_label, fit_height, show_message, with_error
from desktop.ui.shop_writes import refusal, say_at

PURCHASES_LISTED = 50
GENERAL = "About the shop in general (no particular purchase)"


class RecordFeedbackDialog(QDialog):
    """After Record: `recorded_id` is the new feedback and `followed_up` says whether its low
    score opened a follow-up; `summary` says so in a sentence."""

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        *,
        customer_id: int | None = None,
        purchase_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record feedback")
        self.shop = shop
        self.events = events
        self.recorded_id: int | None = None
        self.followed_up = False
        self.summary = ""
        with shop.read() as session:
            self.profile = get_profile(session)

        self.picker = CustomerPicker(shop, self.profile.country, nobody_label="No customer chosen")
        self.picker.chosen.connect(self._customer_chosen)
        self.purchase = QComboBox()
        self.purchase.setMinimumWidth(380)
        self.stars = StarRating()
        self.recommend = QComboBox()
        self.recommend.addItem("Not asked", None)
        for number in range(11):
            self.recommend.addItem(f"{number} out of 10", number)
        self.recommend.setMaximumWidth(160)
        self.follow_up_hint = QLabel(
            "A low score: this feedback will go to the Follow-ups list so someone gets back "
            "to the customer."
        )
        self.follow_up_hint.setWordWrap(True)
        self.follow_up_hint.setStyleSheet(f"color: {LOW_COLOUR};")
        self.follow_up_hint.hide()
        self.stars.changed.connect(lambda _value: self._scores_changed())
        self.recommend.currentIndexChanged.connect(lambda _index: self._scores_changed())
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("What they said, in their words")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(90)
        self.channel = QComboBox()
        for name, title in CHANNELS.items():
            self.channel.addItem(title, name)
        self.channel.setMaximumWidth(200)
        self.received = QDateTimeEdit(QDateTime.currentDateTime())
        self.received.setDisplayFormat("d MMMM yyyy HH:mm")
        self.received.setCalendarPopup(True)
        self.received.setMaximumWidth(220)

        self.purchase_error, self.rating_error = error_label(), error_label()
        self.recommend_error, self.comment_error = error_label(), error_label()
        self.channel_error, self.received_error = error_label(), error_label()
        self.form_error = error_label()

        recommend = QHBoxLayout()
        recommend.addWidget(self.recommend)
        recommend.addWidget(QLabel("How likely are they to recommend the shop?"))
        recommend.addStretch(1)
        form = QFormLayout()
        rows: list[tuple[str, QWidget, QWidget]] = [
            ("&Customer", self.picker, self.picker.search),
            ("&Purchase", with_error(self.purchase, self.purchase_error), self.purchase),
            ("&Stars", with_error(self.stars, self.rating_error), self.stars),
            (
                "&Recommend",
                with_error(recommend, self.recommend_error, self.follow_up_hint),
                self.recommend,
            ),
            ("C&omment", with_error(self.comment, self.comment_error), self.comment),
            ("&How it came", with_error(self.channel, self.channel_error), self.channel),
            ("&When", with_error(self.received, self.received_error), self.received),
        ]
        for title, row, field in rows:
            # Alt+letter lands in the field itself, not on the row holding it and its message.
            label = QLabel(title)
            label.setBuddy(field)
            form.addRow(label, row)

        self.record_button, buttons = action_buttons(self, "Record feedback", self.record)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)

        if customer_id is not None:
            self.picker.preselect(customer_id)
        self._fill_purchases(customer_id, purchase_id)
        (self.stars if customer_id is not None else self.picker.search).setFocus()

    def _customer_chosen(self) -> None:
        choice = self.picker.choice()
        self._fill_purchases(choice.customer_id if choice else None, None)
        self.stars.setFocus()

    def _fill_purchases(self, customer_id: int | None, selected: int | None) -> None:
        """The customer's latest purchases to choose from (none chosen: the shop in general)."""
        self.purchase.clear()
        self.purchase.addItem(GENERAL, None)
        if customer_id is None:
            self.purchase.setEnabled(False)
            return
        with self.shop.read() as session:
            rows = browse_purchases(session, limit=PURCHASES_LISTED, customer_id=customer_id).rows
        for row in rows:
            if row.voided and row.id != selected:
                continue
            money = format_money(row.total, row.currency, self.profile.locale)
            self.purchase.addItem(f"{row.reference} — {day(row.purchased_at)} · {money}", row.id)
        self.purchase.setEnabled(self.purchase.count() > 1)
        if selected is not None:
            self.purchase.setCurrentIndex(max(0, self.purchase.findData(selected)))

    def _scores_changed(self) -> None:
        low = needs_follow_up(self.stars.value(), self.recommend.currentData())
        self.follow_up_hint.setVisible(low)
        fit_height(self)

    def typed(self) -> FeedbackInput:
        """The feedback as entered (checked by the shop when recorded)."""
        moment = self.received.dateTime().toSecsSinceEpoch()
        return FeedbackInput(
            rating=self.stars.value(),
            recommend=self.recommend.currentData(),
            comment=self.comment.toPlainText(),
            channel=str(self.channel.currentData()),
            received_at=datetime.fromtimestamp(moment, UTC),
            purchase_id=self.purchase.currentData(),
        )

    def record(self) -> None:
        """Record it (adding a new customer in the same transaction if one was typed)."""
        for label in self._labels():
            show_message(label, "")
        self.picker.clear_error()
        choice = self.picker.choice()
        if choice is None or (choice.customer_id is None and choice.new_customer is None):
            self.picker.show_error(
                "Type the customer's name and pick them from the list (Enter), "
                "or add them as a new customer."
            )
            fit_height(self)
            return
        details = self.typed()
        try:
            with self.shop.write() as session:
                if choice.new_customer is not None:
                    details.customer_id = create_customer(session, choice.new_customer).id
                else:
                    details.customer_id = choice.customer_id
                feedback = record_feedback(session, details)
                self.recorded_id = feedback.id
                customer = get_customer(session, feedback.customer_id or 0)
                name = customer.name
        except Exception as error:
            self._show_error(error)
            return
        self.followed_up = needs_follow_up(details.rating, details.recommend)
        self.summary = f"Recorded {name}'s feedback." + (
            " A low score: it is on the Follow-ups list." if self.followed_up else ""
        )
        self.events.changed.emit("feedback")
        if choice.new_customer is not None:
            self.events.changed.emit("customers")
        self.accept()

    def _labels(self) -> list[QLabel]:
        return [
            self.purchase_error,
            self.rating_error,
            self.recommend_error,
            self.comment_error,
            self.channel_error,
            self.received_error,
            self.form_error,
        ]

    def _show_error(self, error: BaseException) -> None:
        message, field = refusal(error)
        if field in (*NEW_FIELDS, "customer") or (
            isinstance(error, NotFound) and "customer" in message
        ):
            self.picker.show_error(message, field)
            fit_height(self)
            return
        places: dict[str | None, tuple[QLabel, QWidget]] = {
            "rating": (self.rating_error, self.stars),
            "recommend": (self.recommend_error, self.recommend),
            "comment": (self.comment_error, self.comment),
            "channel": (self.channel_error, self.channel),
            "received": (self.received_error, self.received),
            "purchase": (self.purchase_error, self.purchase),
        }
        say_at(self, *places.get(field, (self.form_error, self.record_button)), message)
