"""The customer directory: search as you type and lazy, keyset-paged listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from desktop.shop.text import typed_digits, words
from desktop.store import search_index
from desktop.store.models import Customer

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One line of the directory: enough to show and choose, nothing more."""

    id: int
    name: str
    email: str | None
    phone: str | None
    postcode: str
    last_seen_at: datetime | None
    visit_count: int
    total_spent: int


# Opaque position after the last row shown: (sort_name, id) when listing, id when searching.
PageKey = tuple[str, int] | int


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[CustomerRow]
    next_key: PageKey | None


# In CustomerRow's order, then the sort key.
_COLUMNS = (
    Customer.id,
    Customer.name,
    Customer.email,
    Customer.phone,
    Customer.postcode,
    Customer.last_seen_at,
    Customer.visit_count,
    Customer.total_spent,
    Customer.sort_name,
)


def search_terms(query: str) -> list[str]:
    """The words a search looks for: folded words, or one run of digits for a phone number."""
    digits = typed_digits(query)
    return [digits] if digits is not None else words(query)


def count_customers(session: Session) -> int:
    """How many customers the shop has."""
    return session.scalar(select(func.count()).select_from(Customer)) or 0


def browse(
    session: Session, query: str = "", after: PageKey | None = None, limit: int = PAGE_SIZE
) -> DirectoryPage:
    """A page of customers: all of them A to Z, or those matching `query`, newest first.

    Matching is by the start of any word of the name, email, phone or postcode, ignoring
    case and accents ("zoe" finds Zoë, "lukasz" finds Łukasz). Every typed word must match.
    A phone number may be typed in national or international form, with or without spaces.
    """
    terms = search_terms(query)
    statement = select(*_COLUMNS)
    if terms:
        dialect = session.get_bind().dialect.name
        matches = search_index.matching_ids(dialect, terms)
        if isinstance(after, int):
            matches = matches.where(search_index.id_column(dialect) < after)
        ids = matches.order_by(search_index.id_column(dialect).desc()).limit(limit + 1)
        statement = statement.where(Customer.id.in_(ids.scalar_subquery())).order_by(
            Customer.id.desc()
        )
    else:
        if isinstance(after, tuple):
            statement = statement.where(tuple_(Customer.sort_name, Customer.id) > tuple_(*after))
        statement = statement.order_by(Customer.sort_name, Customer.id).limit(limit + 1)
    found = session.execute(statement).all()
    # Positional access: a named attribute per cell costs more than the query itself.
    rows = [CustomerRow(*row[:8]) for row in found[:limit]]
    if len(found) <= limit:
        return DirectoryPage(rows, None)
    last = found[limit - 1]
    return DirectoryPage(rows, last[0] if terms else (last[8], last[0]))
