"""Saved segments: named, reusable groups of customers that a campaign can take.

A definition is JSON-ready data, a dict with a "kind":

    {"kind": "not_seen_lately", "rule": "threshold" | "rhythm" | "model"}
    {"kind": "overdue"}                      their usual next visit has passed
    {"kind": "one_time_buyers"}
    {"kind": "best_customers", "top": 100}   by spend, then visits
    {"kind": "bought_from_category", "category_id": 3}
    {"kind": "birthday_this_month"}
    {"kind": "all_of", "parts": [...]}       and "any_of": combinations, nested as needed

Only the definition is stored: the members are worked out whenever the segment is used, so
they follow the data.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from desktop.shop import lapsed
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.text import clean_line, fold
from desktop.store.models import Category, Customer, Purchase, PurchaseLine
from desktop.store.models_reminders import CustomerRhythm, Segment

Definition = dict[str, Any]

MAX_PARTS = 20
MAX_DEPTH = 4
MAX_TOP = 100_000
# Every kind with the fields it takes.
KINDS: dict[str, frozenset[str]] = {
    "not_seen_lately": frozenset({"rule"}),
    "overdue": frozenset(),
    "one_time_buyers": frozenset(),
    "best_customers": frozenset({"top"}),
    "bought_from_category": frozenset({"category_id"}),
    "birthday_this_month": frozenset(),
    "all_of": frozenset({"parts"}),
    "any_of": frozenset({"parts"}),
}
RULE_WORDS: dict[lapsed.Rule, str] = {
    "threshold": "longer than the shop's limit",
    "rhythm": "by their own rhythm",
    "model": "probably drifted away, by the model",
}


def check_definition(session: Session, definition: object, *, depth: int = 0) -> Definition:
    """The definition if it makes sense; InvalidInput (field "definition") saying what does
    not."""
    if not isinstance(definition, dict) or definition.get("kind") not in KINDS:
        raise InvalidInput("definition", "A segment needs a kind of customer to pick.")
    kind = definition["kind"]
    unknown = set(definition) - {"kind"} - KINDS[kind]
    missing = KINDS[kind] - set(definition)
    if unknown or missing:
        names = ", ".join(sorted(unknown or missing))
        problem = "does not take" if unknown else "needs"
        raise InvalidInput("definition", f"The segment “{kind}” {problem}: {names}.")
    if kind == "not_seen_lately" and definition["rule"] not in lapsed.RULES:
        raise InvalidInput("definition", "Choose the shop's limit, own rhythm or the model.")
    if kind == "best_customers" and not _whole_number(definition["top"], 1, MAX_TOP):
        raise InvalidInput("definition", f"The number of best customers must be 1 to {MAX_TOP:,}.")
    if kind == "bought_from_category":
        category_id = definition["category_id"]
        if not _whole_number(category_id, 1, None) or session.get(Category, category_id) is None:
            raise NotFound("That category no longer exists.")
    if kind in ("all_of", "any_of"):
        parts = definition["parts"]
        if not isinstance(parts, list) or not 1 <= len(parts) <= MAX_PARTS:
            raise InvalidInput("definition", f"A combination takes 1 to {MAX_PARTS} parts.")
        if depth >= MAX_DEPTH:
            raise InvalidInput("definition", "The combination is nested too deeply.")
        for part in parts:
            check_definition(session, part, depth=depth + 1)
    return definition


def _whole_number(value: object, least: int, most: int | None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= least
        and (most is None or value <= most)
    )


def describe(session: Session, definition: Definition) -> str:
    """The definition in plain words: 'Not seen lately (by their own rhythm) and bought from
    Tea'."""
    kind = definition["kind"]
    if kind == "not_seen_lately":
        return f"Not seen lately ({RULE_WORDS[definition['rule']]})"
    if kind == "overdue":
        return "Overdue: their usual next visit has passed"
    if kind == "one_time_buyers":
        return "Bought only once"
    if kind == "best_customers":
        return f"Best {definition['top']:,} customers by spend"
    if kind == "bought_from_category":
        category_id = definition["category_id"]
        category = session.get(Category, category_id) if isinstance(category_id, int) else None
        return f"Bought from {category.name}" if category else "Bought from a removed category"
    if kind == "birthday_this_month":
        return "Birthday this month"
    joined = " and " if kind == "all_of" else " or "
    words = [describe(session, part) for part in definition["parts"]]
    if len(words) == 1:
        return words[0]
    return joined.join(f"({text})" if " and " in text or " or " in text else text for text in words)


