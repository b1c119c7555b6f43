"""Loyalty figures: a member's balance with a million ledger rows in the shop, the expiry run
over 100,000 members, and the counter's and the page's reads on the same shop."""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import Spread
from desktop.shop.codes import new_code
from desktop.shop.loyalty import loyalty_figures, member_summary
from desktop.shop.loyalty_expiry import expire_points, members_about_to_expire
from desktop.shop.loyalty_ledger import member_balance, post_entry
from desktop.shop.loyalty_members import CARD_LENGTH
from desktop.shop.loyalty_rules import Programme, add_months, save_programme
from desktop.shop.rewards import RewardInput, add_reward
from desktop.store.bulk import BulkLoader, bulk_load
from desktop.store.models import Customer
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase, open_shop

# (measurement, figure, target, baseline, passed): `benchmarks.Row`'s fields in order.
BenchRow = tuple[str, str, str, str, bool | None]
TARGET_BALANCE = 0.005
TARGET_EXPIRY = 2.0
MEMBERS = 100_000
ENTRIES_PER_MEMBER = 10
LOOKUPS = 1000
LOOP_SAMPLE = 5000
EXPIRY_MONTHS = 12
_NAMES = ("Zoë", "Łukasz", "Ελένη", "Дмитрий", "李雷", "Amara", "Siobhán", "Jürgen")
_DAY = 86_400


CUSTOMER_COLUMNS = (
    "id",
    "name",
    "sort_name",
    "search_text",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "postcode_key",
    "country",
    "notes",
    "email_marketing",
    "post_marketing",
    "visit_count",
    "total_spent",
    "created_at",
    "last_seen_at",
)
ENTRY_COLUMNS = (
    "id",
    "account_id",
    "sequence",
    "kind",
    "points",
    "balance_after",
    "reason",
    "created_at",
)
ACCOUNT_COLUMNS = ("id", "customer_id", "card_number", "enrolled_at", "balance", "version")


def _load(loader: BulkLoader, members: int, per_member: int, rng: random.Random) -> None:
    now = int(datetime.now(UTC).timestamp())
    created = loader.stored_time(now - 4 * 365 * _DAY)
    customers = []
    for number in range(1, members + 1):
        name = f"{_NAMES[number % len(_NAMES)]} {number}"
        # Last visits spread over three years: about two thirds of members are due to expire.
        seen = loader.stored_time(now - rng.randrange(3 * 365 * _DAY))
        blank = ("", "", "", "", "", "", "GB", "")
        customers.append((number, name, name.casefold(), *blank, 0, 0, 5, 0, created, seen))
    loader.insert(Customer, CUSTOMER_COLUMNS, customers)
    cards: set[str] = set()
    while len(cards) < members:
        cards.add(new_code(CARD_LENGTH))
    accounts: list[tuple[object, ...]] = []
    entries: list[tuple[object, ...]] = []
    for number, card in enumerate(sorted(cards), start=1):
        joined = now - 3 * 365 * _DAY - rng.randrange(365 * _DAY)
        balance = 0
        for sequence in range(1, per_member + 1):
            points = rng.randrange(1, 50)
            balance += points
            when = loader.stored_time(joined + sequence * _DAY)
            entries.append(
                (len(entries) + 1, number, sequence, "earn", points, balance, "Purchase", when)
            )
        accounts.append((number, number, card, loader.stored_time(joined), balance, per_member))
    loader.insert(LoyaltyAccount, ACCOUNT_COLUMNS, accounts)
    loader.insert(LoyaltyEntry, ENTRY_COLUMNS, entries)


def build_shop(path: Path, members: int, per_member: int, seed: int = 7) -> ShopDatabase:
    """A shop of `members` members with `per_member` ledger rows each, loaded in bulk."""
    shop = open_shop(path, backups=path.parent / "backups")
    with shop.write() as session:
        save_programme(session, Programme(expiry_months=EXPIRY_MONTHS))
        for name, cost, amount in (("Cake", 100, 300), ("Tote", 500, 1200), ("Hamper", 2000, 5000)):
            add_reward(session, RewardInput(name, cost, "amount", amount=amount))
        with bulk_load(session.connection()) as loader:
            _load(loader, members, per_member, random.Random(seed))
    return shop


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _balance_lookups(shop: ShopDatabase, members: int, rng: random.Random) -> list[float]:
    ids = [rng.randrange(1, members + 1) for _ in range(LOOKUPS)]
    times = []
    with shop.read() as session:
        for customer_id in ids:
            times.append(_timed(lambda c=customer_id: member_balance(session, c)))  # type: ignore[misc]
    return times


