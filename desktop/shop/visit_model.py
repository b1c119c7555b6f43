"""The BG/NBD model fitted to the shop's own customers (their maintained visit days) and kept in
a setting, with each customer's drift day (after it the model calls them probably gone): a
background worker calls `fit_needed` and `refit`; lists read what is stored and never wait.

scipy takes a third of a second to load, so the fit imports it when it runs: a sale, which
refreshes one drift day, needs numpy alone.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime
from itertools import chain

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from desktop.shop.bgnbd import (
    WEEK,
    Params,
    Summary,
    drift_days,
    fit,
)
from desktop.shop.lapsed import get_rules
from desktop.store.models import Setting, utc_now
from desktop.store.models_reminders import CustomerRhythm
from desktop.store.shopfile import ShopDatabase

FIT_KEY = "lapsed.model"


@dataclass(frozen=True)
class FitResult:
    """The model as last fitted to the shop's customers, kept in a setting: `params` is None
    (and `reason` says why) when the history could not carry the model."""

    params: Params | None
    reason: str
    customers: int
    repeat_customers: int
    log_likelihood: float | None
    fingerprint: str  # of the data it was fitted to, see `data_fingerprint`
    fitted_for: date  # the day T was measured to
    fitted_at: datetime
    seconds: float

    @property
    def usable(self) -> bool:
        return self.params is not None


def visit_summary(session: Session, today: date) -> tuple[NDArray[np.int64], Summary]:
    """(customer ids, summary) of every customer who bought, from their maintained visit days:
    x = visit days - 1, t_x = first to last visit day, T = first visit day to `today`."""
    # Core rows (no ORM bookkeeping), flattened into numpy: it reads Row objects one by one,
    # a hundred times slower.
    rows = (
        session.connection()
        .execute(
            select(
                CustomerRhythm.customer_id,
                CustomerRhythm.visit_days,
                CustomerRhythm.first_day,
                CustomerRhythm.last_day,
            )
        )
        .all()
    )
    table = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows))
    table = table.reshape(-1, 4)
    ids, visit_days, first, last = table.T
    span = last - first
    # A sale dated after `today` (the till allows a day ahead) still leaves T ≥ t_x.
    observed = np.maximum(today.toordinal() - first, span)
    return ids, Summary.of(visit_days - 1, span / WEEK, observed / WEEK)


def data_fingerprint(session: Session) -> str:
    """Changes whenever a customer's visit days do (a sale, a void, a merge)."""
    count, visits, first, last = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(CustomerRhythm.visit_days), 0),
            func.coalesce(func.sum(CustomerRhythm.first_day), 0),
            func.coalesce(func.sum(CustomerRhythm.last_day), 0),
        )
    ).one()
    return f"{count}:{visits}:{first}:{last}"


def current_fit(session: Session) -> FitResult | None:
    """The last fit stored, however old; None before the first."""
    row = session.get(Setting, FIT_KEY)
    if row is None:
        return None
    stored = json.loads(row.value)
    params = stored["params"]
    return FitResult(
        params=Params(**params) if params else None,
        reason=stored["reason"],
        customers=stored["customers"],
        repeat_customers=stored["repeat_customers"],
        log_likelihood=stored["log_likelihood"],
        fingerprint=stored["fingerprint"],
        fitted_for=date.fromisoformat(stored["fitted_for"]),
        fitted_at=datetime.fromisoformat(stored["fitted_at"]),
        seconds=stored["seconds"],
    )


def fit_needed(session: Session, *, today: date | None = None) -> bool:
    """Whether the stored fit is missing, from another day, or for data that has changed."""
    stored = current_fit(session)
    return (
        stored is None
        or stored.fitted_for != (today or date.today())
        or stored.fingerprint != data_fingerprint(session)
    )


def fit_shop(session: Session, *, today: date | None = None) -> FitResult:
    """Fit the model to the shop's customers as of `today` (default: the local date)."""
    today = today or date.today()
    fingerprint = data_fingerprint(session)
    _, summary = visit_summary(session, today)
    started = time.perf_counter()
    outcome = fit(summary)
    return FitResult(
        params=outcome.params,
        reason=outcome.reason,
        customers=outcome.customers,
        repeat_customers=outcome.repeat_customers,
        log_likelihood=outcome.log_likelihood,
        fingerprint=fingerprint,
        fitted_for=today,
        fitted_at=utc_now(),
        seconds=time.perf_counter() - started,
    )


def store_fit(session: Session, result: FitResult) -> None:
    """Keep `result` as the shop's current fit."""
    value = {
        "params": None if result.params is None else asdict(result.params),
        "reason": result.reason,
        "customers": result.customers,
        "repeat_customers": result.repeat_customers,
        "log_likelihood": result.log_likelihood,
        "fingerprint": result.fingerprint,
        "fitted_for": result.fitted_for.isoformat(),
        "fitted_at": result.fitted_at.isoformat(),
        "seconds": result.seconds,
    }
    session.merge(Setting(key=FIT_KEY, value=json.dumps(value)))


def store_drift_days(session: Session, params: Params | None, below: float) -> None:
    """Every returning customer's drift day under `params` (none without a usable fit)."""
    if params is None:
        session.execute(update(CustomerRhythm).values(drift_day=None))
        return
    rows = (
        session.connection()
        .execute(
            select(
                CustomerRhythm.customer_id,
                CustomerRhythm.visit_days,
                CustomerRhythm.first_day,
                CustomerRhythm.last_day,
                func.coalesce(CustomerRhythm.drift_day, 0),  # no date is day 0
            ).where(CustomerRhythm.visit_days > 1)
        )
        .all()
    )
    table = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=5 * len(rows))
    ids, visit_days, first, last, stored = table.reshape(-1, 5).T
    days = drift_days(params, below, visit_days, first, last)
    # A refit moves few days by a whole day: write only those (the write lock is shared).
    changed = days != stored
    if changed.any():
        session.connection().execute(
            update(CustomerRhythm)
            .where(CustomerRhythm.customer_id == bindparam("row_id"))
            .values(drift_day=bindparam("row_drift_day")),
            [
                {"row_id": key, "row_drift_day": day}
                for key, day in zip(ids[changed].tolist(), days[changed].tolist(), strict=True)
            ],
        )


def refit(shop: ShopDatabase, *, today: date | None = None) -> FitResult:
    """Fit afresh and store the fit with every drift day: for a background worker. Reads in
    one session and writes in a short second one, so the tills are not held up by the fit."""
    with shop.read() as session:
        result = fit_shop(session, today=today)
    with shop.write() as session:
        store_fit(session, result)
        store_drift_days(session, result.params, get_rules(session).alive_below)
    return result
