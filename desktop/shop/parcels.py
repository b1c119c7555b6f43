"""Today's parcels: the online and phone orders to pack, their inserts, and the extras to add."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line
from desktop.store.models import Customer, Purchase, PurchaseLine, Setting

# Sales that leave the shop in a parcel (an in-shop sale is handed over the counter).
PARCEL_CHANNELS = ("online", "phone")
EXTRAS_KEY = "parcels.extras"
DEFAULT_EXTRAS = ("a few sweets", "a sample sachet", "a handwritten card")
MAX_EXTRAS = 12
MAX_EXTRA_LENGTH = 80
SUMMARY_ITEMS = 3


@dataclass(frozen=True, slots=True)
class ParcelRow:
    """One parcel to pack: who it is for, what is in it, and whether its insert is printed."""

    purchase_id: int
    reference: str
    purchased_at: datetime
    channel: str
    customer_id: int | None
    customer_name: str | None
    items: str  # "2 × Blue mug, Tea towel and 3 more"
    total: int
    currency: str
    insert_printed_at: datetime | None


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC-aware start and end of `day` in the shop's (this computer's) local time."""
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return start, end


def _summary(lines: Sequence[tuple[int, str]]) -> str:
    shown = [text if quantity == 1 else f"{quantity} × {text}" for quantity, text in lines]
    if len(shown) <= SUMMARY_ITEMS:
        return ", ".join(shown)
    return f"{', '.join(shown[:SUMMARY_ITEMS])} and {len(shown) - SUMMARY_ITEMS} more"


def parcels_between(session: Session, first_day: date, last_day: date) -> list[ParcelRow]:
    """Parcel purchases (not voided) from `first_day` to `last_day` inclusive, in local days,
    oldest first."""
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    found = session.execute(
        select(
            Purchase.id,
            Purchase.reference,
            Purchase.purchased_at,
            Purchase.channel,
            Purchase.customer_id,
            Customer.name,
            Purchase.total,
            Purchase.currency,
            Purchase.insert_printed_at,
        )
        .outerjoin(Customer, Customer.id == Purchase.customer_id)
        .where(
            Purchase.channel.in_(PARCEL_CHANNELS),
            Purchase.voided_at.is_(None),
            Purchase.purchased_at >= start,
            Purchase.purchased_at < end,
        )
        .order_by(Purchase.purchased_at, Purchase.id)
    ).all()
    lines: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if found:
        for purchase_id, quantity, description in session.execute(
            select(PurchaseLine.purchase_id, PurchaseLine.quantity, PurchaseLine.description)
            .where(PurchaseLine.purchase_id.in_([row.id for row in found]))
            .order_by(PurchaseLine.purchase_id, PurchaseLine.position)
        ):
            lines[purchase_id].append((quantity, description))
    return [
        ParcelRow(
            purchase_id=row.id,
            reference=row.reference,
            purchased_at=row.purchased_at,
            channel=row.channel,
            customer_id=row.customer_id,
            customer_name=row.name,
            items=_summary(lines[row.id]),
            total=row.total,
            currency=row.currency,
            insert_printed_at=row.insert_printed_at,
        )
        for row in found
    ]


def todays_parcels(session: Session, day: date | None = None) -> list[ParcelRow]:
    """The online and phone purchases of `day` (default today, in local time) to pack."""
    today = day or date.today()
    return parcels_between(session, today, today)


def unprinted_insert_ids(session: Session, day: date | None = None) -> list[int]:
    """The purchases among `day`'s parcels whose thank-you insert is not printed yet."""
    return [
        row.purchase_id for row in todays_parcels(session, day) if row.insert_printed_at is None
    ]


def extras_to_pack(session: Session) -> list[str]:
    """The little extras the shop puts in every parcel (a reminder shown beside the list)."""
    row = session.get(Setting, EXTRAS_KEY)
    if row is None:
        return list(DEFAULT_EXTRAS)
    stored: list[str] = json.loads(row.value)
    return stored


def set_extras_to_pack(session: Session, items: Sequence[str]) -> list[str]:
    """Store the extras, one per line; blank lines are dropped. At most 12 of 80 characters."""
    cleaned = []
    for number, item in enumerate(items, start=1):
        text = clean_line(item, f"extra on line {number}", max_length=MAX_EXTRA_LENGTH)
        if text:
            cleaned.append(text)
    if len(cleaned) > MAX_EXTRAS:
        raise InvalidInput(
            "extras", f"Keep the list to {MAX_EXTRAS} extras at most (this has {len(cleaned)})."
        )
    session.merge(Setting(key=EXTRAS_KEY, value=json.dumps(cleaned, ensure_ascii=False)))
    return cleaned
