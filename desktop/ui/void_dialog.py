"""Voiding a purchase: say what it means, ask why, then take it out of the totals."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.money import format_money
from desktop.shop.purchases import CHANNELS, get_purchase, void_purchase
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.purchase_table import local_time


class VoidDialog(QDialog):
    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        purchase_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.purchase_id = purchase_id
        with shop.read() as session:
            locale = get_profile(session).locale
            purchase = get_purchase(session, purchase_id)
            customer = purchase.customer.name if purchase.customer else None
            items = ", ".join(f"{line.quantity} × {line.description}" for line in purchase.lines)
            total = format_money(purchase.total, purchase.currency, locale)
            reference, when = purchase.reference, local_time(purchase.purchased_at)
            channel = CHANNELS.get(purchase.channel, purchase.channel)
        self.setWindowTitle(f"Void purchase {reference}")

        heading = QLabel(f"<b>Void purchase {escape(reference)}?</b>")
        facts = QFormLayout()
        facts.addRow("Date", QLabel(when))
        facts.addRow("Customer", QLabel(customer or "No customer"))
        facts.addRow("Channel", QLabel(channel))
        items_label = QLabel(items)
        items_label.setWordWrap(True)
        facts.addRow("Items", items_label)
        facts.addRow("Total", QLabel(total))
        whose = f"{customer}'s" if customer else "the shop's"
        explain = QLabel(
            f"The purchase stays in the history, marked void, and stops counting towards "
            f"{whose} visits and spending. This cannot be undone."
        )
        explain.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why? For example: rung up twice, refunded, card declined")
        self.error = error_label()
        self.void_button = QPushButton("Void purchase")
        keep = QPushButton("Keep it   Esc")
        for button in (self.void_button, keep):
            button.setAutoDefault(False)
        self.void_button.clicked.connect(self.confirm)
        keep.clicked.connect(self.reject)
        self.reason.returnPressed.connect(self.confirm)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(keep)
        buttons.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(facts)
        layout.addWidget(explain)
        layout.addWidget(QLabel("Reason (required)"))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def confirm(self) -> None:
        """Void with the reason typed; the shop refuses an empty reason or a second void."""
        try:
            with self.shop.write() as session:
                void_purchase(session, self.purchase_id, self.reason.text())
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.error, message)
            self.reason.setFocus()
            return
        self.events.changed.emit("purchases")
        self.events.changed.emit("customers")
        self.accept()
