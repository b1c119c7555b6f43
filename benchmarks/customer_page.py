"""A customer's page: everything it shows, for random customers and the busiest ones."""

from __future__ import annotations

import random
import time

from sqlalchemy import func, select

from benchmarks import Context, Row, Spread, bench
from benchmarks.sample_shop import sample_shop
from desktop.shop.history import customer_overview
from desktop.store.models import Customer
from desktop.store.shopfile import open_shop

PAGES = 200
BUSIEST = 20
TARGET = 0.050


@bench("customer-page")
def customer_page(context: Context) -> list[Row]:
    shop = open_shop(sample_shop(context))
    rng = random.Random(context.seed)
    try:
        with shop.read() as session:
            busiest = list(
                session.scalars(
                    select(Customer.id).order_by(Customer.visit_count.desc()).limit(BUSIEST)
                )
            )
            highest = session.scalar(select(func.max(Customer.id))) or 0
            most_visits = session.scalar(select(func.max(Customer.visit_count)))
        chosen = busiest + [rng.randint(1, highest) for _ in range(PAGES - len(busiest))]
        seconds = []
        for customer_id in chosen:
            started = time.perf_counter()
            with shop.read() as session:
                customer_overview(session, customer_id)
            seconds.append(time.perf_counter() - started)
    finally:
        shop.close()
    spread = Spread.of(seconds)
    return [
        Row(
            f"Customer page: history.customer_overview, {PAGES} customers "
            f"(incl. the {BUSIEST} busiest, up to {most_visits} purchases)",
            spread.ms(),
            f"p95 ≤ {TARGET * 1000:.0f} ms",
            "",
            spread.p95 <= TARGET,
        )
    ]
