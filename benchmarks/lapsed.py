"""Not seen lately on the large sample shop: the list by each rule, the BG/NBD fit, the counts
a page and the segments show; against a naive GROUP BY over every purchase.

Runs on a copy of the sample shop, since fitting stores the fit and each customer's drift day.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import Context, Row, Spread, bench
from benchmarks.sample_shop import sample_shop
from desktop.shop import lapsed, segments, visit_model
from desktop.store.backup import backup_to
from desktop.store.models import Category, Customer, Purchase
from desktop.store.models_reminders import CustomerRhythm
from desktop.store.shopfile import ShopDatabase, open_shop

LIST_TARGET = 0.100
FIT_TARGET = 2.0
LIST_RUNS = 30
PAGE = 50


def _best(runs: int, work: Callable[[], object]) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def _naive_list(shop: ShopDatabase) -> float:
    """The list as a first attempt would make it: every purchase grouped per customer."""
    cutoff = datetime.now(UTC) - timedelta(days=lapsed.LapsedRules().threshold_days)
    last = func.max(Purchase.purchased_at)
    statement = (
        select(Purchase.customer_id, last, func.count(), func.sum(Purchase.total))
        .where(Purchase.customer_id.is_not(None), Purchase.voided_at.is_(None))
        .group_by(Purchase.customer_id)
        .having(last < cutoff)
        .order_by(func.sum(Purchase.total).desc(), func.count().desc())
        .limit(PAGE)
    )

    def run() -> None:
        with shop.read() as session:
            session.execute(statement).all()

    return _best(3, run)


def _list_rows(shop: ShopDatabase, customers: int, baseline: float) -> list[Row]:
    rows = []
    for rule in lapsed.RULES:
        seconds = []
        for _ in range(LIST_RUNS):
            started = time.perf_counter()
            with shop.read() as session:
                listed = lapsed.not_seen_lately(session, rule, limit=PAGE)
            seconds.append(time.perf_counter() - started)
        spread = Spread.of(seconds[1:])  # the first loads numpy and scipy
        with shop.read() as session:
            flagged = lapsed.count_not_seen_lately(session, listed.used)
        rows.append(
            Row(
                f"Not seen lately, by {rule}: first {PAGE} of {flagged:,} "
                f"({customers:,} customers)",
                spread.ms(),
                f"≤ {LIST_TARGET * 1000:.0f} ms",
                f"GROUP BY over purchases {baseline * 1000:.0f} ms",
                spread.max <= LIST_TARGET,
            )
        )
    return rows


def _fit_rows(shop: ShopDatabase) -> list[Row]:
    def fit() -> None:
        with shop.read() as session:
            visit_model.fit_shop(session)

    fitting = _best(3, fit)
    started = time.perf_counter()
    result = visit_model.refit(shop)
    refitting = time.perf_counter() - started
    params = result.params
    found = (
        f"r {params.r:.3g}, alpha {params.alpha:.3g}, a {params.a:.3g}, b {params.b:.3g}"
        if params
        else result.reason
    )
    return [
        Row(
            f"BG/NBD fit, {result.customers:,} customers (visit days read + fit): {found}",
            f"{fitting:.2f} s",
            f"≤ {FIT_TARGET:.0f} s",
            "",
            fitting <= FIT_TARGET,
        ),
        Row("Refit in the background, drift days stored with it", f"{refitting:.2f} s"),
    ]


def _count_rows(shop: ShopDatabase) -> list[Row]:
    with shop.read() as session:
        tea = session.scalar(select(Category.id).order_by(Category.id).limit(1))
    definitions: list[segments.Definition] = [
        {"kind": "not_seen_lately", "rule": "rhythm"},
        {"kind": "overdue"},
        {"kind": "birthday_this_month"},
        {
            "kind": "all_of",
            "parts": [
                {"kind": "not_seen_lately", "rule": "model"},
                {"kind": "bought_from_category", "category_id": tea},
            ],
        },
    ]
    rows = []
    for definition in definitions:
        counted = 0

        def count(definition: segments.Definition = definition) -> None:
            nonlocal counted
            with shop.read() as session:
                counted = segments.segment_count(session, definition)

        seconds = _best(3, count)
        with shop.read() as session:
            words = segments.describe(session, definition)
        rows.append(Row(f"Segment count: {words} ({counted:,})", f"{seconds * 1000:.0f} ms"))
    return rows


@bench("lapsed")
def lapsed_bench(context: Context) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="aftercare-lapsed-") as folder:
        copy = Path(folder) / "lapsed.aftercare"
        # Read-only: a sample shop that went missing must not come back as a new, empty one.
        source = open_shop(sample_shop(context), read_only=True)
        try:
            backup_to(source.engine, copy)
        finally:
            source.close()
        shop = open_shop(copy, backups=Path(folder) / "backups")
        try:
            with shop.read() as session:
                customers = session.scalar(select(func.count()).select_from(Customer)) or 0
                kept = session.scalar(select(func.count()).select_from(CustomerRhythm)) or 0
            if not kept:
                # A sample shop built before the demo kept visit days: count them once here.
                started = time.perf_counter()
                with shop.write() as session:
                    lapsed.refresh_all_rhythms(session)
                rows.append(
                    Row(
                        "Visit days counted for every customer (refresh_all_rhythms)",
                        f"{time.perf_counter() - started:.1f} s",
                    )
                )
            rows += _fit_rows(shop)
            rows += _list_rows(shop, customers, _naive_list(shop))
            rows += _count_rows(shop)
        finally:
            shop.close()
    return rows
