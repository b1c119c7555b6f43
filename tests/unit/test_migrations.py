"""The migration chain: it makes the models' schema, upgrades old files with their data, backs
them up first, and refuses files it doesn't know or that are damaged."""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import desktop.store
from desktop.shop.directory import browse
from desktop.store import migrate
from desktop.store.backup import BACKUP_SUFFIX, make_backup
from desktop.store.engine import make_engine
from desktop.store.health import check_shop
from desktop.store.models import Base
from desktop.store.shopfile import DamagedShopFile, open_shop

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 300
SEARCH_INDEX = {
    ("customer_fts", "table"),
    ("customer_fts_ai", "trigger"),
    ("customer_fts_ad", "trigger"),
    ("customer_fts_au", "trigger"),
}


def _all_models() -> None:
    """Import every models module, so the comparison sees every table whatever ran before."""
    for module in pkgutil.iter_modules(desktop.store.__path__):
        if module.name.startswith("models"):
            importlib.import_module(f"desktop.store.{module.name}")


def _schema_differences(engine: Engine) -> list[object]:
    _all_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                # The FTS5 index is made by search_index.py, not by the models.
                "include_name": lambda name, type_, _parent: (
                    not (type_ == "table" and name.startswith("customer_fts"))
                ),
            },
        )
        return list(compare_metadata(context, Base.metadata))


