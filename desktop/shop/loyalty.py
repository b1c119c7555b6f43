"""What the counter and the Loyalty page show: a member's summary, the members list, who is
close to a reward, and the programme's figures (points outstanding as money, the month)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code
from desktop.shop.loyalty_ledger import (
    get_account,
    last_visit,
    outstanding_balance,
    recent_entries,
)
from desktop.shop.loyalty_rules import Programme, add_months, expiry_day, get_programme
from desktop.shop.rewards import describe_reward, list_rewards, reward_value
from desktop.shop.settings import get_profile
from desktop.shop.tiers import TierStatus, member_tier, status_for_spend, window_start
from desktop.store.models import Customer, Purchase, utc_now
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry, Reward

RECENT_ENTRIES = 20
PAGE_SIZE = 200


@dataclass(frozen=True)
class RewardOption:
    reward_id: int
    name: str
    cost: int
    description: str  # '10% off', 'Free Flat white (worth £3.20)'
    short_by: int  # points still needed; 0 when affordable


@dataclass(frozen=True)
class MemberSummary:
    """Everything the counter shows after a card is scanned. `account` is the account as read
    here: hand it to `rewards.redeem_reward`, which refuses if another till wrote since."""

    account: LoyaltyAccount
    name: str
    card: str  # formatted for reading: 'K3MQ-9PX2-D4'
    programme: Programme
    tier: TierStatus
    affordable: list[RewardOption]
    next_reward: RewardOption | None  # the cheapest reward not yet affordable
    recent: list[LoyaltyEntry]  # newest first
    last_visit: datetime
    expires_on: date | None  # when the balance goes without another visit

    @property
    def balance(self) -> int:
        return self.account.balance


def _options(session: Session, rewards: list[Reward], balance: int) -> list[RewardOption]:
    return [
        RewardOption(r.id, r.name, r.cost, describe_reward(session, r), max(r.cost - balance, 0))
        for r in rewards
    ]


def member_summary(session: Session, account_id: int) -> MemberSummary:
    """Balance, tier and the way to the next one, the rewards they can have, recent entries."""
    account = get_account(session, account_id)
    programme = get_programme(session)
    tier = (
        member_tier(session, account.customer_id, programme)
        if account.customer_id is not None
        else status_for_spend(programme.tiers, 0)
    )
    options = _options(session, list_rewards(session), account.balance)
    visit = last_visit(
        account.enrolled_at, account.customer.last_seen_at if account.customer else None
    )
    expires = (
        expiry_day(visit.astimezone().date(), programme.expiry_months)
        if programme.expiry_months is not None and account.balance > 0
        else None
    )
    recent = recent_entries(session, account.id, RECENT_ENTRIES)
    return MemberSummary(
        account=account,
        name=account.customer.name if account.customer else "(erased customer)",
        card=format_code(account.card_number),
        programme=programme,
        tier=tier,
        affordable=[o for o in options if o.short_by == 0],
        next_reward=next((o for o in options if o.short_by > 0), None),
        recent=recent,
        last_visit=visit,
        expires_on=expires,
    )


@dataclass(frozen=True, slots=True)
class MemberRow:
    account_id: int
    customer_id: int | None
    name: str
    card: str  # formatted
    balance: int
    spend: int  # within the tier window
    tier: str | None


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    next_key: tuple[str, int] | None


def _spend_by_customer(session: Session, ids: list[int], programme: Programme) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(Purchase.customer_id, func.sum(Purchase.total))
        .where(
            Purchase.customer_id.in_(ids),
            Purchase.voided_at.is_(None),
            Purchase.purchased_at >= window_start(utc_now(), programme.tier_months),
        )
        .group_by(Purchase.customer_id)
    ).all()
    return {customer_id: int(total) for customer_id, total in rows if customer_id is not None}


def _member_rows(session: Session, found: Sequence[Any], programme: Programme) -> list[MemberRow]:
    """Rows of `_ROW` columns, with each member's spend and tier."""
    ids = [r.customer_id for r in found if r.customer_id is not None]
    spend = _spend_by_customer(session, ids, programme)
    rows = []
    for r in found:
        spent = spend.get(r.customer_id, 0)
        tier = status_for_spend(programme.tiers, spent).tier
        rows.append(
            MemberRow(
                r.id,
                r.customer_id,
                r.name,
                format_code(r.card_number),
                r.balance,
                spent,
                tier.name if tier else None,
            )
        )
    return rows


_ROW = (
    LoyaltyAccount.id,
    LoyaltyAccount.customer_id,
    Customer.name,
    LoyaltyAccount.card_number,
    LoyaltyAccount.balance,
)


def browse_members(
    session: Session, after: tuple[str, int] | None = None, limit: int = PAGE_SIZE
) -> MemberPage:
    """Members A to Z with balance and tier, a page at a time (keyset on name and id)."""
    programme = get_programme(session)
    statement = (
        select(*_ROW, Customer.sort_name)
        .join(Customer, Customer.id == LoyaltyAccount.customer_id)
        .order_by(Customer.sort_name, LoyaltyAccount.id)
        .limit(limit + 1)
    )
    if after is not None:
        statement = statement.where(tuple_(Customer.sort_name, LoyaltyAccount.id) > after)
    found = session.execute(statement).all()
    rows = _member_rows(session, found[:limit], programme)
    if len(found) <= limit:
        return MemberPage(rows, None)
    last = found[limit - 1]
    return MemberPage(rows, (last.sort_name, last.id))


