"""Opening a shop file: new, empty, old, read-only; where its backups go."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from desktop.errors import describe_error
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.store import migrate
from desktop.store.backup import BACKUP_SUFFIX
from desktop.store.engine import make_engine
from desktop.store.locations import backup_dir
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase, open_shop


def _count(shop: ShopDatabase) -> int:
    with shop.read() as session:
        return session.scalar(select(func.count()).select_from(Customer)) or 0


def _old_file(path: Path) -> str:
    """A file at the first revision with one customer in it; returns that revision."""
    first = min(migrate.known_revisions())
    engine = make_engine(path)
    migrate.upgrade(engine, first)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO customer (name, sort_name, search_text, address_line1, address_line2,"
            " town, postcode, postcode_key, country, notes, created_at, email_marketing,"
            " post_marketing, visit_count, total_spent) VALUES ('Zoë', 'zoe', 'zoe', '', '', '',"
            " '', '', 'GB', '', '2025-06-01', 0, 0, 0, 0)"
        )
    engine.dispose()
    return first


def test_a_new_shop_file_is_made_in_a_new_folder_ready_to_use(tmp_path: Path) -> None:
    path = tmp_path / "Ελένη" / "Κεραμικά" / "shop.aftercare"
    shop = open_shop(path)
    try:
        assert shop.path == path and not shop.read_only
        assert migrate.current_revision(shop.engine) == migrate.head_revision()
        with shop.write() as session:
            create_customer(session, CustomerDetails(name="Ελένη Παπαδοπούλου"))
        assert _count(shop) == 1
    finally:
        shop.close()


def test_an_empty_file_becomes_a_shop(tmp_path: Path) -> None:
    path = tmp_path / "shop.aftercare"
    path.touch()
    shop = open_shop(path)
    assert migrate.current_revision(shop.engine) == migrate.head_revision()
    shop.close()


def test_what_was_written_is_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "shop.aftercare"
    shop = open_shop(path)
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="李雷"))
    shop.close()
    again = open_shop(path)
    with again.read() as session:
        assert session.scalars(select(Customer.name)).all() == ["李雷"]
    again.close()


def test_reading_only_leaves_an_old_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.aftercare"
    first = _old_file(path)
    before = path.read_bytes()
    shop = open_shop(path, read_only=True)
    try:
        assert shop.read_only
        assert migrate.current_revision(shop.engine) == first
        assert _count(shop) == 1
    finally:
        shop.close()
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_read_only_shop_refuses_changes_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "shop.aftercare"
    open_shop(path).close()
    shop = open_shop(path, read_only=True)
    with pytest.raises(OperationalError) as caught, shop.write() as session:
        create_customer(session, CustomerDetails(name="Дмитрий"))
    shop.close()
    assert describe_error(caught.value) == (
        "The shop file is open for reading only, so nothing can be changed."
    )


def test_without_a_backup_folder_the_upgrade_backup_goes_to_the_users_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Łukasz corner shop.aftercare"
    first = _old_file(path)
    open_shop(path).close()
    (made,) = backup_dir(path).glob(f"*-before-upgrade{BACKUP_SUFFIX}")
    copy = sqlite3.connect(made)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (first,)
    assert copy.execute("SELECT name FROM customer").fetchall() == [("Zoë",)]
    copy.close()


@pytest.mark.parametrize("folder", ["Shop? #1", "100% Zoë's"])
def test_a_folder_name_with_url_characters_opens_and_reopens_read_only(
    tmp_path: Path, folder: str
) -> None:
    path = tmp_path / folder / "shop.aftercare"
    path.parent.mkdir()
    with open_shop(path).write() as session:
        create_customer(session, CustomerDetails(name="李雷"))
    assert path.exists()
    shop = open_shop(path, read_only=True)
    with shop.read() as session:
        assert session.scalar(select(Customer.name)) == "李雷"
    shop.close()


def test_reading_a_missing_file_says_there_is_none(tmp_path: Path) -> None:
    with pytest.raises(migrate.NotAShopFile, match="There is no shop file"):
        open_shop(tmp_path / "gone.aftercare", read_only=True)
    assert not (tmp_path / "gone.aftercare").exists()


def test_two_shops_with_the_same_file_name_keep_separate_backups(tmp_path: Path) -> None:
    first = tmp_path / "Bath" / "shop.aftercare"
    second = tmp_path / "Bristol" / "shop.aftercare"
    assert backup_dir(first) != backup_dir(second)
    assert backup_dir(first) == backup_dir(tmp_path / "Bath" / ".." / "Bath" / "shop.aftercare")
    assert backup_dir(first).name.startswith("shop-")
