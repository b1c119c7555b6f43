"""Each customer's months with a live purchase (`customer_month`), kept with their purchases so
the dashboard counts new and returning customers by month without reading every sale."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Integer, delete, extract, insert, select, type_coerce
from sqlalchemy.orm import Session

from desktop.shop.satisfaction import Month
from desktop.store.models import Purchase
from desktop.store.models_feedback import CustomerMonth


def _month_keys(times: Sequence[datetime]) -> list[int]:
    return sorted({Month.of_moment(moment).key for moment in times})


class LocalMonths:
    """Unix seconds -> the local month's key, for many times at once: the local month changes
    only on the quarter hour in every time zone, so each quarter hour is worked out once."""

    def __init__(self) -> None:
        self._of_quarter: dict[int, int] = {}

    def __call__(self, seconds: int) -> int:
        quarter = seconds // 900
        key = self._of_quarter.get(quarter)
        if key is None:
            key = self._of_quarter[quarter] = Month.of(date.fromtimestamp(quarter * 900)).key
        return key


def refresh_customer_months(session: Session, customer_id: int) -> None:
    """Recount the months in which the customer made a live purchase. Call it in the same
    transaction as any change to their purchases (a sale, a void, a merge), as their totals
    are kept."""
    keys = _month_keys(
        session.scalars(
            select(Purchase.purchased_at).where(
                Purchase.customer_id == customer_id, Purchase.voided_at.is_(None)
            )
        ).all()
    )
    session.execute(delete(CustomerMonth).where(CustomerMonth.customer_id == customer_id))
    if keys:
        session.execute(
            insert(CustomerMonth),
            [{"customer_id": customer_id, "month": k, "is_first": k == keys[0]} for k in keys],
        )


def refresh_all_customer_months(session: Session) -> int:
    """Recount every customer's months in one pass (after a bulk load or an import). Returns
    how many rows there are."""
    session.execute(delete(CustomerMonth))
    purchases = session.execute(
        select(
            type_coerce(Purchase.customer_id, Integer),  # never NULL here (filtered)
            extract("epoch", Purchase.purchased_at),
        ).where(Purchase.customer_id.is_not(None), Purchase.voided_at.is_(None))
    )
    months: dict[int, set[int]] = defaultdict(set)
    month_of = LocalMonths()
    for customer_id, seconds in purchases:
        months[customer_id].add(month_of(int(seconds)))
    rows = []
    for customer_id, keys in sorted(months.items()):
        ordered = sorted(keys)
        rows += [
            {"customer_id": customer_id, "month": k, "is_first": k == ordered[0]} for k in ordered
        ]
    for start in range(0, len(rows), 50_000):
        session.connection().execute(insert(CustomerMonth), rows[start : start + 50_000])
    return len(rows)