@dataclass(frozen=True)
class CloseToReward:
    member: MemberRow
    reward: str
    short_by: int


def close_to_reward(session: Session, within: int, limit: int = PAGE_SIZE) -> list[CloseToReward]:
    """Members `within` points of the next reward they cannot yet have: worth a nudge.
    Closest first."""
    costs = sorted({(r.cost, r.name) for r in list_rewards(session)})
    if not costs or within < 1:
        return []
    candidates = session.execute(
        select(*_ROW)
        .join(Customer, Customer.id == LoyaltyAccount.customer_id)
        .where(
            LoyaltyAccount.balance >= costs[0][0] - within,
            LoyaltyAccount.balance < costs[-1][0],
        )
    ).all()
    close = []
    for row in candidates:
        balance = row.balance
        cost, name = next(pair for pair in costs if pair[0] > balance)
        if cost - balance <= within:
            close.append((cost - balance, row, name))
    close.sort(key=lambda item: (item[0], item[1].name))
    close = close[:limit]
    rows = _member_rows(session, [r for _short, r, _name in close], get_programme(session))
    return [
        CloseToReward(row, name, short) for row, (short, _r, name) in zip(rows, close, strict=True)
    ]


def top_members(session: Session, limit: int = 10) -> list[MemberRow]:
    """The members who spent most within the tier window."""
    programme = get_programme(session)
    spend = (
        select(Purchase.customer_id, func.sum(Purchase.total).label("spent"))
        .where(
            Purchase.voided_at.is_(None),
            Purchase.customer_id.is_not(None),
            Purchase.purchased_at >= window_start(utc_now(), programme.tier_months),
        )
        .group_by(Purchase.customer_id)
        .subquery()
    )
    found = session.execute(
        select(*_ROW)
        .join(Customer, Customer.id == LoyaltyAccount.customer_id)
        .join(spend, spend.c.customer_id == LoyaltyAccount.customer_id)
        .order_by(spend.c.spent.desc(), LoyaltyAccount.id)
        .limit(limit)
    ).all()
    return _member_rows(session, found, programme)


@dataclass(frozen=True)
class PointValue:
    """What one point is worth (minor units) and where that figure comes from, in words."""

    per_point: Decimal | None
    basis: str


def point_value(session: Session) -> PointValue:
    """The shop's own setting when it has one; otherwise the most generous fixed-value reward
    (its value over its cost): the most a point can cost the shop. Percentage rewards have no
    fixed value and do not count."""
    programme = get_programme(session)
    if programme.point_value is not None:
        return PointValue(programme.point_value, "the value of a point in your settings")
    best: tuple[Decimal, Reward, int] | None = None
    for reward in list_rewards(session):
        value = reward_value(session, reward)
        if value is None:
            continue
        rate = Decimal(value) / reward.cost
        if best is None or rate > best[0]:
            best = (rate, reward, value)
    if best is None:
        return PointValue(None, "no reward has a fixed value: set the value of a point")
    rate, reward, _value = best
    return PointValue(
        rate,
        f"your most generous reward, “{reward.name}” "
        f"({describe_reward(session, reward)} for {programme.units(reward.cost)})",
    )


@dataclass(frozen=True)
class LoyaltyFigures:
    members: int
    members_with_balance: int
    outstanding: int  # points held
    liability: int | None  # minor units those points could cost the shop
    liability_basis: str
    currency: str
    month_earned: int  # earned less taken back on voids, this calendar month
    month_bonus: int
    month_redeemed: int
    month_expired: int
    top: list[MemberRow] = field(default_factory=list)


def _month_start(day: date) -> datetime:
    return datetime.combine(day.replace(day=1), time.min).astimezone().astimezone(UTC)


def loyalty_figures(session: Session, today: date | None = None) -> LoyaltyFigures:
    """The Loyalty page's headline figures for the month of `today` (this month by default)."""
    today = today or date.today()
    start = _month_start(today)
    end = _month_start(add_months(today.replace(day=1), 1))
    by_kind = {
        kind: int(points or 0)
        for kind, points in session.execute(
            select(LoyaltyEntry.kind, func.sum(LoyaltyEntry.points))
            .where(LoyaltyEntry.created_at >= start, LoyaltyEntry.created_at < end)
            .group_by(LoyaltyEntry.kind)
        )
    }
    members, holding = session.execute(
        select(
            func.count(LoyaltyAccount.id),
            func.count(LoyaltyAccount.id).filter(LoyaltyAccount.balance > 0),
        )
    ).one()
    outstanding = outstanding_balance(session)
    value = point_value(session)
    liability = (
        None
        if value.per_point is None
        else int((outstanding * value.per_point).quantize(Decimal(1), ROUND_HALF_UP))
    )
    return LoyaltyFigures(
        members=int(members),
        members_with_balance=int(holding),
        outstanding=outstanding,
        liability=liability,
        liability_basis=value.basis,
        currency=get_profile(session).currency,
        month_earned=by_kind.get("earn", 0) + by_kind.get("reverse", 0),
        month_bonus=by_kind.get("bonus", 0),
        month_redeemed=-by_kind.get("redeem", 0),
        month_expired=-by_kind.get("expire", 0),
        top=top_members(session),
    )
