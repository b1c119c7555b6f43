"""The short dialog for an unexpected error: a plain sentence, details to copy, never a traceback
in the shopkeeper's face."""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import describe_error

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Known failures get their message; anything else is logged and offered as details."""
    message = describe_error(error)
    if message is not None:
        QMessageBox.warning(parent, "Aftercare", message)
        return
    details = "".join(traceback.format_exception(error))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Aftercare")
    box.setText("Something went wrong, and what you were doing was not finished.")
    box.setInformativeText(
        "Nothing was half-saved. If it happens again, copy the details and send them to support."
    )
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.exec()


def install_excepthook() -> None:
    """Route exceptions escaping Qt slots to `show_error` instead of a console traceback."""
    import sys

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        show_error(QApplication.activeWindow(), error.with_traceback(tb))

    sys.excepthook = hook
