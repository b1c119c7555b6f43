"""Possible duplicate customers, and merging two into one without losing history."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from desktop.shop.customers import build_search_text, get_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.purchases import refresh_customer_totals
from desktop.store.models import Base, Consent, Customer, CustomerTag

NAME_SIMILARITY = 0.85


@dataclass(frozen=True)
class DuplicatePair:
    first: Customer
    second: Customer
    reason: str  # "same email", "same phone", "similar name, same postcode"


def similar_names(a: str, b: str) -> bool:
    """Near-same folded names: 'jon smith' ~ 'john smith', 'smith john' ~ 'john smith'."""
    if a == b or sorted(a.split()) == sorted(b.split()):
        return True
    return SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _reason(a: Customer, b: Customer) -> str | None:
    if a.email_key and a.email_key == b.email_key:
        return "same email"
    if a.phone_key and a.phone_key == b.phone_key:
        return "same phone"
    if (
        a.postcode_key
        and a.postcode_key == b.postcode_key
        and similar_names(a.sort_name, b.sort_name)
    ):
        return "similar name, same postcode"
    return None


def possible_duplicates(session: Session, customer: Customer) -> list[DuplicatePair]:
    """Other customers who may be the same person as `customer` (also a not-yet-saved one)."""
    conditions = []
    if customer.email_key:
        conditions.append(Customer.email_key == customer.email_key)
    if customer.phone_key:
        conditions.append(Customer.phone_key == customer.phone_key)
    if customer.postcode_key:
        conditions.append(Customer.postcode_key == customer.postcode_key)
    if not conditions:
        return []
    statement = select(Customer).where(or_(*conditions))
    if customer.id is not None:
        statement = statement.where(Customer.id != customer.id)
    pairs = []
    for other in session.scalars(statement):
        reason = _reason(customer, other)
        if reason:
            pairs.append(DuplicatePair(customer, other, reason))
    return pairs


def all_possible_duplicates(session: Session, limit: int = 500) -> list[DuplicatePair]:
    """Pairs across the whole directory sharing an email, a phone, or a postcode and name."""
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    for key in (Customer.email_key, Customer.phone_key, Customer.postcode_key):
        shared = (
            select(key)
            .where(key.is_not(None), key != "")
            .group_by(key)
            .having(func.count() > 1)
            .limit(limit)
        )
        group: list[Customer] = list(
            session.scalars(select(Customer).where(key.in_(shared)).order_by(key, Customer.id))
        )
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a.id, b.id) in pairs:
                    continue
                reason = _reason(a, b)
                if reason:
                    pairs[(a.id, b.id)] = DuplicatePair(a, b, reason)
    return sorted(pairs.values(), key=lambda p: (p.first.sort_name, p.first.id, p.second.id))[
        :limit
    ]


def merge_customers(session: Session, keep_id: int, duplicate_id: int) -> Customer:
    """Fold `duplicate_id` into `keep_id`: every purchase, consent and other record moves over,
    blank details are filled from the duplicate, notes are kept, then the duplicate goes."""
    if keep_id == duplicate_id:
        raise InvalidInput("customer", "A customer cannot be merged with themselves.")
    keep = get_customer(session, keep_id)
    duplicate = get_customer(session, duplicate_id)
    for name in ("email", "email_key", "phone", "phone_key", "birth_day", "birth_month"):
        if getattr(keep, name) is None:
            setattr(keep, name, getattr(duplicate, name))
    if not keep.address_line1 and duplicate.address_line1:
        for name in (
            "address_line1",
            "address_line2",
            "town",
            "postcode",
            "postcode_key",
            "country",
        ):
            setattr(keep, name, getattr(duplicate, name))
    if duplicate.notes and duplicate.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n{duplicate.notes}".strip()
    keep.tags = sorted({*keep.tags, *duplicate.tags}, key=lambda t: t.name)

    keep.search_text = build_search_text(keep)
    session.flush()
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == duplicate_id))
    _move_references(session, duplicate_id, keep_id)
    session.delete(duplicate)
    session.flush()
    refresh_customer_totals(session, keep_id)
    # The newest decision on each channel, from either person's ledger, is the one that holds.
    keep.email_marketing = _latest_consent(session, keep_id, "email")
    keep.post_marketing = _latest_consent(session, keep_id, "post")
    session.flush()
    session.refresh(keep)
    return keep


def _move_references(session: Session, old_id: int, new_id: int) -> None:
    """Point every row of every table that refers to a customer at the kept one (so tables
    later issues add are covered without touching this function)."""
    customer_id = Customer.__table__.c.id
    for table in Base.metadata.sorted_tables:
        if table.name == CustomerTag.__tablename__:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column is customer_id:
                column = foreign_key.parent
                session.execute(update(table).where(column == old_id).values({column.name: new_id}))


def _latest_consent(session: Session, customer_id: int, channel: str) -> bool:
    granted = session.scalar(
        select(Consent.granted)
        .where(Consent.customer_id == customer_id, Consent.channel == channel)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return bool(granted)
