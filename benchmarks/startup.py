"""Start to main window shown, against a bare PySide6 window started and stopped the same way."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import Context, Row, bench
from benchmarks.sample_shop import ROOT, quiet_environment, sample_shop

RUNS = 5
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env=quiet_environment(), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:3])} exited {done.returncode}: {done.stderr}")
    return seconds


def _median(command: list[str]) -> float:
    _seconds(command)  # warm the disk cache, as a shop PC that ran the app before has it
    return statistics.median(_seconds(command) for _ in range(RUNS))


@bench("startup")
def startup(context: Context) -> list[Row]:
    shop: Path = sample_shop(context)
    baseline = _median([sys.executable, "-c", BARE_WINDOW])
    app = _median([sys.executable, "main.py", "--db", str(shop), "--exit-when-shown"])
    return [
        Row(
            f"Start to main window shown (median of {RUNS})",
            f"{app:.2f} s",
            f"≤ 2× baseline ({2 * baseline:.2f} s)",
            f"bare QMainWindow {baseline:.2f} s",
            app <= 2 * baseline,
        )
    ]
