"""Shared fixtures: real shop files in a temporary folder, offscreen Qt."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the real user's data, logs and window settings (platformdirs, QSettings).
_HOME = tempfile.mkdtemp(prefix="aftercare-test-home-")
for _variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_variable] = os.path.join(_HOME, _variable.lower())

from desktop.store.shopfile import ShopDatabase, open_shop  # noqa: E402 (after the env)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A Qt test runs as the app does (desktop/ui/collector.py): no automatic collection, so a
    background job never frees Qt objects off the GUI thread."""
    qt = "qtbot" in getattr(item, "fixturenames", ())
    if qt:
        gc.disable()
    try:
        return (yield)
    finally:
        if qt:
            gc.enable()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Background work a Qt test started ends before its widgets close, and what it left
    behind is collected here, in the main thread."""
    qt = "qtbot" in getattr(item, "fixturenames", ())
    if qt:
        from PySide6.QtCore import QThreadPool

        gc.disable()
        QThreadPool.globalInstance().waitForDone(60_000)
    try:
        return (yield)
    finally:
        if qt:
            gc.collect()
            gc.enable()


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
