"""Points that expire after months without a visit, and who to nudge before they do.

A member's points go on the day `expiry_months` after their last visit (31 January + 1 month
is 28 February), counted in the shop's local days. The run is set-based SQL over all members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.loyalty_earning import award_bonuses
from desktop.shop.loyalty_ledger import last_visit, no_visit_since, post_batch
from desktop.shop.loyalty_rules import expiry_day, get_programme, last_expired_visit
from desktop.store.models import Customer
from desktop.store.models_loyalty import LoyaltyAccount


@dataclass(frozen=True)
class ExpiringMember:
    account_id: int
    customer_id: int | None
    name: str
    card_number: str
    balance: int
    last_visit: datetime
    expires_on: date


def _start_of_day(day: date) -> datetime:
    """Local midnight at the start of `day`, in UTC as stored."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _expired_before(today: date, months: int) -> datetime:
    """Members whose last visit was before this moment have lost their points by `today`."""
    return _start_of_day(last_expired_visit(today, months) + timedelta(days=1))


def expire_points(session: Session, today: date) -> int:
    """Expire the balance of every member with no visit for the programme's months; returns
    how many members lost points. Does nothing when points never expire."""
    months = get_programme(session).expiry_months
    if months is None:
        return 0
    return post_batch(
        session,
        "expire",
        -LoyaltyAccount.balance,
        f"No visit for {months} months",
        LoyaltyAccount.balance > 0,
        no_visit_since(_expired_before(today, months)),
    )


def members_about_to_expire(
    session: Session, within_days: int, *, today: date | None = None
) -> list[ExpiringMember]:
    """Members holding points that expire within `within_days` (or are due today), soonest
    first, so the shop can bring them back before they lose them."""
    months = get_programme(session).expiry_months
    if months is None:
        return []
    today = today or date.today()
    rows = session.execute(
        select(
            LoyaltyAccount.id,
            LoyaltyAccount.customer_id,
            Customer.name,
            LoyaltyAccount.card_number,
            LoyaltyAccount.balance,
            LoyaltyAccount.enrolled_at,
            Customer.last_seen_at,
        )
        .outerjoin(Customer, Customer.id == LoyaltyAccount.customer_id)
        .where(
            LoyaltyAccount.balance > 0,
            no_visit_since(_expired_before(today + timedelta(days=within_days), months)),
        )
    )
    found = []
    for account_id, customer_id, name, card, balance, enrolled_at, seen in rows:
        visit = last_visit(enrolled_at, seen)
        found.append(
            ExpiringMember(
                account_id=account_id,
                customer_id=customer_id,
                name=name or "",
                card_number=card,
                balance=balance,
                last_visit=visit,
                expires_on=max(expiry_day(visit.astimezone().date(), months), today),
            )
        )
    return sorted(found, key=lambda m: (m.expires_on, m.name, m.account_id))


@dataclass(frozen=True)
class Upkeep:
    bonuses: int  # birthday and email bonuses given
    expired: int  # members whose points expired


def daily_upkeep(session: Session, today: date) -> Upkeep:
    """The day's set-based loyalty work, for start-up and once a day after: bonuses that are
    due, then points that have expired. Safe to run more than once a day."""
    return Upkeep(bonuses=award_bonuses(session, today), expired=expire_points(session, today))
