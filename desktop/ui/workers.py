"""Background work off the GUI thread: a QRunnable with signals, progress and cancel.

A job is a plain function `job(progress: Progress) -> result`. It opens its own Session,
calls `progress.report(done, total)` now and then, and stops early (raising Cancelled) when
`progress.cancelled` is set. A worker never touches a widget: results arrive by signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The person pressed Cancel; the job rolled back and stopped."""


class Progress:
    """Handed to a job: report how far it is, and see whether it should stop."""

    def __init__(self, signals: WorkerSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self._signals.progress.emit(done, total)


class WorkerSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception
    cancelled = Signal()


class Worker(QRunnable):
    def __init__(self, job: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.signals = WorkerSignals()
        self.progress = Progress(self.signals)
        self._job = job

    def run(self) -> None:
        try:
            result = self._job(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:
            log.exception("background job failed")
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(result)

    def cancel(self) -> None:
        self.progress.cancel()


def start(
    job: Callable[[Progress], Any],
    *,
    finished: Callable[[Any], None],
    failed: Callable[[BaseException], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], None] | None = None,
) -> Worker:
    """Run `job` on the shared thread pool, its signals connected before it starts.

    Keep the returned worker (to cancel it, and so its signals outlive the call)."""
    worker = Worker(job)
    worker.setAutoDelete(False)
    worker.signals.finished.connect(finished)
    if failed is not None:
        worker.signals.failed.connect(failed)
    if progress is not None:
        worker.signals.progress.connect(progress)
    if cancelled is not None:
        worker.signals.cancelled.connect(cancelled)
    QThreadPool.globalInstance().start(worker)
    return worker
