"""`check`: what it finds in sound, old, new, foreign and damaged files, without changing them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.store import migrate
from desktop.store.engine import make_engine
from desktop.store.health import check_shop
from desktop.store.shopfile import ShopDatabase, open_shop

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def closed_shop(tmp_path: Path) -> Path:
    """A shop file with customers, closed (so nothing but the test touches it)."""
    path = tmp_path / "Łukasz's shop.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    with shop.write() as session:
        for name in ["Zoë Ó'Brien", "Ελένη", "Дмитрий", "李雷", "Ana 🌸"]:
            create_customer(session, CustomerDetails(name=name, email=f"{len(name)}@example.com"))
    shop.close()
    return path


def _tamper(path: Path, *statements: str) -> None:
    """Change the file behind the app's back, as another program (or a bug) could."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=OFF")
    for statement in statements:
        connection.execute(statement)
    connection.close()


def test_a_sound_shop_says_so_in_plain_words(closed_shop: Path) -> None:
    report = check_shop(str(closed_shop))
    assert report.sound
    assert report.message.splitlines() == [
        "Łukasz's shop.aftercare is sound: integrity, links between records and search index "
        "check out.",
        f"Its schema ({migrate.head_revision()}) is current.",
    ]


def test_checking_changes_nothing_in_the_file(closed_shop: Path) -> None:
    before = closed_shop.read_bytes(), closed_shop.stat().st_mtime_ns
    assert check_shop(str(closed_shop)).sound
    assert (closed_shop.read_bytes(), closed_shop.stat().st_mtime_ns) == before


def test_a_shop_in_use_with_a_write_under_way_checks_sound(shop: ShopDatabase) -> None:
    assert shop.path is not None
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="Zoë"))
        assert check_shop(str(shop.path)).sound


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "There is no shop file at"),
        (lambda p: p.mkdir(), "is a folder, not a shop file"),
        (lambda p: p.write_bytes(b""), "is empty: it holds no shop yet"),
        (lambda p: p.write_bytes(PNG), "is not an Aftercare shop file (it isn't a database)"),
    ],
    ids=["missing", "folder", "empty", "photo"],
)
def test_what_is_not_a_shop_file_is_named_in_one_line(tmp_path: Path, make, words: str) -> None:
    path = tmp_path / "Дмитрий.aftercare"
    make(path)
    report = check_shop(str(path))
    assert not report.sound
    assert words in report.message
    assert len(report.message.splitlines()) == 1


def test_another_programs_database_is_not_a_shop(tmp_path: Path) -> None:
    path = tmp_path / "accounts.aftercare"
    _tamper(path, "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount REAL)")
    report = check_shop(str(path))
    assert (report.sound, report.message) == (
        False,
        "accounts.aftercare holds a database, but not an Aftercare shop.",
    )


def test_an_empty_database_holds_no_shop(tmp_path: Path) -> None:
    path = tmp_path / "new.aftercare"
    _tamper(path, "PRAGMA user_version=1")
    message = check_shop(str(path)).message
    assert message == "new.aftercare is an empty database: it holds no shop yet."


def test_a_shop_that_never_finished_being_made_is_not_sound(closed_shop: Path) -> None:
    _tamper(closed_shop, "DELETE FROM alembic_version")
    report = check_shop(str(closed_shop))
    assert (report.sound, report.message) == (
        False,
        "Łukasz's shop.aftercare has no schema revision: it isn't a complete Aftercare shop.",
    )


def test_damage_is_reported_in_one_line(closed_shop: Path) -> None:
    with closed_shop.open("r+b") as handle:
        for page in (3, 5, 8):
            handle.seek(page * 4096)
            handle.write(b"\x00\xff" * 2048)
    report = check_shop(str(closed_shop))
    assert not report.sound
    assert report.message.startswith("Łukasz's shop.aftercare is damaged: ")
    assert len(report.message.splitlines()) == 1


def test_an_older_schema_is_sound_and_needs_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.aftercare"
    engine = make_engine(path)
    first = min(migrate.known_revisions())
    migrate.upgrade(engine, first)
    engine.dispose()
    report = check_shop(str(path))
    assert report.sound
    assert (
        f"Its schema ({first}) needs upgrade to {migrate.head_revision()}: Aftercare does that "
        "when it opens the file, after a backup." in report.message.splitlines()
    )


def test_a_file_from_a_newer_aftercare_is_refused(closed_shop: Path) -> None:
    _tamper(closed_shop, "UPDATE alembic_version SET version_num = '9999_from_the_future'")
    report = check_shop(str(closed_shop))
    assert not report.sound
    assert report.message == (
        "Łukasz's shop.aftercare was saved by a newer version of Aftercare "
        "(schema 9999_from_the_future); please update Aftercare to use it."
    )


def test_records_linked_to_something_missing_are_counted(closed_shop: Path) -> None:
    _tamper(
        closed_shop,
        "INSERT INTO consent (customer_id, channel, granted, basis, source, wording, recorded_at)"
        " VALUES (404, 'email', 1, 'consent', 'counter', '', '2026-01-01')",
        "INSERT INTO consent (customer_id, channel, granted, basis, source, wording, recorded_at)"
        " VALUES (405, 'post', 1, 'consent', 'counter', '', '2026-01-01')",
    )
    report = check_shop(str(closed_shop))
    assert not report.sound
    assert report.message.splitlines() == [
        "consent has 2 records linked to a customer that no longer exists.",
        f"Its schema ({migrate.head_revision()}) is current.",
    ]


def test_a_search_index_out_of_step_is_found(closed_shop: Path) -> None:
    # Un-index one customer, as a bulk load that skipped the triggers would leave it.
    _tamper(
        closed_shop,
        "INSERT INTO customer_fts(customer_fts, rowid, search_text) "
        "SELECT 'delete', id, search_text FROM customer WHERE name = 'Ελένη'",
    )
    report = check_shop(str(closed_shop))
    assert not report.sound
    assert report.message.splitlines()[0] == (
        "The customer search index is out of step: some customers won't be found."
    )


def test_a_missing_search_index_is_found(closed_shop: Path) -> None:
    _tamper(closed_shop, "DROP TABLE customer_fts")
    report = check_shop(str(closed_shop))
    assert not report.sound
    assert "The customer search index is missing: searches will fail." in report.message


def test_a_server_database_is_left_to_its_own_tools() -> None:
    report = check_shop("postgresql://till@localhost/shop")
    assert not report.sound
    assert "server database" in report.message
