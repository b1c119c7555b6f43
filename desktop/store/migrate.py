"""Bringing a shop file's schema up to date with Alembic, and refusing files we don't know."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")


class NewerShopFile(Exception):
    """The file was written by a newer Aftercare than this one."""


class NotAShopFile(Exception):
    """The file is not an Aftercare shop (or not a database at all)."""


def _config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    # Imported here: alembic costs start-up time and is only needed when the schema moves.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> list[str]:
    """The chain's revisions, oldest first, read from the file names (`0003_what.py`).
    Asking Alembic costs ~0.2 s at every start; a test checks both agree."""
    versions = MIGRATIONS / "versions"
    return sorted(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    """The file's schema revision; None for an empty file. Raises NotAShopFile."""
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables:
                if tables:
                    raise NotAShopFile("This file holds a database, but not an Aftercare shop.")
                return None
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except NotAShopFile:
        raise
    except Exception as error:  # sqlite3.DatabaseError: "file is not a database"
        raise NotAShopFile(
            "This file is not an Aftercare shop file (it isn't a database)."
        ) from error
    return None if row is None else str(row[0])


def needs_upgrade(engine: Engine) -> bool:
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise NewerShopFile(
            "This shop file was saved by a newer version of Aftercare. "
            "Please update Aftercare to open it."
        )
    return current != head_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migration chain in one transaction: all of it lands, or none."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)
