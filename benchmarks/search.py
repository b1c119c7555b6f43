"""Search as you type: random customers' names, emails and postcodes typed letter by letter."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable

from sqlalchemy import func, select

from benchmarks import Context, Row, Spread, bench
from benchmarks.qt_probe import run_probe
from benchmarks.sample_shop import sample_shop
from desktop.shop.directory import browse
from desktop.shop.text import words
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase, open_shop

KEYSTROKES = 1000
TARGET_P95 = 0.005


def keystrokes(shop: ShopDatabase, seed: int) -> list[str]:
    """What the search box holds after each key: at least KEYSTROKES of them."""
    rng = random.Random(seed)
    typed: list[str] = []
    with shop.read() as session:
        highest = session.scalar(select(func.max(Customer.id))) or 0
        while len(typed) < KEYSTROKES:
            customer = session.get(Customer, rng.randint(1, highest))
            if customer is None:
                continue
            field = rng.choices(("name", "email", "postcode"), (6, 2, 2))[0]
            text = getattr(customer, field) or customer.name
            typed += [text[:end] for end in range(1, len(text) + 1)]
    return typed


def _spread(typed: list[str], search: Callable[[str], object]) -> Spread:
    seconds = []
    for text in typed:
        started = time.perf_counter()
        search(text)
        seconds.append(time.perf_counter() - started)
    return Spread.of(seconds)


def _raw_fts(connection: sqlite3.Connection) -> Callable[[str], object]:
    """The floor: SQLite's FTS5 alone, the same words as prefixes, first 200 ids."""

    def search(text: str) -> object:
        query = " ".join('"' + word.replace('"', '""') + '"*' for word in words(text))
        return connection.execute(
            "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT 200", (query,)
        ).fetchall()

    return search


@bench("search")
def search_as_you_type(context: Context) -> list[Row]:
    path = sample_shop(context)
    shop = open_shop(path)
    raw = sqlite3.connect(path)
    try:
        typed = keystrokes(shop, context.seed)

        def directory_browse(text: str) -> object:
            with shop.read() as session:
                return browse(session, text)

        _spread(typed[:50], directory_browse)  # warm the page cache
        ours = _spread(typed, directory_browse)
        floor = _spread([t for t in typed if words(t)], _raw_fts(raw))
    finally:
        raw.close()
        shop.close()
    probe = run_probe("set-query", str(path), typed)
    table = Spread.of(probe.found["seconds"])
    rows = [
        Row(
            f"Search as you type: directory.browse, {ours.count:,} keystrokes",
            ours.ms(),
            f"p95 ≤ {TARGET_P95 * 1000:.0f} ms",
            f"raw FTS5 MATCH: p95 {floor.p95 * 1000:.2f} ms",
            ours.p95 <= TARGET_P95,
        ),
        Row(
            "Search as you type: CustomerTableModel.set_query, in a shown QTableView",
            table.ms(),
            f"p95 ≤ {TARGET_P95 * 1000:.0f} ms",
            "",
            table.p95 <= TARGET_P95,
        ),
    ]
    if probe.crash:
        rows.append(Row("The list's process ended cleanly", probe.crash, "exit code 0", "", False))
    return rows
