"""A customer who has not joined yet: what joining gives them, and Enrol in two keystrokes
(Ctrl+E asks, Enter confirms, Esc thinks again)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.errors import describe_error
from desktop.shop.codes import format_code
from desktop.shop.customers import get_customer
from desktop.shop.loyalty_members import enrol
from desktop.shop.loyalty_rules import Programme
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.loyalty_widgets import muted, panel_frame, scaled, wrapping


class EnrolPane(QWidget):
    """`enrolled(account_id, message)` once the customer is a member; `failed(message)` when
    the shop refused (already enrolled at another till, a read-only file…)."""

    enrolled = Signal(int, str)
    failed = Signal(str)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.customer_id: int | None = None

        self.name = scaled(wrapping(), 1.6)
        self.subtitle = muted(wrapping())
        self.offer = wrapping()
        self.enrol_button = QPushButton("Enrol…  (Ctrl+E)")
        self.enrol_button.setMinimumSize(180, 36)
        self.enrol_button.setAutoDefault(True)
        self.enrol_button.clicked.connect(self.ask)
        self.confirm_strip = panel_frame()
        self.question = wrapping()
        self.confirm_button = QPushButton("Enrol")
        self.confirm_button.setMinimumHeight(32)
        self.confirm_button.setAutoDefault(True)  # Enter on it confirms
        self.confirm_button.clicked.connect(self.enrol)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.think_again)
        strip = QHBoxLayout(self.confirm_strip)
        strip.setContentsMargins(14, 10, 14, 10)
        strip.addWidget(self.question, 1)
        strip.addWidget(self.confirm_button)
        strip.addWidget(cancel)
        self.confirm_strip.hide()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.confirm_strip, self.think_again).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.name)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        layout.addWidget(self.offer)
        layout.addWidget(self.enrol_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.confirm_strip)
        layout.addStretch(1)

    def show_customer(self, customer_id: int, name: str, programme: Programme) -> None:
        self.customer_id = customer_id
        self.name.setText(name)
        self.subtitle.setText(f"Customer {customer_id} · not a member yet")
        bonus = programme.joining_bonus
        welcome = f", and a welcome bonus of {programme.units(bonus)}" if bonus else ""
        self.offer.setText(
            f"Enrol {name} in the loyalty programme: they get a card number now{welcome}."
        )
        self.question.setText(f"Enrol {name}? Press Enter to confirm, or Esc to think again.")
        self.think_again()

    def ask(self) -> None:
        """Ctrl+E or the button: the question, with Enter on its confirm button."""
        self.enrol_button.hide()
        self.confirm_strip.show()
        self.confirm_button.setFocus()

    def think_again(self) -> None:
        self.confirm_strip.hide()
        self.enrol_button.show()
        self.enrol_button.setFocus()

    def enrol(self) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            return
        try:
            with self.shop.write() as session:
                account = enrol(session, customer_id)
                account_id, card = account.id, format_code(account.card_number)
                name = get_customer(session, customer_id).name
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self.failed.emit(message)
            return
        self.events.changed.emit("loyalty")
        self.enrolled.emit(
            account_id, f"{name} is a member now. Card number {card}: print the card now or later."
        )
