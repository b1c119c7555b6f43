"""One follow-up in detail: what they said, how to reach them, the notes so far, and what to do
next (a note, a new state, a goodwill voucher)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.codes import format_code
from desktop.shop.feedback import (
    FollowUpRow,
    FollowUpState,
    add_follow_up_note,
    follow_up_notes,
    set_follow_up_state,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_format import (
    STATE_COLOURS,
    channel,
    moment_text,
    score,
    state,
)
from desktop.ui.inline_errors import error_label, show_message


class FollowUpPanel(QFrame):
    """`goodwill_requested(row)` when "Issue goodwill voucher…" is pressed (the page opens the
    dialog); `show_customer(id)` for the customer's link."""

    goodwill_requested = Signal(object)
    show_customer = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.row: FollowUpRow | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(360)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.linkActivated.connect(self._link)
        self.state_label = QLabel()
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.comment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.comment.setStyleSheet("font-size: 11pt; padding: 6px 0;")
        self.contact = QLabel()
        self.contact.setWordWrap(True)
        self.contact.setTextFormat(Qt.TextFormat.RichText)
        self.contact.setOpenExternalLinks(True)
        self.contact.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.voucher = QLabel()
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What was said or done — press Enter to add")
        self.note.returnPressed.connect(self.add_note)
        self.add_button = QPushButton("Add note")
        self.add_button.clicked.connect(self.add_note)
        self.contacted_button = QPushButton("Mark &contacted")
        self.contacted_button.clicked.connect(lambda: self.set_state("contacted"))
        self.resolved_button = QPushButton("Mark &resolved")
        self.resolved_button.clicked.connect(lambda: self.set_state("resolved"))
        self.goodwill_button = QPushButton("Issue &goodwill voucher…")
        self.goodwill_button.clicked.connect(self._goodwill)
        self.message = error_label()
        self.empty = QLabel("Choose a follow-up in the list to see it here.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        add = QHBoxLayout()
        add.addWidget(self.note, 1)
        add.addWidget(self.add_button)
        actions = QHBoxLayout()
        actions.addWidget(self.contacted_button)
        actions.addWidget(self.resolved_button)
        actions.addStretch(1)
        self.details = QWidget()
        inner = QVBoxLayout(self.details)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.heading)
        inner.addWidget(self.state_label)
        inner.addWidget(self.comment)
        inner.addWidget(self.contact)
        inner.addLayout(actions)
        inner.addWidget(self.goodwill_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(self.voucher)
        inner.addWidget(QLabel("<b>Notes</b>"))
        inner.addWidget(self.notes, 1)
        inner.addLayout(add)
        inner.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.empty, 1)
        self.show_row(None)

    def show_row(self, row: FollowUpRow | None) -> None:
        """Show `row` (None: nothing chosen), its notes read fresh from the shop."""
        self.row = row
        self.details.setVisible(row is not None)
        self.empty.setVisible(row is None)
        show_message(self.message, "")
        if row is None:
            return
        who = escape(row.customer_name or "No customer recorded")
        if row.customer_id is not None:
            who = f'<a href="customer:{row.customer_id}">{who}</a>'
        about = f", purchase {escape(row.reference)}" if row.reference else ""
        self.heading.setText(
            f"<span style='font-size: 13pt; font-weight: 600;'>{who}</span><br>"
            f"<span style='font-size: 13pt;'>{escape(score(row.rating, row.recommend))}</span>"
            f"&nbsp; {escape(moment_text(row.received_at))}, "
            f"{escape(channel(row.channel).lower())}{about}"
        )
        colour = STATE_COLOURS.get(row.state, "")
        self.state_label.setText(f"State: <b style='color: {colour}'>{state(row.state)}</b>")
        self.comment.setText(f"“{row.comment}”" if row.comment else "(no comment)")
        self.contact.setText(_contact(row))
        self.voucher.setText(
            f"Goodwill voucher {format_code(row.voucher_code)} given." if row.voucher_code else ""
        )
        self.voucher.setVisible(bool(row.voucher_code))
        self.contacted_button.setEnabled(row.state != "contacted")
        self.resolved_button.setEnabled(row.state != "resolved")
        with self.shop.read() as session:
            notes = follow_up_notes(session, row.feedback_id)
        self.notes.clear()
        for note in notes:
            self.notes.addItem(f"{moment_text(note.written_at)} — {note.text}")
        if not notes:
            self.notes.addItem("No notes yet.")
        self.notes.scrollToBottom()

    def add_note(self) -> None:
        if self.row is None:
            return
        try:
            with self.shop.write() as session:
                add_follow_up_note(session, self.row.feedback_id, self.note.text())
        except Exception as error:
            self._problem(error, self.note)
            return
        self.note.clear()
        self.events.changed.emit("feedback")

    def set_state(self, new_state: FollowUpState) -> None:
        if self.row is None:
            return
        try:
            with self.shop.write() as session:
                set_follow_up_state(session, self.row.feedback_id, new_state)
        except Exception as error:
            self._problem(error, self.contacted_button)
            return
        self.events.changed.emit("feedback")

    def _goodwill(self) -> None:
        if self.row is not None:
            self.goodwill_requested.emit(self.row)

    def _link(self, link: str) -> None:
        self.show_customer.emit(int(link.removeprefix("customer:")))

    def _problem(self, error: BaseException, target: QWidget) -> None:
        text = describe_error(error)
        if text is None:
            raise error
        show_message(self.message, text)
        target.setFocus()


def _contact(row: FollowUpRow) -> str:
    """Email and phone as links (mail, call), or a plain note that there is no way to reach them."""
    parts = []
    if row.email:
        parts.append(f"Email: <a href='mailto:{escape(row.email)}'>{escape(row.email)}</a>")
    if row.phone:
        digits = "".join(ch for ch in row.phone if ch.isdigit() or ch == "+")
        parts.append(f"Phone: <a href='tel:{escape(digits)}'>{escape(row.phone)}</a>")
    if not parts:
        return "No email or phone number on record."
    return " &nbsp;·&nbsp; ".join(parts)
