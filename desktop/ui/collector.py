"""Python's cyclic garbage collector, run from the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, so a background job
(a fit, a print run, a send) can end up freeing a closed dialog's Qt objects off the GUI thread,
which Qt does not allow and which crashes. Here automatic collection is switched off and a timer
in the GUI thread collects by the same generation thresholds instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500


def collect_due() -> int | None:
    """Collect the oldest generation whose count passed its threshold, as CPython would; the
    generation collected, or None when none was due."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = [generation for generation in range(3) if counts[generation] > thresholds[generation]]
    if not due:
        return None
    generation = max(due)
    gc.collect(generation)
    return generation


class MainThreadCollector(QObject):
    """Owns the timer; keep it alive for the application's life."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(collect_due)
        self.timer.start()
