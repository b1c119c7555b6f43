"""Settings › Unsubscribes: everyone who asked not to get marketing, and recording a new one
(a reply, a phone call, a word at the counter). An entry goes on the suppression list, which
every send, export and print honours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.customers import get_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import stop_feedback_requests, stop_feedback_requests_to
from desktop.shop.settings import get_profile
from desktop.shop.suppression import Channel, list_suppressions, suppress
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, fit_height, good_colour, show_message, with_error
from desktop.ui.list_view import list_view
from desktop.ui.table_models import Index, RowsTableModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CHANNEL_CHOICES: tuple[tuple[Channel | Literal["feedback"], str], ...] = (
    ("email", "Email"),
    ("post", "Post"),
    ("all", "Email and post"),
    ("feedback", "Feedback request emails only"),
)
SOURCE_CHOICES = (
    ("email_reply", "Replied to an email"),
    ("phone", "On the phone"),
    ("counter", "In person"),
    ("letter", "By letter"),
)
SOURCE_WORDS = dict(SOURCE_CHOICES) | {"import": "Import", "list": "Mailing list"}
CHANNEL_WORDS: dict[str, str] = dict(CHANNEL_CHOICES)
REFRESHED_BY = ("customers", "unsubscribes")


@dataclass(frozen=True)
class UnsubscribeRow:
    recorded_at: datetime
    customer: str
    email: str
    channel: str
    source: str
    note: str


def _rows(shop: ShopDatabase) -> list[UnsubscribeRow]:
    with shop.read() as session:
        return [
            UnsubscribeRow(
                entry.recorded_at,
                get_customer(session, entry.customer_id).name if entry.customer_id else "",
                entry.email_key or "",
                CHANNEL_WORDS.get(entry.channel, entry.channel),
                SOURCE_WORDS.get(entry.source, entry.source),
                entry.reason,
            )
            for entry in list_suppressions(session)
        ]


class UnsubscribeTableModel(RowsTableModel):
    HEADERS = ("Recorded", "Customer", "Email address", "No more", "How", "Note")

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rows: list[UnsubscribeRow] = []

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = _rows(self._shop)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        cells = (
            f"{row.recorded_at.astimezone():%d %b %Y %H:%M}",
            row.customer or "—",
            row.email or "—",
            row.channel,
            row.source,
            row.note,
        )
        return cells[index.column()]


class RecordUnsubscribeDialog(QDialog):
    """Who (a customer, or just an address), which channel, and how they said so. Accepted
    once recorded; `summary` then says what was done."""

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.summary = ""
        self.setWindowTitle("Record an unsubscribe")
        with shop.read() as session:
            country = get_profile(session).country

        self.by_customer = QRadioButton("A &customer")
        self.by_address = QRadioButton("Just an email &address")
        group = QButtonGroup(self)
        group.addButton(self.by_customer)
        group.addButton(self.by_address)
        self.by_customer.setChecked(True)
        self.picker = CustomerPicker(shop, country, nobody_label="Nobody chosen yet")
        self.picker.search.setPlaceholderText(
            "Type a name, email, phone or postcode and press Enter"
        )
        self.email = QLineEdit()
        self.email.setPlaceholderText("The address they wrote from, e.g. zoe@example.org")
        self.channel = QComboBox()
        for channel, title in CHANNEL_CHOICES:
            self.channel.addItem(title, channel)
        self.source = QComboBox()
        for how, title in SOURCE_CHOICES:
            self.source.addItem(title, how)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional, e.g. “Moving abroad”")
        self.who_error, self.error = error_label(), error_label()

        explain = QLabel(
            "They get no more marketing on that channel, whatever any import or consent form "
            "says later. Receipts and voucher slips still go to them."
        )
        explain.setWordWrap(True)
        who = QHBoxLayout()
        who.addWidget(self.by_customer)
        who.addWidget(self.by_address)
        who.addStretch(1)
        form = QFormLayout()
        form.addRow("Who", with_error(who, self.picker, self.email, self.who_error))
        form.addRow("No &more", self.channel)
        form.addRow("&How they said so", self.source)
        form.addRow("&Note", self.note)
        self.record_button, buttons = action_buttons(self, "Record unsubscribe", self.record)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)

        self.by_address.toggled.connect(self._who_changed)
        self.picker.chosen.connect(self.channel.setFocus)
        self._who_changed()

    def _who_changed(self) -> None:
        by_address = self.by_address.isChecked()
        self.picker.setVisible(not by_address)
        self.email.setVisible(by_address)
        (self.email if by_address else self.picker.search).setFocus()

    def record(self) -> None:
        show_message(self.who_error, "")
        show_message(self.error, "")
        customer_id, email = None, ""
        if self.by_address.isChecked():
            email = self.email.text()
        else:
            choice = self.picker.choice()
            customer_id = choice.customer_id if choice is not None else None
            if customer_id is None:
                show_message(
                    self.who_error,
                    "Type the customer's name, pick them from the list (Enter), or choose "
                    "“Just an email address”.",
                )
                self.picker.search.setFocus()
                fit_height(self)
                return
        channel: Channel | Literal["feedback"] = self.channel.currentData()
        source = str(self.source.currentData())
        try:
            with self.shop.write() as session:
                if channel == "feedback":
                    who = self._stop_feedback_requests(session, customer_id, email, source)
                else:
                    entry = suppress(
                        session,
                        customer_id=customer_id,
                        email=email,
                        channel=channel,
                        reason=self.note.text(),
                        source=source,
                    )
                    who = (
                        get_customer(session, entry.customer_id).name
                        if entry.customer_id is not None
                        else entry.email_key or email
                    )
        except InvalidInput as error:
            show_message(self.who_error if error.field == "email" else self.error, str(error))
            fit_height(self)
            return
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.error, message)
            return
        if channel == "feedback":
            self.summary = f"✓ Recorded: {who} will not be asked for feedback again."
            self.events.changed.emit("feedback")
        else:
            words = {"email": "by email", "post": "by post", "all": "by email or post"}[channel]
            self.summary = f"✓ Recorded: {who} gets no more marketing {words}."
            self.events.changed.emit("customers")
            self.events.changed.emit("unsubscribes")
        self.accept()

    @staticmethod
    def _stop_feedback_requests(
        session: Session, customer_id: int | None, email: str, source: str
    ) -> str:
        """Who will not be asked for feedback again, in words."""
        if customer_id is not None:
            stop_feedback_requests(session, customer_id, source)
            return get_customer(session, customer_id).name
        found = stop_feedback_requests_to(session, email, source)
        return ", ".join(get_customer(session, one).name for one in found)


class UnsubscribesTab(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.dialog: RecordUnsubscribeDialog | None = None
        self._stale = False

        self.search = QLineEdit()
        self.search.setPlaceholderText("Find by name, email address or note")
        self.search.setClearButtonEnabled(True)
        self.record_button = QPushButton("Record an unsubscribe…   Ctrl+N")
        self.record_button.clicked.connect(self.record)
        QShortcut(QKeySequence.StandardKey.New, self, self.record).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.model = UnsubscribeTableModel(shop, self)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.model)
        self.filtered.setFilterKeyColumn(-1)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.filtered.setFilterFixedString)
        self.search.textChanged.connect(lambda _text: self._show_count())
        widths = {0: 140, 1: 190, 2: 230, 3: 120, 4: 160}
        self.table = list_view(self.filtered, stretch=(5,), widths=widths, many=True)
        self.count = QLabel()
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.done.setWordWrap(True)
        self.done.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.done)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        events.changed.connect(self._changed)

    def reload(self) -> None:
        self.model.refresh()
        self._show_count()

    def _changed(self, what: str) -> None:
        if what in REFRESHED_BY:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    def _show_count(self) -> None:
        total, shown = self.model.rowCount(), self.filtered.rowCount(QModelIndex())
        if total == 0:
            self.count.setText("Nobody has unsubscribed yet.")
        elif shown == total:
            self.count.setText(f"{total} unsubscribe{'s' if total != 1 else ''}.")
        else:
            self.count.setText(f"{shown} of {total} unsubscribes match “{self.search.text()}”.")

    def record(self) -> None:
        """Open the dialog without blocking; the list refreshes once it is recorded."""
        self.done.hide()
        self.dialog = RecordUnsubscribeDialog(self.shop, self.events, self)
        self.dialog.accepted.connect(self._recorded)
        self.dialog.open()

    def _recorded(self) -> None:
        if self.dialog is not None:
            self.done.setText(self.dialog.summary)
            self.done.show()
        self.reload()
