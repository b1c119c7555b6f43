"""Start-up as a shopkeeper meets it: the window opens on the shop, backups happen by themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.backup import BACKUP_SUFFIX
from desktop.store.locations import backup_dir
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.opening import AutomaticBackups

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_opens_a_set_up_shop_straight_to_the_window(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea Room"))
    shop.close()
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(shop.path), "--exit-when-shown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # The window shows first; the shop opens into it afterwards.
    lines = [line.split()[:2] for line in result.stdout.splitlines()]
    assert lines == [["window", "shown"], ["shop", "ready"]]


def test_changes_are_backed_up_in_the_background_and_on_close(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    assert shop.path is not None
    events = ShopEvents()
    backups = AutomaticBackups(shop, events)
    folder = backup_dir(shop.path)
    backups.run_if_due()
    QThreadPool.globalInstance().waitForDone()
    assert not list(folder.glob(f"*{BACKUP_SUFFIX}")), "nothing changed, nothing to back up"

    with shop.write() as session:
        create_customer(session, CustomerDetails(name="Дмитрий"))
    events.changed.emit("customers")
    backups.run_if_due()
    qtbot.waitUntil(lambda: len(list(folder.glob(f"*while-open{BACKUP_SUFFIX}"))) == 1)
    backups.on_close()
    assert len(list(folder.glob(f"*on-close{BACKUP_SUFFIX}"))) == 1
