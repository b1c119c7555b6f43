"""The sample shop's loyalty programme: 5 points a pound, three rewards, two tiers, and members
who joined at the till over the last eighteen months and earned on every purchase since.

Earning follows the shop's own rules (`qualifying_spend`, `points_for_spend`, the tier a
member's spend in the window before each purchase reached); the ledger is written in one go,
each account's entries numbered from 1 with their balance after, so balance == ledger sum and
version == entry count exactly as `post_entry` keeps them.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.shop.demo_vouchers import VALIDITY_DAYS, Codes, Ledger, add_rows
from desktop.shop.loyalty_earning import BONUS_REASONS
from desktop.shop.loyalty_members import CARD_LENGTH
from desktop.shop.loyalty_rules import (
    Programme,
    Tier,
    points_for_spend,
    qualifying_spend,
    save_programme,
)
from desktop.shop.reward_poll import record_answer, save_poll
from desktop.shop.rewards import RewardInput, add_reward
from desktop.shop.settings import get_profile
from desktop.shop.tiers import status_for_spend, window_start
from desktop.store.models import Customer, Product, Purchase
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry, Reward

MEMBER_SHARE = 0.3  # of the customers with an email address who bought lately
MEMBER_CAP = 2_000
JOINED_WITHIN_DAYS = 540  # within the expiry: nobody's points lapse on opening the sample
REDEEM_CHANCE = 0.35  # at a purchase where the member can afford a money-off reward
PROGRAMME = Programme(
    points_per_unit=5,
    joining_bonus=50,
    birthday_bonus=100,
    expiry_months=24,
    tier_months=12,
    tiers=(
        Tier("Silver", 15_000, Decimal("1.25"), "Early places at tasting evenings"),
        Tier("Gold", 40_000, Decimal("1.5"), "Free gift wrapping all year"),
    ),
)
POLL_OPTIONS = [
    "A tasting evening for two",
    "Free coffee beans, 250 g",
    "Double points in December",
    "Free gift wrapping",
]


@dataclass(frozen=True)
class _Sale:
    id: int
    reference: str
    at: datetime
    total: int  # paid
    discount: int


def loyalty(session: Session, rng: random.Random, codes: Codes, end: datetime) -> int:
    """Set up the programme and its members; returns how many members."""
    programme = save_programme(session, PROGRAMME)
    started = end - timedelta(days=JOINED_WITHIN_DAYS + 1)
    mug = session.scalar(select(Product).where(Product.name == "Speckled Mug – Oat"))
    rewards = [
        add_reward(session, RewardInput("£5 off", 500, "amount", amount=500)),
        add_reward(session, RewardInput("10% off a visit", 800, "percent", percent=10)),
        add_reward(
            session,
            RewardInput("A free mug", 1500, "free_item", product_id=mug.id if mug else None),
        ),
    ]
    for reward in rewards:
        reward.created_at = started
    since = end - timedelta(days=JOINED_WITHIN_DAYS)
    buyers = list(
        session.scalars(
            select(Customer.id)
            .where(Customer.email.is_not(None), Customer.last_seen_at >= since)
            .order_by(Customer.id)
        )
    )
    members = sorted(rng.sample(buyers, min(MEMBER_CAP, round(len(buyers) * MEMBER_SHARE))))
    run = _Run(
        programme,
        rng,
        codes,
        get_profile(session).currency,
        [r for r in rewards if r.gives in ("amount", "percent")],
        Ledger.start(session),
    )
    sales = _sales(session, members)
    next_account = int(session.scalar(select(func.max(LoyaltyAccount.id))) or 0) + 1
    accounts: list[dict[str, object]] = []
    entries: list[dict[str, object]] = []
    for account_id, customer_id in enumerate(members, start=next_account):
        own = sales[customer_id]
        first = rng.choice([i for i, sale in enumerate(own) if sale.at >= since])
        joined = own[first].at - timedelta(minutes=2)
        book = _Book(account_id)
        book.post("bonus", programme.joining_bonus, joined, bonus_key="joining")
        run.earn(book, customer_id, own, first)
        accounts.append(
            {
                "id": account_id,
                "customer_id": customer_id,
                "card_number": codes.new(CARD_LENGTH),
                "enrolled_at": joined,
                "balance": book.balance,
                "version": len(book.entries),
                "card_printed_at": None if rng.random() < 0.05 else joined + timedelta(days=1),
            }
        )
        entries.extend(book.entries)
    add_rows(session, LoyaltyAccount, accounts)
    add_rows(session, LoyaltyEntry, entries)
    run.vouchers.write(session)
    _poll(session, rng, members, end)
    return len(members)


@dataclass
class _Run:
    programme: Programme
    rng: random.Random
    codes: Codes
    currency: str
    money_off: list[Reward]
    vouchers: Ledger

    def earn(self, book: _Book, customer_id: int, own: list[_Sale], first: int) -> None:
        """The member's sales from `first` on: now and then a reward spent on one, and what
        each earned at the tier the member had reached just before it."""
        programme, times = self.programme, [sale.at for sale in own]
        spent = [0, *accumulate(sale.total for sale in own)]
        for index in range(first, len(own)):
            sale = own[index]
            paid = sale.total - self._reward(book, customer_id, sale)
            since = bisect_left(times, window_start(sale.at, programme.tier_months))
            window = spent[index] - spent[since] - self._rewards_in(own[since:index])
            tier = status_for_spend(programme.tiers, window)
            # No category is excluded from earning, so the whole sale is one line.
            spend = qualifying_spend([(sale.total + sale.discount, None)], paid, set())
            points = points_for_spend(programme, spend, self.currency, tier.multiplier)
            reason = f"Purchase {sale.reference}"
            book.post("earn", points, sale.at, reason=reason, purchase_id=sale.id)

    def _reward(self, book: _Book, customer_id: int, sale: _Sale) -> int:
        """Spend points on a money-off reward used on `sale`, sometimes; the discount."""
        affordable = [r for r in self.money_off if r.cost <= book.balance]
        if not affordable or sale.total < 500 or self.rng.random() >= REDEEM_CHANCE:
            return 0
        reward = self.rng.choice(affordable)
        voucher_id = self.vouchers.issue(
            self.codes,
            self.currency,
            kind="reward",
            percent=reward.percent,
            amount=reward.amount,
            expires_on=sale.at.date() + timedelta(days=VALIDITY_DAYS),
            reason=f"Reward “{reward.name}” for {self.programme.units(reward.cost)}",
            customer_id=customer_id,
            issued_at=sale.at,
        )
        book.post(
            "redeem",
            -reward.cost,
            sale.at,
            reason=f"Reward “{reward.name}”",
            purchase_id=sale.id,
            voucher_id=voucher_id,
            reward_id=reward.id,
        )
        return self.vouchers.redeem(
            voucher_id,
            (sale.id, customer_id, sale.total, sale.discount),
            sale.at,
            percent=reward.percent,
            amount=reward.amount,
        )

    def _rewards_in(self, sales: list[_Sale]) -> int:
        """Rewards used on earlier sales lowered what was paid for them."""
        paid = self.vouchers.paid
        return sum(paid[sale.id][1] - sale.discount for sale in sales if sale.id in paid)


class _Book:
    """One account's entries as `post_entry` numbers them."""

    def __init__(self, account_id: int) -> None:
        self.account_id = account_id
        self.balance = 0
        self.entries: list[dict[str, object]] = []

    def post(self, kind: str, points: int, when: datetime, **links: object) -> None:
        if not points:
            return
        self.balance += points
        row: dict[str, object] = {"reason": "", "purchase_id": None, "voucher_id": None}
        row["reward_id"] = None
        row |= {"bonus_key": None} | links
        if kind == "bonus":
            row["reason"] = BONUS_REASONS[str(links["bonus_key"])]
        self.entries.append(
            row
            | {
                "account_id": self.account_id,
                "sequence": len(self.entries) + 1,
                "kind": kind,
                "points": points,
                "balance_after": self.balance,
                "created_at": when,
            }
        )


