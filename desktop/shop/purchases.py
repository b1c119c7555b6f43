"""Purchases: recording a sale at the counter, voiding one, and the customer's running totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, func, insert, literal, select, tuple_, update
from sqlalchemy.orm import Session

from desktop.shop.customer_months import refresh_customer_months
from desktop.shop.errors import AlreadyVoided, DuplicateReference, InvalidInput, NotFound
from desktop.shop.lapsed import refresh_rhythm
from desktop.shop.loyalty_earning import earn_for_purchase, reverse_for_purchase
from desktop.shop.money import MAX_AMOUNT
from desktop.shop.parcels import local_day_bounds
from desktop.shop.settings import get_profile
from desktop.shop.text import clean_line, clean_text
from desktop.store.models import (
    Counter,
    Customer,
    Product,
    Purchase,
    PurchaseLine,
    UTCDateTime,
    utc_now,
)

CHANNELS = {"in_shop": "In shop", "online": "Online / parcel", "phone": "Phone"}
REFERENCE_PREFIX = "P-"
MAX_QUANTITY = 100_000


@dataclass
class LineInput:
    description: str
    quantity: int
    unit_price: int
    product_id: int | None = None


@dataclass
class PurchaseInput:
    lines: list[LineInput]
    customer_id: int | None = None
    channel: str = "in_shop"
    reference: str = ""
    purchased_at: datetime | None = None
    note: str = ""
    currency: str = ""


@dataclass(frozen=True, slots=True)
class PurchaseRow:
    """One line of the purchases list."""

    id: int
    reference: str
    purchased_at: datetime
    customer_id: int | None
    customer_name: str | None
    channel: str
    total: int
    currency: str
    voided: bool
    voided_at: datetime | None = None
    void_reason: str | None = None


@dataclass(frozen=True)
class PurchasePage:
    rows: list[PurchaseRow] = field(default_factory=list)
    next_key: tuple[datetime, int] | None = None


def _next_reference(session: Session) -> str:
    """The next free automatic reference; the counter row serialises two tills."""
    while True:
        value = session.execute(
            update(Counter)
            .where(Counter.name == "purchase")
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        ).scalar()
        if value is None:
            session.execute(insert(Counter).values(name="purchase", value=1))
            value = 1
        reference = f"{REFERENCE_PREFIX}{value:06d}"
        if not _reference_taken(session, reference):
            return reference


def _reference_taken(session: Session, reference: str) -> bool:
    found = session.scalar(select(Purchase.id).where(Purchase.reference == reference))
    return found is not None


def _checked_lines(session: Session, lines: list[LineInput]) -> list[PurchaseLine]:
    if not lines:
        raise InvalidInput("lines", "A purchase needs at least one line.")
    checked = []
    for position, line in enumerate(lines, start=1):
        where = f"line {position}"
        description = clean_line(line.description, f"description on {where}")
        product = session.get(Product, line.product_id) if line.product_id is not None else None
        if line.product_id is not None and product is None:
            raise NotFound(f"The product on {where} no longer exists.")
        if not description:
            if product is None:
                raise InvalidInput("lines", f"Please describe what was bought on {where}.")
            description = product.name
        if line.quantity <= 0:
            raise InvalidInput("quantity", f"The quantity on {where} must be at least 1.")
        if line.quantity > MAX_QUANTITY:
            raise InvalidInput("quantity", f"The quantity on {where} is too large.")
        if line.unit_price < 0:
            raise InvalidInput("price", f"The price on {where} cannot be negative.")
        if line.unit_price > MAX_AMOUNT:
            raise InvalidInput("price", f"The price on {where} is too large.")
        checked.append(
            PurchaseLine(
                position=position,
                description=description,
                product_id=line.product_id,
                category_id=product.category_id if product else None,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
        )
    return checked


def record_purchase(session: Session, purchase_input: PurchaseInput) -> Purchase:
    """Record a sale and bring the customer's totals up to date in the same transaction."""
    if purchase_input.channel not in CHANNELS:
        raise InvalidInput("channel", f"Unknown sales channel “{purchase_input.channel}”.")
    when = purchase_input.purchased_at or utc_now()
    if when.tzinfo is None:
        raise InvalidInput("date", "The purchase time has no time zone.")
    if when > utc_now() + timedelta(days=1):
        raise InvalidInput("date", "The purchase date is in the future.")
    customer = None
    if purchase_input.customer_id is not None:
        customer = session.get(Customer, purchase_input.customer_id)
        if customer is None:
            raise NotFound(f"There is no customer number {purchase_input.customer_id}.")
    lines = _checked_lines(session, purchase_input.lines)
    reference = clean_line(purchase_input.reference, "reference", max_length=40)
    if reference and _reference_taken(session, reference):
        raise DuplicateReference(f"There is already a purchase with the reference “{reference}”.")
    purchase = Purchase(
        reference=reference or _next_reference(session),
        customer_id=purchase_input.customer_id,
        channel=purchase_input.channel,
        purchased_at=when,
        currency=purchase_input.currency or get_profile(session).currency,
        total=sum(line.quantity * line.unit_price for line in lines),
        note=clean_text(purchase_input.note, "note", max_length=2000),
        lines=lines,
    )
    session.add(purchase)
    session.flush()
    if customer is not None:
        refresh_customer_totals(session, customer.id)
        earn_for_purchase(session, purchase)
    return purchase


