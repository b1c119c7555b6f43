"""Loyalty tiers: which level a member's recent spend reaches, and how far the next one is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.shop.loyalty_rules import Programme, Tier, add_months
from desktop.store.models import Purchase, utc_now


@dataclass(frozen=True)
class TierStatus:
    """Where a member stands: `tier` None below the first tier (or with no tiers at all)."""

    spend: int  # minor units within the tier window
    tier: Tier | None
    next_tier: Tier | None
    to_next: int | None  # minor units still to spend to reach `next_tier`

    @property
    def multiplier(self) -> Decimal:
        return self.tier.multiplier if self.tier else Decimal(1)


def window_start(moment: datetime, months: int) -> datetime:
    """The same moment `months` earlier (short months keep their last day)."""
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def status_for_spend(tiers: Iterable[Tier], spend: int) -> TierStatus:
    """The highest tier `spend` reaches and the gap to the one above it."""
    ordered = sorted(tiers, key=lambda t: t.min_spend)
    reached = [t for t in ordered if t.min_spend <= spend]
    above = [t for t in ordered if t.min_spend > spend]
    next_tier = above[0] if above else None
    return TierStatus(
        spend=spend,
        tier=reached[-1] if reached else None,
        next_tier=next_tier,
        to_next=None if next_tier is None else next_tier.min_spend - spend,
    )


def spend_in_window(
    session: Session,
    customer_id: int,
    programme: Programme,
    *,
    until: datetime | None = None,
    leave_out: int | None = None,
) -> int:
    """Live (not voided) spend in the `tier_months` before `until` (now when None), which is
    itself left out so a purchase never lifts its own tier; `leave_out` skips one purchase."""
    end = until or utc_now()
    statement = select(func.coalesce(func.sum(Purchase.total), 0)).where(
        Purchase.customer_id == customer_id,
        Purchase.voided_at.is_(None),
        Purchase.purchased_at >= window_start(end, programme.tier_months),
    )
    statement = statement.where(
        Purchase.purchased_at < end if until is not None else Purchase.purchased_at <= end
    )
    if leave_out is not None:
        statement = statement.where(Purchase.id != leave_out)
    return int(session.scalar(statement) or 0)


def member_tier(
    session: Session, customer_id: int, programme: Programme, *, until: datetime | None = None
) -> TierStatus:
    """The member's tier from their spend over the programme's tier window."""
    return status_for_spend(
        programme.tiers, spend_in_window(session, customer_id, programme, until=until)
    )
