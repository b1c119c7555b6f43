"""What every command shares: the --db option, where the shop file is, and the error for words
that are off. Kept apart from desktop.cli so the commands of each capability can use it."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.store.locations import default_shop_path


class UsageError(Exception):
    """The command's words are off; the message says how."""


def db_argument(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add --db PATH to `parser`; on a sub-command it keeps a --db given before its name."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None if top_level else argparse.SUPPRESS,
        help="the shop file (or a database URL); default: the shop in your data folder",
    )


def shop_location(args: argparse.Namespace) -> str:
    """The shop file (or database URL) given with --db, or the shop in the data folder."""
    db = getattr(args, "db", None)
    return str(db) if db else str(default_shop_path())


def existing_shop_location(args: argparse.Namespace) -> str:
    """`shop_location`, refusing a file that does not exist: a mistyped path must not become a
    new, empty shop that answers "no such voucher"."""
    location = shop_location(args)
    if "://" not in location and not Path(location).expanduser().is_file():
        raise UsageError(f"There is no shop file at {location}.")
    return location
