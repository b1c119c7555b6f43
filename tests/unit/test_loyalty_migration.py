"""Migration 0004 adds the loyalty tables to a file that has customers, and takes them away."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.loyalty_members import enrol
from desktop.store import migrate
from desktop.store.engine import make_engine
from desktop.store.shopfile import open_shop

LOYALTY_TABLES = {"loyalty_account", "loyalty_entry", "reward", "reward_poll_answer"}


def _tables(path: Path) -> set[str]:
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_an_older_shop_gains_the_loyalty_tables_and_its_customers_can_join(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.aftercare"
    engine = make_engine(path)
    migrate.upgrade(engine, "0003")
    engine.dispose()
    assert not LOYALTY_TABLES & _tables(path)
    shop = open_shop(path, backups=tmp_path / "backups")
    try:
        with shop.write() as session:
            zoe = create_customer(session, CustomerDetails(name="Zoë")).id
        with shop.write() as session:
            assert enrol(session, zoe).customer_id == zoe
    finally:
        shop.close()
    assert _tables(path) >= LOYALTY_TABLES


def test_the_loyalty_migration_can_be_undone(tmp_path: Path) -> None:
    path = tmp_path / "shop.aftercare"
    open_shop(path, backups=tmp_path / "backups").close()
    engine = make_engine(path)
    try:
        with engine.begin() as connection:
            command.downgrade(migrate._config(connection), "0003")
    finally:
        engine.dispose()
    tables = _tables(path)
    assert not LOYALTY_TABLES & tables and "customer" in tables
