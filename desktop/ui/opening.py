"""Opening a shop behind the main window: damaged-file recovery, first-run set-up, the sample
shop, and the automatic backups while it is open. Imported once the window is on screen, so
start-up does not wait for the database layer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.store import backup
from desktop.store.locations import backup_dir, demo_shop_path
from desktop.store.shopfile import DamagedShopFile, ShopDatabase, open_shop
from desktop.ui.events import ShopEvents
from desktop.ui.workers import Worker, start

log = logging.getLogger(__name__)
BACKUP_CHECK_MS = 5 * 60 * 1000
SAMPLE_CUSTOMERS = 400


def open_with_recovery(location: str, parent: QWidget | None = None) -> ShopDatabase | None:
    """Open the shop; a damaged file offers the newest good backup, or reading only."""
    try:
        return open_shop(location)
    except DamagedShopFile as damaged:
        box = QMessageBox(QMessageBox.Icon.Warning, "Aftercare", str(damaged), parent=parent)
        box.setInformativeText(
            "Restoring the backup replaces the damaged file (a copy of it is kept aside). "
            "Changes made since that backup will be missing."
        )
        restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.AcceptRole)
        if damaged.newest_backup is None:
            restore.setEnabled(False)
        read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is restore and damaged.newest_backup is not None:
            newest, live = damaged.newest_backup, damaged.path
            wait_with_progress("Restoring the backup…", lambda: backup.restore_backup(newest, live))
            return open_shop(location)
        if clicked is read_only:
            return open_shop(location, read_only=True)
        return None


def wait_with_progress(text: str, job: Callable[[], object]) -> None:
    """Run `job` off the GUI thread while a busy dialog shows; re-raise what it raised."""
    dialog = QProgressDialog(labelText=text, minimum=0, maximum=0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("Aftercare")
    dialog.setMinimumDuration(0)
    loop = QEventLoop()
    failures: list[BaseException] = []

    def failed(error: BaseException) -> None:
        failures.append(error)
        loop.quit()

    start(lambda _progress: job(), finished=lambda _result: loop.quit(), failed=failed)
    dialog.show()
    loop.exec()
    dialog.close()
    if failures:
        raise failures[0]


def first_run(shop: ShopDatabase, parent: QWidget | None = None) -> tuple[ShopDatabase, str] | None:
    """Set-up for a new shop file, or the sample shop in its own file. None: the user left."""
    from desktop.shop.settings import is_set_up
    from desktop.ui.setup_dialog import SetupDialog

    with shop.read() as session:
        if is_set_up(session):
            return shop, ""
    dialog = SetupDialog(shop, parent)
    if not dialog.exec():
        return None
    if dialog.choice() == "setup":
        return shop, ""
    shop.close()
    return open_sample_shop(), "Sample shop (your own shop file is untouched)"


def open_sample_shop() -> ShopDatabase:
    """The demo shop, in a file of its own, built the first time it is asked for."""
    from desktop.shop.demo import DemoOptions, build_demo
    from desktop.shop.settings import is_set_up

    sample = open_shop(demo_shop_path())
    with sample.read() as session:
        ready = is_set_up(session)
    if not ready:
        build_demo(sample, DemoOptions(customers=SAMPLE_CUSTOMERS, years=2, seed=1))
    return sample


class AutomaticBackups:
    """Backs the shop up at most every 30 minutes while it changes (in the background: a big
    shop takes seconds), and once more after the window has closed."""

    def __init__(self, shop: ShopDatabase, events: ShopEvents) -> None:
        self.shop = shop
        self.changed = False
        self.last_backup_at: datetime | None = None
        self._worker: Worker | None = None
        events.changed.connect(self._mark_changed)
        self.timer = QTimer()
        self.timer.setInterval(BACKUP_CHECK_MS)
        self.timer.timeout.connect(self.run_if_due)
        if self._enabled():
            self.timer.start()

    def _enabled(self) -> bool:
        return self.shop.path is not None and not self.shop.read_only

    def _mark_changed(self, _what: str) -> None:
        self.changed = True

    def run_if_due(self) -> None:
        busy = self._worker is not None
        if not busy and backup.backup_due(self.last_backup_at, datetime.now(UTC), self.changed):
            self.changed = False
            self._worker = start(lambda _progress: self.back_up("while-open"), finished=self._done)

    def _done(self, _result: object) -> None:
        self._worker = None

    def back_up(self, reason: str) -> None:
        """One verified backup and the thinning of old ones; failures are logged, not raised."""
        path = self.shop.path
        if path is None or not self._enabled():
            return
        folder = backup_dir(path)
        try:
            backup.make_backup(self.shop.engine, folder, reason)
            backup.prune_backups(folder, datetime.now().astimezone())
        except backup.BackupFailed:
            log.exception("automatic backup failed")
            return
        self.last_backup_at = datetime.now(UTC)

    def on_close(self) -> None:
        """The closing backup: the window is already gone, so nobody waits on a frozen screen."""
        self.timer.stop()
        QThreadPool.globalInstance().waitForDone()
        self.back_up("on-close")
