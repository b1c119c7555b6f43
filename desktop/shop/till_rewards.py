"""A loyalty reward taken off the sale being rung up at the till: the member's affordable
money-off rewards, and the sale and its redemption recorded together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.shop.loyalty_ledger import account_for_customer
from desktop.shop.loyalty_rules import get_programme
from desktop.shop.purchases import PurchaseInput, record_purchase
from desktop.shop.rewards import (
    RewardRedemption,
    RewardRefused,
    affordable_rewards,
    describe_reward,
    redeem_reward,
    reward_value,
)
from desktop.shop.vouchers import discount_for
from desktop.store.models import Purchase, Voucher
from desktop.store.models_loyalty import LoyaltyAccount

MONEY_OFF = ("percent", "amount")  # a free item is for the Loyalty page's voucher


@dataclass(frozen=True)
class RewardOffer:
    reward_id: int
    what: str  # '£5.00 off', '10% off'
    cost: str  # '500 points'
    percent: int | None
    amount: int | None

    @property
    def label(self) -> str:
        return f"{self.what} ({self.cost})"

    def discount(self, spend: int) -> int:
        """What it takes off `spend`, by the same rule as the voucher it becomes."""
        return discount_for(Voucher(percent=self.percent, amount=self.amount), spend)


def reward_offers(
    session: Session, customer_id: int
) -> tuple[LoyaltyAccount | None, list[RewardOffer]]:
    """The customer's membership as read now, and the money-off rewards it affords."""
    account = account_for_customer(session, customer_id)
    if account is None:
        return None, []
    programme = get_programme(session)
    offers = [
        RewardOffer(
            reward.id,
            describe_reward(session, reward),
            programme.units(reward.cost),
            reward.percent,
            None if reward.gives == "percent" else reward_value(session, reward),
        )
        for reward in affordable_rewards(session, account)
        if reward.gives in MONEY_OFF
    ]
    return account, offers


def record_with_reward(
    session: Session, sale: PurchaseInput, shown: LoyaltyAccount, reward_id: int
) -> tuple[Purchase, RewardRedemption]:
    """Record the sale and spend the member's points on the reward against it, in the caller's
    one transaction: both happen or neither. `shown` is the account as the till showed it;
    if another till wrote to it since, nothing is recorded."""
    account = session.get(LoyaltyAccount, shown.id, populate_existing=True)
    if account is None or account.version != shown.version:
        raise RewardRefused(
            "The points changed at another till a moment ago. Please choose the reward again."
        )
    purchase = record_purchase(session, sale)
    # The sale's own points moved `account` (the session's copy) just now, in this transaction.
    return purchase, redeem_reward(session, account, reward_id, purchase_id=purchase.id)
