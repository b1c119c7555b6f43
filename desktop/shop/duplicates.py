"""Possible duplicate customers, and merging two into one without losing history."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    Column,
    Table,
    UniqueConstraint,
    delete,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from desktop.shop.customers import build_search_text, get_customer, postcode_key
from desktop.shop.errors import InvalidInput
from desktop.shop.purchases import refresh_customer_totals
from desktop.shop.text import fold
from desktop.store.models import Base, Consent, Customer, CustomerTag

NAME_SIMILARITY = 0.85


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that may be one person, and why they look alike."""

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
        found = session.scalars(select(Customer).where(key.in_(shared)).order_by(key, Customer.id))
        # Only people sharing this value are compared: a street of 40 is 780 pairs, not the
        # whole directory squared.
        for _value, same in groupby(found, key=attrgetter(key.key)):
            group = list(same)
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if (a.id, b.id) in pairs:
                        continue
                    reason = _reason(a, b)
                    if reason:
                        pairs[(a.id, b.id)] = DuplicatePair(a, b, reason)
    ordered = sorted(pairs.values(), key=lambda p: (p.first.sort_name, p.first.id, p.second.id))
    return ordered[:limit]


def merge_customers(session: Session, keep_id: int, duplicate_id: int) -> Customer:
    """Fold `duplicate_id` into `keep_id`: every purchase, consent and other record moves over,
    blank details are filled from the duplicate, notes are kept (with any email or phone that
    differed), then the duplicate goes."""
    if keep_id == duplicate_id:
        raise InvalidInput("customer", "A customer cannot be merged with themselves.")
    keep = get_customer(session, keep_id)
    duplicate = get_customer(session, duplicate_id)
    notes = [keep.notes]
    if duplicate.notes and duplicate.notes not in keep.notes:
        notes.append(duplicate.notes)
    notes += _details_left_behind(keep, duplicate)
    for names in (("email", "email_key"), ("phone", "phone_key"), ("birth_day", "birth_month")):
        if getattr(keep, names[0]) is None:
            for name in names:
                setattr(keep, name, getattr(duplicate, name))
    if not keep.address_line1 and duplicate.address_line1:
        for name in _ADDRESS:
            setattr(keep, name, getattr(duplicate, name))
    keep.notes = "\n".join(n for n in notes if n).strip()
    keep.tags = sorted({*keep.tags, *duplicate.tags}, key=lambda t: t.name)
    duplicate.tags = []
    keep.search_text = build_search_text(keep)
    session.flush()
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


_ADDRESS = ("address_line1", "address_line2", "town", "postcode", "postcode_key", "country")


def _details_left_behind(keep: Customer, duplicate: Customer) -> list[str]:
    """Contact details of the duplicate that the kept record has other values for."""
    kept = []
    if keep.email_key and duplicate.email_key and keep.email_key != duplicate.email_key:
        kept.append(f"Also used the email {duplicate.email}.")
    if keep.phone_key and duplicate.phone_key and keep.phone_key != duplicate.phone_key:
        kept.append(f"Also used the phone {duplicate.phone}.")
    if keep.address_line1 and duplicate.address_line1:
        other = ", ".join(p for p in (duplicate.address_line1, duplicate.postcode) if p)
        if postcode_key(duplicate.postcode) != keep.postcode_key or (
            fold(duplicate.address_line1) != fold(keep.address_line1)
        ):
            kept.append(f"Also lived at {other}.")
    return kept


def _move_references(session: Session, old_id: int, new_id: int) -> None:
    """Point every row of every table that refers to a customer at the kept one (so tables
    later issues add are covered without touching this function).

    Where a table keys its rows by customer (one visit rhythm per customer), the kept
    customer's own row stays and the duplicate's goes; derived rows are recomputed after."""
    customer_id = Customer.__table__.c.id
    for table in Base.metadata.sorted_tables:
        if table.name == CustomerTag.__tablename__:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column is not customer_id:
                continue
            column = foreign_key.parent
            key = _key_with(table, column)
            if key is not None:
                others = [c for c in key if c is not column]
                kept = select(*others or [column]).where(column == new_id)
                clash = tuple_(*others).in_(kept) if others else exists(kept)
                session.execute(delete(table).where(column == old_id, clash))
            session.execute(update(table).where(column == old_id).values({column.name: new_id}))


def _key_with(table: Table, column: Column[Any]) -> list[Column[Any]] | None:
    """The columns of the table's primary key or a unique constraint that includes `column`."""
    keys = [list(table.primary_key.columns)]
    keys += [
        list(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [list(index.columns) for index in table.indexes if index.unique]
    keys += [[c] for c in table.columns if c.unique]
    return next((key for key in keys if any(c is column for c in key)), None)


def _latest_consent(session: Session, customer_id: int, channel: str) -> bool:
    granted = session.scalar(
        select(Consent.granted)
        .where(Consent.customer_id == customer_id, Consent.channel == channel)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return bool(granted)