def _search_index_objects(path: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name, type FROM sqlite_master")
        return {(name, kind) for name, kind in rows} & SEARCH_INDEX
    finally:
        connection.close()


def _revisions_oldest_first() -> list[str]:
    script = ScriptDirectory.from_config(migrate._config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _file_at(path: Path, revision: str) -> None:
    """A shop file at an older revision, with customers and a sale in it."""
    engine = make_engine(path)
    migrate.upgrade(engine, revision)
    with engine.begin() as connection:
        for number, (name, words) in enumerate(
            [("Zoë Ó'Brien", "zoe o brien"), ("Ελένη", "ελενη"), ("李雷", "李雷")], start=1
        ):
            connection.exec_driver_sql(
                "INSERT INTO customer (id, name, sort_name, search_text, address_line1,"
                " address_line2, town, postcode, postcode_key, country, notes, created_at,"
                " email_marketing, post_marketing, visit_count, total_spent)"
                " VALUES (?, ?, ?, ?, '', '', '', '', '', 'GB', '', '2025-06-01 10:00:00',"
                " 0, 0, 1, 1250)",
                (number, name, words, words),
            )
        connection.exec_driver_sql(
            "INSERT INTO purchase (id, reference, customer_id, channel, purchased_at, currency,"
            " total, note, created_at) VALUES (1, 'P-000001', 1, 'in_shop',"
            " '2025-06-01 10:00:00', 'GBP', 1250, '', '2025-06-01 10:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO purchase_line (purchase_id, position, description, quantity, unit_price)"
            " VALUES (1, 1, 'Teapot', 1, 1250)"
        )
    engine.dispose()


def test_a_new_file_has_exactly_the_models_schema_and_the_search_index(tmp_path: Path) -> None:
    shop = open_shop(tmp_path / "new.aftercare")
    try:
        assert _schema_differences(shop.engine) == []
        assert migrate.current_revision(shop.engine) == migrate.head_revision()
    finally:
        shop.close()
    assert _search_index_objects(tmp_path / "new.aftercare") == SEARCH_INDEX


def test_the_chain_is_one_line_from_the_first_revision_to_head() -> None:
    revisions = _revisions_oldest_first()
    # Start-up reads the chain from the file names; Alembic's own walk must agree with it.
    assert revisions == migrate.known_revisions()
    assert revisions[-1] == migrate.head_revision()
    assert len(revisions) >= 2


@pytest.mark.parametrize("start", _revisions_oldest_first()[:-1])
def test_every_older_file_upgrades_step_by_step_keeping_its_data(
    tmp_path: Path, start: str
) -> None:
    path = tmp_path / f"from-{start}.aftercare"
    _file_at(path, start)
    revisions = _revisions_oldest_first()
    for step in revisions[revisions.index(start) + 1 :]:
        engine = make_engine(path)
        migrate.upgrade(engine, step)
        assert migrate.current_revision(engine) == step
        engine.dispose()
        report = check_shop(str(path))
        assert report.sound, report.message
    engine = make_engine(path)
    assert _schema_differences(engine) == []
    engine.dispose()
    assert _search_index_objects(path) == SEARCH_INDEX
    shop = open_shop(path, backups=tmp_path / "backups")
    with shop.read() as session:
        assert [row.name for row in browse(session, "zoe").rows] == ["Zoë Ó'Brien"]
        assert [row.name for row in browse(session, "").rows] == ["Zoë Ó'Brien", "Ελένη", "李雷"]
    shop.close()


def test_an_older_file_with_data_is_backed_up_before_its_upgrade(tmp_path: Path) -> None:
    first = _revisions_oldest_first()[0]
    path = tmp_path / "Дмитрий's shop.aftercare"
    _file_at(path, first)
    shop = open_shop(path, backups=tmp_path / "backups")
    assert migrate.current_revision(shop.engine) == migrate.head_revision()
    shop.close()
    (backup,) = (tmp_path / "backups").glob(f"*-before-upgrade{BACKUP_SUFFIX}")
    copy = make_engine(backup, read_only=True)
    assert migrate.current_revision(copy) == first
    with copy.connect() as connection:
        names = connection.exec_driver_sql("SELECT name FROM customer ORDER BY id").scalars()
        assert list(names) == ["Zoë Ó'Brien", "Ελένη", "李雷"]
    copy.dispose()


def test_a_new_file_or_one_already_current_is_not_backed_up(tmp_path: Path) -> None:
    for _ in range(2):
        open_shop(tmp_path / "shop.aftercare", backups=tmp_path / "backups").close()
    assert not (tmp_path / "backups").exists()


def test_a_file_from_a_newer_aftercare_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.aftercare"
    open_shop(path).close()
    engine = make_engine(path)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    engine.dispose()
    with pytest.raises(migrate.NewerShopFile, match="saved by a newer version of Aftercare"):
        open_shop(path)


def test_a_photo_renamed_to_a_shop_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "holiday.aftercare"
    path.write_bytes(PNG)
    with pytest.raises(migrate.NotAShopFile, match="not an Aftercare shop file"):
        open_shop(path)
    assert path.read_bytes() == PNG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holiday.aftercare"]


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.aftercare"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount REAL)")
    connection.commit()
    connection.close()
    with pytest.raises(migrate.NotAShopFile, match="holds a database, but not an Aftercare shop"):
        open_shop(path)
    connection = sqlite3.connect(path)
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    connection.close()
    assert tables == ["ledger"]


def _damage(path: Path) -> None:
    with path.open("r+b") as handle:
        for page in (4, 6, 9, 12):
            handle.seek(page * 4096)
            handle.write(b"\xba\xad" * 2048)


def test_a_damaged_file_is_refused_naming_the_newest_good_backup(tmp_path: Path) -> None:
    path, backups = tmp_path / "shop.aftercare", tmp_path / "backups"
    shop = open_shop(path, backups=backups)
    _file_rows(shop.engine)
    make_backup(shop.engine, backups, "while-open")
    newest = make_backup(shop.engine, backups, "on-close")
    shop.close()
    _damage(path)
    with pytest.raises(DamagedShopFile) as caught:
        open_shop(path, backups=backups)
    assert caught.value.newest_backup == newest
    assert str(caught.value) == (
        f"The shop file shop.aftercare is damaged. The newest good backup is {newest.name}."
    )
    # It can still be opened to look at and copy from.
    open_shop(path, read_only=True).close()


def test_a_damaged_file_without_backups_says_so(tmp_path: Path) -> None:
    path = tmp_path / "shop.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    _file_rows(shop.engine)
    shop.close()
    _damage(path)
    with pytest.raises(DamagedShopFile, match=r"is damaged\. No good backup was found\."):
        open_shop(path, backups=tmp_path / "backups")


def _file_rows(engine: Engine) -> None:
    """Enough customers to fill a few dozen pages."""
    with engine.begin() as connection:
        for number in range(600):
            connection.exec_driver_sql(
                "INSERT INTO customer (name, sort_name, search_text, address_line1,"
                " address_line2, town, postcode, postcode_key, country, notes, created_at,"
                " email_marketing, post_marketing, visit_count, total_spent)"
                " VALUES (?, ?, ?, 'Flat 2', '', 'Łódź', '', '', 'PL', ?, '2025-06-01',"
                " 0, 0, 0, 0)",
                (f"Łukasz {number}", f"lukasz {number}", f"lukasz {number}", "notes " * 20),
            )