def _sales(session: Session, members: list[int]) -> dict[int, list[_Sale]]:
    """Each member's live purchases, oldest first."""
    found: dict[int, list[_Sale]] = defaultdict(list)
    for at in range(0, len(members), 500):
        for customer_id, sale_id, reference, at_time, total, discount in session.execute(
            select(
                type_coerce(Purchase.customer_id, Integer),  # filtered: never NULL
                Purchase.id,
                Purchase.reference,
                Purchase.purchased_at,
                Purchase.total,
                Purchase.discount,
            )
            .where(Purchase.customer_id.in_(members[at : at + 500]), Purchase.voided_at.is_(None))
            .order_by(Purchase.purchased_at, Purchase.id)
        ):
            found[customer_id].append(_Sale(sale_id, reference, at_time, total, discount))
    return found


def _poll(session: Session, rng: random.Random, members: list[int], end: datetime) -> None:
    """The rewards poll, and answers given at the counter and on printed cards."""
    save_poll(session, "Which reward would you most like?", POLL_OPTIONS)
    for customer_id in rng.sample(members, min(40, len(members))):
        record_answer(
            session,
            rng.choices(POLL_OPTIONS, (5, 3, 2, 1))[0],
            customer_id=customer_id,
            channel=rng.choice(("counter", "card")),
            when=end - timedelta(days=rng.uniform(1, 60)),
        )