def segment_customer_ids(
    session: Session, definition: Definition, *, today: date | None = None
) -> Select[int]:
    """A select of the ids of the customers in the segment today, for a campaign to take
    (`Customer.id.in_(...)`). Run it in the same session, the same day."""
    today = today or date.today()
    kind = definition["kind"]
    if kind == "not_seen_lately":
        ids, _, _ = lapsed.not_seen_lately_ids(session, definition["rule"], today=today)
        return ids
    if kind == "overdue":
        return lapsed.overdue_ids(session, today=today)
    if kind == "one_time_buyers":
        return select(CustomerRhythm.customer_id).where(CustomerRhythm.visit_days == 1)
    if kind == "best_customers":
        return (
            select(Customer.id)
            .where(Customer.total_spent > 0)
            .order_by(Customer.total_spent.desc(), Customer.visit_count.desc(), Customer.id.desc())
            .limit(definition["top"])
        )
    if kind == "bought_from_category":
        return (
            select(type_coerce(Purchase.customer_id, Integer))  # not NULL: filtered below
            .join(PurchaseLine, PurchaseLine.purchase_id == Purchase.id)
            .where(
                PurchaseLine.category_id == definition["category_id"],
                Purchase.voided_at.is_(None),
                Purchase.customer_id.is_not(None),
            )
            .distinct()
        )
    if kind == "birthday_this_month":
        return select(Customer.id).where(Customer.birth_month == today.month)
    members = [
        Customer.id.in_(segment_customer_ids(session, part, today=today))
        for part in definition["parts"]
    ]
    combined = and_(*members) if kind == "all_of" else or_(*members)
    return select(Customer.id).where(combined)


def segment_count(session: Session, definition: Definition, *, today: date | None = None) -> int:
    """How many customers are in the segment now."""
    ids = segment_customer_ids(session, definition, today=today).subquery()
    return session.scalar(select(func.count()).select_from(ids)) or 0


def save_segment(session: Session, name: str, definition: Definition) -> Segment:
    """Keep a segment under a name (unique, whatever the case or accents)."""
    name = clean_line(name, "name", max_length=80, required=True)
    definition = check_definition(session, definition)
    key = fold(name)
    if session.scalar(select(Segment.id).where(Segment.name_key == key)) is not None:
        raise InvalidInput("name", f"There is already a segment called “{name}”.")
    segment = Segment(name=name, name_key=key, definition=json.dumps(definition, sort_keys=True))
    session.add(segment)
    session.flush()
    return segment


def list_segments(session: Session) -> list[Segment]:
    """The saved segments in name order."""
    return list(session.scalars(select(Segment).order_by(Segment.name_key, Segment.id)))


def segment_definition(segment: Segment) -> Definition:
    definition: Definition = json.loads(segment.definition)
    return definition


def find_segment(session: Session, name: str) -> Segment:
    """The segment with that name as a person would type it (any case or accents)."""
    segment = session.scalar(select(Segment).where(Segment.name_key == fold(name.strip())))
    if segment is None:
        raise NotFound(f"There is no segment called “{name.strip()}”.")
    return segment


def delete_segment(session: Session, segment_id: int) -> None:
    """Forget a saved segment (its customers are untouched)."""
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound("That segment was already deleted.")
    session.delete(segment)
    session.flush()
