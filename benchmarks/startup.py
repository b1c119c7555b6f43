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


def _moments(command: list[str]) -> dict[str, float]:
    """Seconds from launch to each line the program prints (its "window shown" and "shop
    ready"), and to its exit ("exit")."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=quiet_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    moments = {}
    for line in process.stdout:
        moments[" ".join(line.split()[:2])] = time.perf_counter() - started
    _, errors = process.communicate()
    moments["exit"] = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:3])} exited {process.returncode}: {errors}")
    return moments


def _median(command: list[str], moment: str) -> float:
    _moments(command)  # warm the disk cache, as a shop PC that ran the app before has it
    return statistics.median(_moments(command)[moment] for _ in range(RUNS))


@bench("startup")
def startup(context: Context) -> list[Row]:
    shop: Path = sample_shop(context)
    baseline = _median([sys.executable, "-c", BARE_WINDOW], "exit")
    command = [sys.executable, "main.py", "--db", str(shop), "--exit-when-shown"]
    runs = [_moments(command) for _ in range(RUNS + 1)][1:]
    shown = statistics.median(run["window shown"] for run in runs)
    ready = statistics.median(run["shop ready"] for run in runs)
    return [
        Row(
            f"Start to main window shown (median of {RUNS})",
            f"{shown:.2f} s",
            f"≤ 2× baseline ({2 * baseline:.2f} s)",
            f"bare QMainWindow, start to exit {baseline:.2f} s",
            shown <= 2 * baseline,
        ),
        Row(
            "Start to the shop open in it (integrity check, customer list filled)",
            f"{ready:.2f} s",
            "",
            "",
        ),
    ]
