"""Shared fixtures: real shop files in a temporary folder, offscreen Qt."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.store.shopfile import ShopDatabase, open_shop


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[ShopDatabase]:
    """A fresh, migrated shop file with its backups beside it."""
    database = open_shop(tmp_path / "shop.aftercare", backups=tmp_path / "backups")
    yield database
    database.close()


def require_program(name: str) -> str:
    """The path of a system program; skips without it, fails under AFTERCARE_REQUIRE_PROGRAMS=1
    (as CI sets) so CI always runs such tests."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("AFTERCARE_REQUIRE_PROGRAMS") == "1":
            pytest.fail(f"{name} is required here but not installed")
        pytest.skip(f"{name} is not installed")
    return path
