"""Changing a customer's marketing permissions: each change is a new entry in the ledger."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.consent import EMAIL_WORDING, POST_WORDING, ConsentChoice, record_consent
from desktop.shop.customers import get_customer
from desktop.shop.errors import InvalidInput, ShopError
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, fit_height

HOW = (
    ("counter", "In person at the counter"),
    ("phone", "By phone"),
    ("email", "By email"),
    ("form", "On a written form"),
)


class ConsentDialog(QDialog):
    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        customer_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._shop = shop
        self._events = events
        self._customer_id = customer_id
        with shop.read() as session:
            customer = get_customer(session, customer_id)
            name = customer.name
            self._current = {"email": customer.email_marketing, "post": customer.post_marketing}
        self.setWindowTitle(f"Marketing permissions — {name}")
        self.setMinimumWidth(520)

        intro = QLabel(
            f"Read each question to {name} and tick it only if they say yes now. "
            "Every change is kept in their permissions history with the words shown here."
        )
        intro.setWordWrap(True)
        self.checks: dict[str, QCheckBox] = {}
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        channels = (("email", "Email", EMAIL_WORDING), ("post", "Post", POST_WORDING))
        for row, (channel, title, wording) in enumerate(channels):
            check = QCheckBox(title)
            check.setChecked(self._current[channel])
            check.toggled.connect(self._update_save)
            shown = QLabel(f"“{wording}”")
            shown.setWordWrap(True)
            state = "yes" if self._current[channel] else "no"
            now = QLabel(f"Until now: {state}")
            mute(now)
            words = QVBoxLayout()
            words.addWidget(shown)
            words.addWidget(now)
            self.errors[channel] = error_label()
            words.addWidget(self.errors[channel])
            grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(words, row, 1)
            self.checks[channel] = check
        self.how = QComboBox()
        for code, text in HOW:
            self.how.addItem(text, code)
        how_row = QHBoxLayout()
        how_label = QLabel("&How they told you:")
        how_label.setBuddy(self.how)
        how_row.addWidget(how_label)
        how_row.addWidget(self.how, 1)
        self.general_error = error_label()

        buttons = QDialogButtonBox()
        self.save_button: QPushButton = buttons.addButton(
            "Save", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(how_row)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self._update_save()
        self.checks["email"].setFocus()

    def _changes(self) -> dict[str, bool]:
        return {
            channel: check.isChecked()
            for channel, check in self.checks.items()
            if check.isChecked() != self._current[channel]
        }

    def _update_save(self) -> None:
        self.save_button.setEnabled(bool(self._changes()))

    def _show_problem(self, label: QLabel, error: ShopError) -> None:
        label.setText(str(error))
        label.show()
        fit_height(self)

    def save(self) -> None:
        """Record each changed channel with the wording shown; all or nothing."""
        for label in (*self.errors.values(), self.general_error):
            label.hide()
        changes = self._changes()
        if not changes:
            return
        wording = {"email": EMAIL_WORDING, "post": POST_WORDING}
        source = str(self.how.currentData())
        try:
            with self._shop.write() as session:
                customer = get_customer(session, self._customer_id)
                for channel, granted in changes.items():
                    choice = ConsentChoice(granted, "consent", wording[channel])
                    record_consent(session, customer, channel, choice, source=source)
        except InvalidInput as error:
            row = {"email": "email", "address": "post"}.get(error.field)
            self._show_problem(self.errors[row] if row else self.general_error, error)
            return
        except ShopError as error:
            self._show_problem(self.general_error, error)
            return
        self._events.changed.emit("customers")
        self.accept()
