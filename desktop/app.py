"""Start-up: the main window on screen first, then the shop opened into it (checked, backed
up, migrated, first-run set-up). Only Qt is imported before the window shows."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import STARTED
from desktop.logs import setup_logging
from desktop.resources import resource_path
from desktop.store.locations import default_shop_path, log_dir
from desktop.ui.collector import MainThreadCollector
from desktop.ui.events import ShopEvents
from desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.ui.automatic_requests import AutomaticFeedbackRequests
    from desktop.ui.opening import AutomaticBackups

log = logging.getLogger(__name__)


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
    MainThreadCollector(app)
    return app


def run_app(db: str | None, *, exit_when_shown: bool = False) -> int:
    """Open the app on `db` (default: the shop in the user's data folder)."""
    location = str(Path(db).expanduser().resolve()) if db and "://" not in db else db
    location = location or str(default_shop_path())
    setup_logging(log_dir())
    app = _application()
    from desktop.ui.single_instance import SingleInstance

    instance = SingleInstance(location)
    if not instance.acquire():
        log.info("%s is already open; brought that window forward", location)
        return 0
    events = ShopEvents()
    window = MainWindow(None, events)
    instance.activation_requested.connect(window.bring_forward)
    window.show()
    app.processEvents()
    # For benchmarks and tests: each line is read the moment it is printed.
    if exit_when_shown:
        print(f"window shown {(time.perf_counter() - STARTED) * 1000:.0f} ms", flush=True)
    opened = OpenedShop()

    def open_shop_into_window() -> None:
        opened.open_into(window, location)
        if exit_when_shown:
            print(f"shop ready {(time.perf_counter() - STARTED) * 1000:.0f} ms", flush=True)
            app.quit()

    QTimer.singleShot(0, open_shop_into_window)
    try:
        status = app.exec()
        if exit_when_shown:  # a measurement: no closing backup to wait for
            return status
        return opened.close(status)
    finally:
        instance.release()


class OpenedShop:
    """The shop the window shows, once opened, and what closing it takes."""

    def __init__(self) -> None:
        self.backups: AutomaticBackups | None = None
        self.requests: AutomaticFeedbackRequests | None = None

    def open_into(self, window: MainWindow, location: str) -> None:
        """Open (recovering or setting up as needed) and attach; on failure say why and quit."""
        from desktop.errors import describe_error
        from desktop.ui.automatic_requests import AutomaticFeedbackRequests
        from desktop.ui.error_dialog import install_excepthook
        from desktop.ui.opening import AutomaticBackups, first_run, open_with_recovery

        try:
            shop = open_with_recovery(location, window)
            opened = None
            if shop is not None:
                opened = first_run(shop, window) if not shop.read_only else (shop, "")
                if opened is None:
                    shop.close()
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            QMessageBox.critical(window, "Aftercare", message)
            opened = None
        if opened is None:
            window.close()
            return
        shop, note = opened
        install_excepthook()
        self.backups = AutomaticBackups(shop, window.events)
        self.requests = AutomaticFeedbackRequests(shop, window.events)
        window.attach(shop, note)

    def close(self, status: int) -> int:
        """After the window has gone: the closing backup, then let go of the file."""
        if self.requests is not None:
            self.requests.stop()
        if self.backups is not None:
            self.backups.on_close()
            self.backups.shop.close()
        return status


def smoke(location: str) -> int:
    """Open the main window offscreen, visit every page, exit 0 (CI and the installer check)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.store.shopfile import open_shop

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
