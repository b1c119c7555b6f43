"""The sample shop: believable, repeatable, and indistinguishable from data the app wrote itself."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import phonenumbers
import pytest
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from desktop.shop import demo
from desktop.shop.consent import consent_history
from desktop.shop.customer_months import refresh_customer_months
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.demo import PROFILE, DemoOptions, build_demo
from desktop.shop.directory import browse
from desktop.shop.errors import ShopError
from desktop.shop.lapsed import refresh_rhythm
from desktop.shop.purchases import (
    LineInput,
    PurchaseInput,
    record_purchase,
    refresh_customer_totals,
)
from desktop.shop.settings import ShopProfile, get_profile, save_profile
from desktop.shop.text import fold
from desktop.store.models import (
    Consent,
    Counter,
    Customer,
    Product,
    Purchase,
    PurchaseLine,
)
from desktop.store.models_feedback import CustomerMonth
from desktop.store.models_reminders import CustomerRhythm
from desktop.store.shopfile import ShopDatabase, open_shop
from tests.demo_shops import build_sample

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 6, 15)
SMALL = DemoOptions(customers=300, years=1, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopDatabase]:
    """One small sample shop, shared by the tests that only read it."""
    shop = build_sample(tmp_path_factory.mktemp("sample"), SMALL)
    yield shop
    shop.close()


def _digest(shop: ShopDatabase) -> str:
    """The customers and purchases exactly as stored (times as their stored text)."""
    digest = hashlib.sha256()
    with shop.read() as session:
        for model in (Customer, Consent, Purchase, PurchaseLine):
            columns = [
                cast(column, String) if column.name.endswith("_at") else column
                for column in model.__table__.columns
            ]
            for row in session.execute(select(*columns).order_by(*model.__table__.primary_key)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_gives_the_same_shop_and_another_seed_a_different_one(
    sample: ShopDatabase, tmp_path: Path
) -> None:
    again = build_sample(tmp_path / "again", SMALL)
    other = build_sample(
        tmp_path / "other", DemoOptions(customers=300, years=1, seed=8, today=TODAY)
    )
    try:
        assert _digest(again) == _digest(sample)
        assert _digest(other) != _digest(sample)
    finally:
        again.close()
        other.close()


def test_a_big_shop_worked_out_in_a_second_process_is_the_same_shop(
    sample: ShopDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "PARALLEL_FROM", 100)
    beside = build_sample(tmp_path, SMALL)
    try:
        assert _digest(beside) == _digest(sample)
    finally:
        beside.close()


def test_summary_counts_what_was_built(tmp_path: Path) -> None:
    shop = open_shop(tmp_path / "s.aftercare", backups=tmp_path / "backups")
    try:
        summary = build_demo(shop, DemoOptions(customers=120, years=1, seed=3, today=TODAY))
        with shop.read() as session:
            purchases = session.scalar(select(func.count()).select_from(Purchase))
            customers = session.scalar(select(func.count()).select_from(Customer))
    finally:
        shop.close()
    assert (summary.customers, summary.purchases) == (customers, purchases) == (120, purchases)
    assert str(summary) == f"Sample shop: 120 customers, {purchases:,} purchases over 1 year"


def test_history_ends_before_the_chosen_day_but_for_its_parcels(sample: ShopDatabase) -> None:
    start = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    with sample.read() as session:
        first, last = session.execute(
            select(func.min(Purchase.purchased_at), func.max(Purchase.purchased_at)).where(
                Purchase.purchased_at < start
            )
        ).one()
        parcels = session.scalars(select(Purchase).where(Purchase.purchased_at >= start)).all()
    # The morning's online orders wait to be packed, their inserts not printed yet.
    assert parcels
    assert all(p.channel == "online" and p.insert_printed_at is None for p in parcels)
    assert last > start - timedelta(days=3)
    assert first >= start - timedelta(days=366)


def test_derived_columns_equal_what_the_shop_itself_computes(sample: ShopDatabase) -> None:
    derived = (
        Customer.id,
        cast(Customer.first_seen_at, String),
        cast(Customer.last_seen_at, String),
        Customer.visit_count,
        Customer.total_spent,
    )
    with sample.writer() as session:
        before = session.execute(select(*derived).order_by(Customer.id)).all()
        for customer_id in session.scalars(select(Customer.id)).all():
            refresh_customer_totals(session, customer_id)
        after = session.execute(select(*derived).order_by(Customer.id)).all()
        session.rollback()  # the shared sample stays as built
    assert before == after
    assert any(row.visit_count > 0 for row in after)


def test_tables_other_capabilities_derive_are_filled_as_their_own_refresh_fills_them(
    sample: ShopDatabase,
) -> None:
    def snapshot(session: Session) -> list[tuple[object, ...]]:
        rhythms = session.execute(select(*CustomerRhythm.__table__.columns).order_by("customer_id"))
        months = session.execute(
            select(*CustomerMonth.__table__.columns).order_by("customer_id", "month")
        )
        return [*map(tuple, rhythms), *map(tuple, months)]

    with sample.writer() as session:
        before = snapshot(session)
        for customer_id in session.scalars(select(Customer.id)).all():
            refresh_rhythm(session, customer_id)
            refresh_customer_months(session, customer_id)
        after = snapshot(session)
        session.rollback()  # the shared sample stays as built
    assert before == after
    assert len(before) > 300


def test_voided_purchases_are_kept_with_a_reason_and_left_out_of_totals(
    sample: ShopDatabase,
) -> None:
    with sample.read() as session:
        voided = session.scalars(select(Purchase).where(Purchase.voided_at.is_not(None))).all()
        assert voided
        assert all(p.void_reason and p.voided_at > p.purchased_at for p in voided)
        # Totals already matched refresh_customer_totals above; a voided sale is in the history.
        someone = voided[0]
        live = session.scalar(
            select(func.count()).where(
                Purchase.customer_id == someone.customer_id, Purchase.voided_at.is_(None)
            )
        )
        customer = session.get(Customer, someone.customer_id)
        assert customer is not None and customer.visit_count == live


def test_purchases_have_catalogue_lines_unique_references_and_every_channel(
    sample: ShopDatabase,
) -> None:
    with sample.read() as session:
        purchases = session.scalars(select(Purchase)).all()
        lines = session.scalars(select(PurchaseLine)).all()
        products = {p.id: p for p in session.scalars(select(Product))}
        counter = session.get(Counter, "purchase")
    assert len(products) >= 55
    assert all(p.sku for p in products.values())
    assert len({p.reference for p in purchases}) == len(purchases)
    assert {p.channel for p in purchases} == {"in_shop", "online", "phone"}
    per_purchase: dict[int, list[PurchaseLine]] = {}
    for line in lines:
        per_purchase.setdefault(line.purchase_id, []).append(line)
        product = products[line.product_id or 0]
        assert line.category_id == product.category_id
        assert line.description == product.name
        assert line.unit_price == product.unit_price
    assert {len(found) for found in per_purchase.values()} == {1, 2, 3, 4}
    assert all(
        p.total + p.discount == sum(line.quantity * line.unit_price for line in per_purchase[p.id])
        for p in purchases
    )
    assert counter is not None and counter.value == len(purchases)


def test_a_new_sale_after_the_demo_gets_the_next_free_reference(tmp_path: Path) -> None:
    shop = build_sample(tmp_path, DemoOptions(customers=40, years=1, seed=2))
    try:
        with shop.write() as session:
            count = session.scalar(select(func.count()).select_from(Purchase)) or 0
            sale = record_purchase(
                session, PurchaseInput(lines=[LineInput("Mug", 1, 1800)], customer_id=1)
            )
        assert sale.reference == f"P-{count + 1:06d}"
    finally:
        shop.close()


def test_customers_are_believable(sample: ShopDatabase) -> None:
    with sample.read() as session:
        customers = session.scalars(select(Customer)).all()
    names = " ".join(c.name for c in customers)
    scripts = {unicodedata.name(ch).split()[0] for ch in names if ch.isalpha()}
    assert {"LATIN", "GREEK", "CYRILLIC", "CJK"} <= scripts
    assert any(ch in names for ch in "éëøáłóçñüö")
    with_email = [c for c in customers if c.email]
    with_phone = [c for c in customers if c.phone]
    with_address = [c for c in customers if c.address_line1]
    for share in (with_email, with_phone, with_address):
        assert 0.5 * len(customers) < len(share) < 0.95 * len(customers)
    assert len({c.email_key for c in with_email}) == len(with_email)
    assert all(
        c.email
        and c.email.split("@")[1].endswith(
            ("example.com", "example.org", "example.net", ".example")
        )
        for c in with_email
    )
    for customer in with_phone:
        number = phonenumbers.parse(customer.phone_key)
        assert phonenumbers.is_valid_number(number), customer.phone
        assert phonenumbers.region_code_for_number(number) == "GB"
    for customer in with_address:
        assert customer.town and customer.postcode_key == customer.postcode.replace(" ", "")
    assert any(c.birth_day for c in customers)
    assert all(c.sort_name == fold(c.name) for c in customers)


def test_consents_are_in_the_ledger_and_match_the_flags(sample: ShopDatabase) -> None:
    with sample.read() as session:
        customers = session.scalars(select(Customer)).all()
        for customer in customers:
            history = consent_history(session, customer.id)
            for channel, flag in (
                ("email", customer.email_marketing),
                ("post", customer.post_marketing),
            ):
                latest = next((c for c in history if c.channel == channel), None)
                assert flag == (latest is not None and latest.granted)
            assert all(entry.wording and entry.source for entry in history)
            if customer.email_marketing:
                assert customer.email
            if customer.post_marketing:
                assert customer.address_line1 and customer.postcode
        withdrawn = session.scalar(select(func.count()).where(Consent.granted.is_(False)))
    emailable = [c for c in customers if c.email]
    share = sum(c.email_marketing for c in emailable) / len(emailable)
    assert 0.45 < share < 0.75
    assert 0.15 < sum(c.post_marketing for c in customers) / len(customers) < 0.35
    assert withdrawn


def test_regulars_one_off_buyers_and_lapsed_customers_are_all_there(
    sample: ShopDatabase,
) -> None:
    half_year_ago = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC) - timedelta(days=183)
    with sample.read() as session:
        customers = session.scalars(select(Customer)).all()
    regulars = [c for c in customers if c.visit_count >= 20]
    one_off = [c for c in customers if c.visit_count == 1]
    lapsed = [
        c
        for c in customers
        if c.visit_count >= 8 and c.last_seen_at is not None and c.last_seen_at < half_year_ago
    ]
    never = [c for c in customers if c.visit_count == 0]
    assert len(regulars) >= 3
    assert len(one_off) >= 30
    assert len(lapsed) >= 3
    assert never
    # Customer numbers follow the order people joined; buyers joined with their first purchase.
    joined = [c.created_at for c in sorted(customers, key=lambda c: c.id)]
    assert joined == sorted(joined)
    assert all(c.created_at <= c.first_seen_at for c in customers if c.first_seen_at)


def test_search_finds_sample_customers_by_folded_name(sample: ShopDatabase) -> None:
    with sample.read() as session:
        customers = session.scalars(select(Customer).order_by(Customer.id)).all()
        for customer in customers[::7]:
            typed = fold(customer.name)
            found = {row.id for row in browse(session, typed, limit=500).rows}
            assert customer.id in found, customer.name
        if apostrophes := [c for c in customers if "'" in c.name]:
            name = apostrophes[0]
            run_together = "".join(fold(name.name).replace("'", "").split()[-1:])
            found = {row.id for row in browse(session, run_together, limit=500).rows}
            assert name.id in found


def test_search_index_follows_new_customers_after_the_load(tmp_path: Path) -> None:
    shop = build_sample(tmp_path, DemoOptions(customers=40, years=1, seed=5))
    try:
        with shop.write() as session:
            added = create_customer(session, CustomerDetails(name="Łukasz Ó'Brien 🎉"))
        with shop.read() as session:
            assert [row.id for row in browse(session, "lukasz obrien").rows] == [added.id]
    finally:
        shop.close()


def test_profile_is_set_only_when_the_shop_has_none(sample: ShopDatabase, tmp_path: Path) -> None:
    with sample.read() as session:
        assert get_profile(session).name == PROFILE.name
    shop = open_shop(tmp_path / "own.aftercare", backups=tmp_path / "backups")
    try:
        with shop.write() as session:
            save_profile(session, ShopProfile(name="Zoë's Ceramics", currency="EUR"))
        build_demo(shop, DemoOptions(customers=20, years=1, seed=1))
        with shop.read() as session:
            assert get_profile(session).name == "Zoë's Ceramics"
            assert set(session.scalars(select(Purchase.currency))) == {"EUR"}
    finally:
        shop.close()


def test_refuses_a_shop_that_has_customers_of_its_own(shop: ShopDatabase) -> None:
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="Ελένη Παπαδοπούλου"))
    with pytest.raises(ShopError, match="already has customers"):
        build_demo(shop, DemoOptions(customers=20, years=1))
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
        assert session.scalar(select(func.count()).select_from(Purchase)) == 0
        assert session.scalar(select(func.count()).select_from(Product)) == 0


def _demo_command(path: Path, *, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "main.py", "demo", "--db", str(path), "--customers", "50"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_command_builds_a_shop_and_refuses_to_build_it_twice(tmp_path: Path) -> None:
    first = _demo_command(tmp_path / "a.aftercare", hash_seed="1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Sample shop: 50 customers, ")
    second = _demo_command(tmp_path / "a.aftercare")
    assert second.returncode != 0
    assert "already has customers" in second.stderr
    assert "Traceback" not in second.stderr
    # Same seed in another process (with other string hashing): the same rows.
    other = _demo_command(tmp_path / "b.aftercare", hash_seed="2")
    assert other.returncode == 0, other.stderr
    shops = [
        open_shop(tmp_path / name, backups=tmp_path / "b")
        for name in ("a.aftercare", "b.aftercare")
    ]
    try:
        assert _digest(shops[0]) == _digest(shops[1])
    finally:
        for shop in shops:
            shop.close()
