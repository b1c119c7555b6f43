"""Where Aftercare keeps its files: the user's data, log and backup folders (platformdirs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("Aftercare", "Aftercare")


def data_dir() -> Path:
    return _DIRS.user_data_path


def default_shop_path() -> Path:
    return data_dir() / "shop.aftercare"


def demo_shop_path() -> Path:
    """The sample shop lives in its own file so nothing mixes with the real one."""
    return data_dir() / "sample-shop.aftercare"


def log_dir() -> Path:
    return _DIRS.user_log_path


def backup_dir(shop_path: Path) -> Path:
    """Backups of a shop file sit beside the app's data, one folder per shop file: named for
    the file, plus a short digest of its full path, so two shops both called "shop" in
    different folders never share (or thin out) each other's backups."""
    digest = hashlib.sha256(str(shop_path.expanduser().resolve()).encode()).hexdigest()[:8]
    return data_dir() / "backups" / f"{shop_path.stem}-{digest}"
