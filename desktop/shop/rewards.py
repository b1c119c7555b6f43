"""The rewards catalogue, and turning a member's points into a reward voucher exactly once.

A reward gives a voucher, because vouchers are what the till already knows how to take off a
purchase: a percentage, an amount, or a free item. The vouchers table has no "free item" kind,
so a free item is honestly an amount voucher worth the item's price (its product's price at
redemption when the reward names a product), with the item written in its terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.loyalty_earning import earn_for_purchase
from desktop.shop.loyalty_ledger import member_name, post_entry
from desktop.shop.loyalty_rules import MAX_POINTS, Programme, get_programme
from desktop.shop.money import MAX_AMOUNT, format_money
from desktop.shop.purchases import get_purchase
from desktop.shop.settings import get_profile
from desktop.shop.text import clean_line, fold
from desktop.shop.vouchers import VoucherTerms, issue_voucher, redeem_voucher
from desktop.store.models import Product, Voucher
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry, Reward

GIVES = {"percent": "Percentage off", "amount": "Amount off", "free_item": "A free item"}


class RewardRefused(ShopError):
    """The member cannot have this reward now; the message says why."""


@dataclass
class RewardInput:
    """What the shopkeeper fills in: `percent` for percent rewards, `amount` for amount ones,
    and for a free item a `product_id` (its price follows the product) or an `amount`."""

    name: str
    cost: int
    gives: str
    percent: int | None = None
    amount: int | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class RewardRedemption:
    """What a redemption made: the ledger entry, the voucher, and the discount when the
    voucher was used on the current purchase straight away."""

    entry: LoyaltyEntry
    voucher: Voucher
    discount: int | None


def _checked(session: Session, reward_id: int | None, data: RewardInput) -> Reward:
    name = clean_line(data.name, "reward name", max_length=120, required=True)
    others = session.scalars(select(Reward).where(Reward.active.is_(True)))
    if any(r.id != reward_id and fold(r.name) == fold(name) for r in others):
        raise InvalidInput("reward name", f"There is already a reward called “{name}”.")
    if isinstance(data.cost, bool) or not 1 <= data.cost <= MAX_POINTS:
        raise InvalidInput("cost", f"The cost must be a whole number from 1 to {MAX_POINTS:,}.")
    if data.gives not in GIVES:
        raise InvalidInput("gives", "Choose what the reward gives.")
    percent = amount = product_id = None
    if data.gives == "percent":
        if data.percent is None or not 1 <= data.percent <= 100:
            raise InvalidInput("percent", "The percentage must be between 1 and 100.")
        percent = data.percent
    elif data.gives == "free_item" and data.product_id is not None:
        product = session.get(Product, data.product_id)
        if product is None:
            raise NotFound(f"There is no product number {data.product_id}.")
        if product.unit_price <= 0:
            raise InvalidInput("product", f"“{product.name}” has no price to give away.")
        product_id = product.id
        # Kept as the value should the product later be deleted.
        amount = product.unit_price
    else:
        if data.amount is None or not 0 < data.amount <= MAX_AMOUNT:
            raise InvalidInput("amount", "The value must be more than zero.")
        amount = data.amount
    return Reward(
        name=name,
        cost=data.cost,
        gives=data.gives,
        percent=percent,
        amount=amount,
        product_id=product_id,
    )


def add_reward(session: Session, data: RewardInput) -> Reward:
    """A new reward in the catalogue."""
    reward = _checked(session, None, data)
    reward.active = True
    session.add(reward)
    session.flush()
    return reward


def update_reward(session: Session, reward_id: int, data: RewardInput) -> Reward:
    """Change a reward; past redemptions keep the vouchers they made."""
    reward = get_reward(session, reward_id)
    checked = _checked(session, reward_id, data)
    for column in ("name", "cost", "gives", "percent", "amount", "product_id"):
        setattr(reward, column, getattr(checked, column))
    session.flush()
    return reward


def retire_reward(session: Session, reward_id: int) -> Reward:
    """Stop offering a reward (its history stays)."""
    reward = get_reward(session, reward_id)
    reward.active = False
    session.flush()
    return reward


def get_reward(session: Session, reward_id: int) -> Reward:
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(f"There is no reward number {reward_id}.")
    return reward


def list_rewards(session: Session, *, active_only: bool = True) -> list[Reward]:
    """Rewards cheapest first."""
    statement = select(Reward).order_by(Reward.cost, Reward.id)
    if active_only:
        statement = statement.where(Reward.active.is_(True))
    return list(session.scalars(statement))


def affordable_rewards(session: Session, account: LoyaltyAccount) -> list[Reward]:
    """Active rewards the member's balance covers, cheapest first."""
    return [r for r in list_rewards(session) if r.cost <= account.balance]


