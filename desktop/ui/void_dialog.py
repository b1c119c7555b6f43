"""Voiding a purchase: say what it means, ask why, then take it out of the totals."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.shop.money import format_money
from desktop.shop.purchases import CHANNELS, get_purchase, void_purchase
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.purchase_table import local_time
from desktop.ui.reason_dialog import ReasonDialog


class VoidDialog(ReasonDialog):
    changes = ("purchases", "customers")

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        purchase_id: int,
        parent: QWidget | None = None,
    ) -> None:
        self.purchase_id = purchase_id
        with shop.read() as session:
            locale = get_profile(session).locale
            purchase = get_purchase(session, purchase_id)
            customer = purchase.customer.name if purchase.customer else None
            items = ", ".join(f"{line.quantity} × {line.description}" for line in purchase.lines)
            total = format_money(purchase.total, purchase.currency, locale)
            reference, when = purchase.reference, local_time(purchase.purchased_at)
            channel = CHANNELS.get(purchase.channel, purchase.channel)
        facts = QFormLayout()
        facts.addRow("Date", QLabel(when))
        facts.addRow("Customer", QLabel(customer or "No customer"))
        facts.addRow("Channel", QLabel(channel))
        items_label = QLabel(items)
        items_label.setWordWrap(True)
        facts.addRow("Items", items_label)
        facts.addRow("Total", QLabel(total))
        whose = f"{customer}'s" if customer else "the shop's"
        super().__init__(
            shop,
            events,
            title=f"Void purchase {reference}",
            heading=f"<b>Void purchase {escape(reference)}?</b>",
            details=facts,
            explanation="The purchase stays in the history, marked void, and stops counting "
            f"towards {whose} visits and spending. This cannot be undone.",
            placeholder="Why? For example: rung up twice, refunded, card declined",
            action="Void purchase",
            parent=parent,
        )
        self.void_button = self.action_button

    def perform(self, session: Session, reason: str) -> None:
        void_purchase(session, self.purchase_id, reason)
