"""A loyalty reward taken off the sale being rung up: "Use reward: £5.00 off (500 points)".

The box offers the member's affordable money-off rewards (a percentage or an amount), asks to
confirm in place (no modal box at a busy counter), and the purchase dialog records the sale and
the redemption in one transaction with `shop.till_rewards.record_with_reward`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.shop.till_rewards import RewardOffer, reward_offers
from desktop.store.models_loyalty import LoyaltyAccount
from desktop.store.shopfile import ShopDatabase
from desktop.ui.inline_errors import good_colour


class RewardDiscountBox(QWidget):
    """Offer, confirm, applied. `changed` whenever what is applied changes."""

    changed = Signal()

    def __init__(self, shop: ShopDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.account: LoyaltyAccount | None = None
        self.customer_id: int | None = None
        self.offers: list[RewardOffer] = []
        self.applied: RewardOffer | None = None
        self._asking: RewardOffer | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.text, 1)
        self.hide()

    def set_customer(self, customer_id: int | None) -> None:
        """Read the customer's membership and offers afresh; forget any applied reward."""
        self.customer_id = customer_id
        self.account, self.offers = None, []
        if customer_id is not None:
            with self.shop.read() as session:
                self.account, self.offers = reward_offers(session, customer_id)
        self.applied = self._asking = None
        self._show()
        self.changed.emit()

    def _buttons(self, *pairs: tuple[str, Callable[[], None]]) -> None:
        for button in self.buttons:
            self.row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.buttons = []
        for text, action in pairs:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(action)
            self.row.addWidget(button)
            self.buttons.append(button)

    def _show(self) -> None:
        self.setVisible(bool(self.offers))
        self.text.setStyleSheet("")
        if self.applied is not None:
            self.text.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
            self.text.setText(f"✓ Reward used on this purchase: {self.applied.label}")
            self._buttons(("Remove reward", self.remove))
        elif self._asking is not None:
            offer = self._asking
            self.text.setText(
                f"Take {offer.what.removesuffix(' off')} off this purchase for {offer.cost}? "
                "The points are spent when the purchase is saved."
            )
            self._buttons(("Yes, use it", self.confirm), ("No", self.remove))
            self.buttons[0].setFocus()
        else:
            self.text.setText("This member can have a reward now:")
            self._buttons(
                *((f"Use reward: {offer.label}", self._asker(offer)) for offer in self.offers)
            )

    def _asker(self, offer: RewardOffer) -> Callable[[], None]:
        return lambda: self.ask(offer)

    def ask(self, offer: RewardOffer) -> None:
        self._asking = offer
        self._show()

    def confirm(self) -> None:
        self.applied, self._asking = self._asking, None
        self._show()
        self.changed.emit()

    def remove(self) -> None:
        had = self.applied is not None
        self.applied = self._asking = None
        self._show()
        if had:
            self.changed.emit()
