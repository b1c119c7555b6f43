"""Start-up: open the shop (checked, backed up, migrated), first-run set-up, the main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from desktop.errors import describe_error
from desktop.logs import setup_logging
from desktop.resources import resource_path
from desktop.store import backup
from desktop.store.locations import backup_dir, default_shop_path, demo_shop_path, log_dir
from desktop.store.shopfile import DamagedShopFile, ShopDatabase, open_shop
from desktop.ui.events import ShopEvents
from desktop.ui.main_window import MainWindow
from desktop.ui.workers import Worker, start

log = logging.getLogger(__name__)
BACKUP_CHECK_MS = 5 * 60 * 1000
SAMPLE_CUSTOMERS = 400


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("Aftercare")
    QCoreApplication.setApplicationName("Aftercare")
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(QIcon(str(resource_path("icons", "aftercare.svg"))))
    # Fusion follows the system's light or dark scheme on every platform.
    app.setStyle("Fusion")
    return app


def _open_with_recovery(location: str) -> ShopDatabase | None:
    """Open the shop; a damaged file offers the newest good backup, or reading only."""
    try:
        return open_shop(location)
    except DamagedShopFile as damaged:
        box = QMessageBox(QMessageBox.Icon.Warning, "Aftercare", str(damaged))
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
            _wait_with_progress(
                "Restoring the backup…", lambda: backup.restore_backup(newest, live)
            )
            return open_shop(location)
        if clicked is read_only:
            return open_shop(location, read_only=True)
        return None


def _wait_with_progress(text: str, job: Callable[[], object]) -> None:
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


def _first_run(shop: ShopDatabase) -> tuple[ShopDatabase, str] | None:
    """Set-up for a new shop file, or the sample shop in its own file. None: the user left."""
    from desktop.shop.settings import is_set_up
    from desktop.ui.setup_dialog import SetupDialog

    with shop.read() as session:
        if is_set_up(session):
            return shop, ""
    dialog = SetupDialog(shop)
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


def run_app(db: str | None, *, exit_when_shown: bool = False) -> int:
    """Open the app on `db` (default: the shop in the user's data folder)."""
    location = str(Path(db).expanduser().resolve()) if db and "://" not in db else db
    location = location or str(default_shop_path())
    setup_logging(log_dir())
    app = _application()
    from desktop.ui.error_dialog import install_excepthook
    from desktop.ui.single_instance import SingleInstance

    instance = SingleInstance(location)
    if not instance.acquire():
        log.info("%s is already open; brought that window forward", location)
        return 0
    try:
        shop = _open_with_recovery(location)
        if shop is None:
            return 1
        opened = _first_run(shop) if not shop.read_only else (shop, "")
        if opened is None:
            shop.close()
            return 0
        shop, note = opened
    except Exception as error:
        message = describe_error(error)
        if message is None:
            raise
        QMessageBox.critical(None, "Aftercare", message)
        return 1
    install_excepthook()
    events = ShopEvents()
    window = MainWindow(shop, events, title_note=note)
    instance.activation_requested.connect(window.bring_forward)
    backups = AutomaticBackups(shop, events)
    window.show()
    if exit_when_shown:
        QTimer.singleShot(0, app.quit)
    try:
        status = app.exec()
        if not exit_when_shown:
            backups.on_close()
        return status
    finally:
        shop.close()
        instance.release()


def smoke(location: str) -> int:
    """Open the main window offscreen, visit every page, exit 0 (CI and the installer check)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    shop = open_shop(location)
    try:
        window = MainWindow(shop, ShopEvents())
        window.show()
        for index, title in enumerate(window.page_titles()):
            window.show_page(index)
            app.processEvents()
            print(f"page {title}: ok")
        window.close()
    finally:
        shop.close()
    return 0