def reward_value(session: Session, reward: Reward) -> int | None:
    """Minor units the reward is worth: its amount, or its product's price now; None for a
    percentage (worth whatever is bought)."""
    if reward.gives == "percent":
        return None
    product = session.get(Product, reward.product_id) if reward.product_id else None
    if product is not None and product.unit_price > 0:
        return product.unit_price
    return reward.amount


def describe_reward(session: Session, reward: Reward) -> str:
    """'10% off', '£5.00 off' or 'Free Flat white (worth £3.20)'."""
    if reward.gives == "percent":
        return f"{reward.percent}% off"
    profile = get_profile(session)
    value = format_money(reward_value(session, reward) or 0, profile.currency, profile.locale)
    if reward.gives == "amount":
        return f"{value} off"
    return f"Free {_item_name(session, reward)} (worth {value})"


def _item_name(session: Session, reward: Reward) -> str:
    product = session.get(Product, reward.product_id) if reward.product_id else None
    return product.name if product is not None else reward.name


def _voucher_terms(
    session: Session, reward: Reward, account: LoyaltyAccount, programme: Programme
) -> VoucherTerms:
    # No expiry date given: the voucher gets the shop's usual validity.
    terms = VoucherTerms(
        kind="reward",
        customer_id=account.customer_id,
        reason=f"Reward “{reward.name}” for {programme.units(reward.cost)}",
    )
    if reward.gives == "percent":
        terms.percent = reward.percent
        return terms
    value = reward_value(session, reward)
    if value is None:
        raise RewardRefused(f"“{reward.name}” has no value to give: please check the reward.")
    terms.amount = value
    if reward.gives == "free_item":
        profile = get_profile(session)
        worth = format_money(value, profile.currency, profile.locale)
        terms.terms = f"For one {_item_name(session, reward)} (up to {worth})"
    return terms


def redeem_reward(
    session: Session, account: LoyaltyAccount, reward_id: int, *, purchase_id: int | None = None
) -> RewardRedemption:
    """Spend the member's points on a reward: a voucher for them and a `redeem` entry, and with
    `purchase_id` the voucher is used on that purchase at once.

    `account` is the account as the till showed it: if another till wrote to it since, the
    redemption is refused rather than made twice. The balance never goes below zero."""
    reward = get_reward(session, reward_id)
    programme = get_programme(session)
    seen_version = account.version
    current = session.get(LoyaltyAccount, account.id, populate_existing=True)
    if current is None or current.customer_id is None:
        raise RewardRefused("This membership has no customer any more.")
    name = member_name(current)
    if not reward.active:
        raise RewardRefused(f"“{reward.name}” is no longer offered.")
    if current.version != seen_version:
        raise RewardRefused(
            f"{name}'s {programme.unit_plural} changed at another till a moment ago "
            f"(now {programme.units(current.balance)}). Please check and confirm again."
        )
    if current.balance < reward.cost:
        raise RewardRefused(
            f"{name} has {programme.units(current.balance)}; "
            f"“{reward.name}” needs {programme.units(reward.cost)}."
        )
    if purchase_id is not None:
        purchase = get_purchase(session, purchase_id)
        if purchase.customer_id != current.customer_id:
            raise RewardRefused(f"Purchase {purchase.reference} is not {name}'s.")
    voucher = issue_voucher(session, _voucher_terms(session, reward, current, programme))
    entry = post_entry(
        session,
        current,
        "redeem",
        -reward.cost,
        reason=f"Reward “{reward.name}”",
        purchase_id=purchase_id,
        voucher_id=voucher.id,
        reward_id=reward.id,
        seen_version=seen_version,
    )
    discount = None
    if purchase_id is not None:
        discount = redeem_voucher(session, voucher.code, purchase_id).discount
        # The purchase now costs less, so it earns less: the same rule as any voucher.
        earn_for_purchase(session, get_purchase(session, purchase_id))
    return RewardRedemption(entry=entry, voucher=voucher, discount=discount)