def void_purchase(session: Session, purchase_id: int, reason: str) -> Purchase:
    """Mark a purchase void (it stays in the history) and take it out of the totals."""
    purchase = get_purchase(session, purchase_id)
    reason = clean_line(reason, "reason", max_length=500, required=True)
    if purchase.voided_at is not None:
        local = purchase.voided_at.astimezone()
        raise AlreadyVoided(
            f"Purchase {purchase.reference} was already voided on {local:%d %b %Y at %H:%M}."
        )
    purchase.voided_at = utc_now()
    purchase.void_reason = reason
    session.flush()
    if purchase.customer_id is not None:
        refresh_customer_totals(session, purchase.customer_id)
        reverse_for_purchase(session, purchase)
    return purchase


def refresh_customer_totals(session: Session, customer_id: int) -> None:
    """Recompute visits, spend, first and last seen from the customer's live purchases."""
    first, last, visits, spent = session.execute(
        select(
            func.min(Purchase.purchased_at),
            func.max(Purchase.purchased_at),
            func.count(Purchase.id),
            func.coalesce(func.sum(Purchase.total), 0),
        ).where(Purchase.customer_id == customer_id, Purchase.voided_at.is_(None))
    ).one()
    session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(first_seen_at=first, last_seen_at=last, visit_count=visits, total_spent=spent)
        .execution_options(synchronize_session="fetch")
    )
    refresh_rhythm(session, customer_id)
    refresh_customer_months(session, customer_id)


def get_purchase(session: Session, purchase_id: int) -> Purchase:
    """The purchase with that number; NotFound when there is none."""
    purchase = session.get(Purchase, purchase_id)
    if purchase is None:
        raise NotFound(f"There is no purchase number {purchase_id}.")
    return purchase


def find_purchase(session: Session, reference: str) -> Purchase:
    """The purchase a person typed the reference of: exactly as typed, in capitals, or just
    the number of an automatic one ("123" finds P-000123)."""
    typed = reference.strip()
    if not typed:
        raise InvalidInput("reference", "Please type the reference to look for.")
    candidates = [typed, typed.upper()]
    if typed.isdigit():
        candidates.append(f"{REFERENCE_PREFIX}{int(typed):06d}")
    for candidate in dict.fromkeys(candidates):
        purchase = session.scalar(select(Purchase).where(Purchase.reference == candidate))
        if purchase is not None:
            return purchase
    raise NotFound(f"There is no purchase with the reference “{typed}”.")


def browse_purchases(
    session: Session,
    after: tuple[datetime, int] | None = None,
    limit: int = 200,
    customer_id: int | None = None,
    reference: str | None = None,
) -> PurchasePage:
    """Purchases newest first, a page at a time (keyset paging on time and id);
    only one customer's, or only the one with `reference`, when given."""
    statement = (
        _listing().order_by(Purchase.purchased_at.desc(), Purchase.id.desc()).limit(limit + 1)
    )
    if customer_id is not None:
        statement = statement.where(Purchase.customer_id == customer_id)
    if reference is not None:
        statement = statement.where(Purchase.reference == reference)
    if after is not None:
        # Typed as the column is, so the key compares as stored (UTC) whatever zone it carries.
        key = tuple_(literal(after[0], UTCDateTime), literal(after[1]))
        statement = statement.where(tuple_(Purchase.purchased_at, Purchase.id) < key)
    found = [_row(row) for row in session.execute(statement)]
    if len(found) <= limit:
        return PurchasePage(found, None)
    last = found[limit - 1]
    return PurchasePage(found[:limit], (last.purchased_at, last.id))


def todays_purchases(
    session: Session, day: date | None = None, customer_id: int | None = None
) -> list[PurchaseRow]:
    """The purchases of the shop's local `day` (default today), newest first, leaving out the
    voided ones; only one customer's when given."""
    start, end = local_day_bounds(day or date.today())
    statement = (
        _listing()
        .where(
            Purchase.purchased_at >= start,
            Purchase.purchased_at < end,
            Purchase.voided_at.is_(None),
        )
        .order_by(Purchase.purchased_at.desc(), Purchase.id.desc())
    )
    if customer_id is not None:
        statement = statement.where(Purchase.customer_id == customer_id)
    return [_row(row) for row in session.execute(statement)]


def _listing() -> Select[*tuple[Any, ...]]:
    """The columns of a PurchaseRow, the customer's name joined in."""
    return select(
        Purchase.id,
        Purchase.reference,
        Purchase.purchased_at,
        Purchase.customer_id,
        Customer.name,
        Purchase.channel,
        Purchase.total,
        Purchase.currency,
        Purchase.voided_at,
        Purchase.void_reason,
    ).outerjoin(Customer, Customer.id == Purchase.customer_id)


def _row(row: Row[*tuple[Any, ...]]) -> PurchaseRow:
    return PurchaseRow(
        id=row.id,
        reference=row.reference,
        purchased_at=row.purchased_at,
        customer_id=row.customer_id,
        customer_name=row.name,
        channel=row.channel,
        total=row.total,
        currency=row.currency,
        voided=row.voided_at is not None,
        voided_at=row.voided_at,
        void_reason=row.void_reason,
    )
