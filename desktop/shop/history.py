"""A customer's page: their details, purchases, and how often they come."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.consent import consent_history
from desktop.shop.customers import get_customer
from desktop.store.models import Consent, Customer, Purchase, PurchaseLine

HISTORY_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PastPurchase:
    """One purchase as the customer's page lists it."""

    id: int
    reference: str
    purchased_at: datetime
    channel: str
    currency: str
    total: int
    voided_at: datetime | None
    void_reason: str | None
    items: list[tuple[int, str]]  # (quantity, description) in till order


@dataclass(frozen=True)
class CustomerOverview:
    """What the customer's page shows, read in one go."""

    customer: Customer
    purchases: list[PastPurchase]  # newest first, at most HISTORY_LIMIT, voided ones included
    purchase_count: int  # live (not voided) purchases in all
    total_spent: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    usual_gap_days: float | None  # median days between visits; None before a second visit
    consents: list[Consent]


def usual_gap_days(times: Iterable[datetime]) -> float | None:
    """Median gap between distinct visit days: a customer's own rhythm, robust to one odd gap."""
    days = sorted({t.astimezone().date() for t in times})
    if len(days) < 2:
        return None
    return float(median((b - a).days for a, b in pairwise(days)))


def _past_purchases(session: Session, customer_id: int) -> list[PastPurchase]:
    # Plain rows rather than ORM objects: a regular's page lists hundreds of purchases and
    # their lines, and building objects for them would cost more than the queries.
    newest = (
        select(Purchase.id)
        .where(Purchase.customer_id == customer_id)
        .order_by(Purchase.purchased_at.desc(), Purchase.id.desc())
        .limit(HISTORY_LIMIT)
    )
    found = session.execute(
        select(
            Purchase.id,
            Purchase.reference,
            Purchase.purchased_at,
            Purchase.channel,
            Purchase.currency,
            Purchase.total,
            Purchase.voided_at,
            Purchase.void_reason,
        )
        .where(Purchase.id.in_(newest.scalar_subquery()))
        .order_by(Purchase.purchased_at.desc(), Purchase.id.desc())
    ).all()
    items: dict[int, list[tuple[int, str]]] = {row[0]: [] for row in found}
    lines = session.execute(
        select(PurchaseLine.purchase_id, PurchaseLine.quantity, PurchaseLine.description)
        .where(PurchaseLine.purchase_id.in_(newest.scalar_subquery()))
        .order_by(PurchaseLine.purchase_id, PurchaseLine.position)
    )
    for purchase_id, quantity, description in lines:
        items[purchase_id].append((quantity, description))
    return [PastPurchase(*row, items=items[row[0]]) for row in found]


def customer_overview(session: Session, customer_id: int) -> CustomerOverview:
    """Everything the customer page shows, in a few indexed queries."""
    customer = get_customer(session, customer_id)
    live_times = session.scalars(
        select(Purchase.purchased_at).where(
            Purchase.customer_id == customer_id, Purchase.voided_at.is_(None)
        )
    )
    return CustomerOverview(
        customer=customer,
        purchases=_past_purchases(session, customer_id),
        purchase_count=customer.visit_count,
        total_spent=customer.total_spent,
        first_seen_at=customer.first_seen_at,
        last_seen_at=customer.last_seen_at,
        usual_gap_days=usual_gap_days(live_times),
        consents=consent_history(session, customer_id),
    )


def describe_gap(days: float | None) -> str:
    """'about every 3 weeks' — how the page words a rhythm."""
    if days is None:
        return "not enough visits yet"
    if days < 1.5:
        return "about daily"
    if days < 10:
        return _every(round(days), "day")
    if days < 60:
        return _every(round(days / 7), "week")
    if days < 600:
        return _every(round(days / 30.4), "month")
    return f"about every {round(days / 365.25, 1):g} years"


def _every(count: int, unit: str) -> str:
    return f"about every {unit}" if count == 1 else f"about every {count} {unit}s"