def _derived_lookups(shop: ShopDatabase, members: int, rng: random.Random) -> list[float]:
    """The baseline: each balance summed from the member's ledger rows."""
    ids = [rng.randrange(1, members + 1) for _ in range(LOOKUPS)]
    statement = select(func.sum(LoyaltyEntry.points)).join(LoyaltyAccount)
    times = []
    with shop.read() as session:
        for customer_id in ids:
            query = statement.where(LoyaltyAccount.customer_id == customer_id)
            times.append(_timed(lambda q=query: session.scalar(q)))  # type: ignore[misc]
    return times


def _loop_expiry_seconds(shop: ShopDatabase, members: int, today: date) -> float:
    """The baseline: a Python loop over members, one entry each, over a sample, scaled up and
    rolled back."""
    cutoff = datetime.combine(add_months(today, -EXPIRY_MONTHS), datetime.min.time(), UTC)
    session = shop.writer()
    try:
        started = time.perf_counter()
        accounts = session.scalars(
            select(LoyaltyAccount).where(LoyaltyAccount.id <= LOOP_SAMPLE)
        ).all()
        for account in accounts:
            customer = session.get(Customer, account.customer_id)
            if customer and customer.last_seen_at and customer.last_seen_at < cutoff:
                post_entry(session, account, "expire", -account.balance, reason="No visit")
        elapsed = time.perf_counter() - started
    finally:
        session.rollback()
        session.close()
    return elapsed * members / min(LOOP_SAMPLE, members)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def run_loyalty_bench(
    members: int = MEMBERS, per_member: int = ENTRIES_PER_MEMBER
) -> list[BenchRow]:
    """The loyalty rows on a shop of `members` members with `per_member` ledger rows each."""
    rng = random.Random(11)
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-loyalty-") as folder:
        started = time.perf_counter()
        shop = build_shop(Path(folder) / "loyalty.aftercare", members, per_member)
        built = time.perf_counter() - started
        try:
            _balance_lookups(shop, members, rng)  # warm the page cache
            ours = Spread.of(_balance_lookups(shop, members, rng))
            derived = Spread.of(_derived_lookups(shop, members, rng))
            with shop.read() as session:
                summary = Spread.of(
                    [_timed(lambda: member_summary(session, 42)) for _ in range(20)]
                )
                page = _timed(lambda: loyalty_figures(session, today))
            loop = _loop_expiry_seconds(shop, members, today)
            with shop.write() as session:
                started = time.perf_counter()
                expired = expire_points(session, today)
            run = time.perf_counter() - started
            with shop.read() as session:
                nudge = _timed(lambda: members_about_to_expire(session, 30, today=today))
        finally:
            shop.close()
    rows = members * per_member
    return [
        (
            f"Loyalty: build {members:,} members, {rows:,} ledger rows",
            f"{built:.1f} s",
            "",
            "",
            None,
        ),
        (
            f"A member's balance, {rows:,} ledger rows in the shop",
            ours.ms(),
            f"p95 ≤ {TARGET_BALANCE * 1000:.0f} ms",
            f"p50 {derived.p50 * 1000:.2f} ms summing the member's rows",
            ours.p95 <= TARGET_BALANCE,
        ),
        ("A member's summary (balance, tier, rewards, 20 entries)", summary.ms(), "", "", None),
        (
            f"Expiry run over {members:,} members ({expired:,} expired), with commit",
            f"{run:.2f} s",
            f"≤ {TARGET_EXPIRY:.0f} s",
            f"{loop:.1f} s for a Python loop (from {min(LOOP_SAMPLE, members):,} members)",
            run <= TARGET_EXPIRY,
        ),
        ("Members about to lose points within 30 days, after the run", _ms(nudge), "", "", None),
        ("Loyalty page figures", _ms(page), "", "", None),
    ]


if __name__ == "__main__":
    for row in run_loyalty_bench():
        print(" | ".join(row[:4]))
