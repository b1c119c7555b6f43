"""Asking why before something that cannot be undone (voiding a sale, cancelling a voucher):
say what it means, require a reason, and show the shop's refusal where the reason is typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.errors import describe_error
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message


class ReasonDialog(QDialog):
    """Subclasses say what is asked (`build`) and do it (`perform`, in one transaction);
    `changes` are emitted on `events` once it is done."""

    changes: tuple[str, ...] = ()

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        *,
        title: str,
        heading: str,
        details: QLayout | None,
        explanation: str,
        placeholder: str,
        action: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.setWindowTitle(title)
        heading_label = QLabel(heading)
        heading_label.setWordWrap(True)
        explain = QLabel(explanation)
        explain.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(placeholder)
        self.reason.returnPressed.connect(self.confirm)
        self.error = error_label()
        self.action_button = QPushButton(action)
        keep = QPushButton("Keep it   Esc")
        for button in (self.action_button, keep):
            button.setAutoDefault(False)
        self.action_button.clicked.connect(self.confirm)
        keep.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(keep)
        buttons.addWidget(self.action_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label)
        if details is not None:
            layout.addLayout(details)
        layout.addWidget(explain)
        layout.addWidget(QLabel("Reason (required)"))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def perform(self, session: Session, reason: str) -> None:
        raise NotImplementedError

    def confirm(self) -> None:
        """Do it with the reason typed; the shop's refusal (no reason, done already) shows here."""
        try:
            with self.shop.write() as session:
                self.perform(session, self.reason.text())
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.error, message)
            self.reason.setFocus()
            return
        for what in self.changes:
            self.events.changed.emit(what)
        self.accept()
