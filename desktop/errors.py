"""Turning exceptions into words a shopkeeper understands, for the window and the terminal."""

from __future__ import annotations

import sqlite3


def describe_error(error: BaseException) -> str | None:
    """A one-line message for an expected failure; None for a bug (log it, show "Copy details")."""
    # Imported here: the app's window shows before the database layer loads.
    from sqlalchemy.exc import DBAPIError, OperationalError

    from desktop.cli_common import UsageError
    from desktop.shop.errors import ShopError
    from desktop.store.backup import BackupFailed
    from desktop.store.migrate import NewerShopFile, NotAShopFile
    from desktop.store.shopfile import DamagedShopFile

    if isinstance(
        error,
        ShopError | NotAShopFile | NewerShopFile | DamagedShopFile | BackupFailed | UsageError,
    ):
        return str(error)
    if isinstance(error, FileNotFoundError | PermissionError | IsADirectoryError):
        return f"{error.strerror}: {error.filename}"
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(error, OperationalError) or isinstance(cause, sqlite3.OperationalError):
        text = str(cause)
        if "locked" in text or "busy" in text:
            return "The shop file is busy on another till. Please try again in a moment."
        if "readonly" in text or "read-only" in text:
            return "The shop file is open for reading only, so nothing can be changed."
        if "unable to open" in text:
            return "The shop file could not be opened (check the folder exists and is writable)."
    return None
