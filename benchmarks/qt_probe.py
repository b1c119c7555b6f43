"""Measurements that need Qt, each in a fresh process (`python -m benchmarks.qt_probe`), so
Qt's state and memory never mix with the other figures. A probe reads its words on stdin and
prints its findings as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from benchmarks.sample_shop import ROOT, quiet_environment

MB = 1024 * 1024


@dataclass(frozen=True)
class ProbeResult:
    found: dict[str, Any]
    crash: str  # what the process said if it did not exit cleanly after reporting; else ""


def run_probe(what: str, shop_file: str, words: list[str] | None = None) -> ProbeResult:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.qt_probe", what, shop_file],
        input=json.dumps(words or []),
        cwd=ROOT,
        env=quiet_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    reported = done.stdout.strip().splitlines()
    if not reported:
        raise RuntimeError(f"the {what} probe failed: {done.stderr.strip()[-300:]}")
    crash = ""
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if "Error" in line or "error" in line]
        crash = (lines or [f"exit code {done.returncode}"])[0].split(": bug")[0]
    return ProbeResult(json.loads(reported[-1]), crash)


def _probe(what: str, shop_file: str, words: list[str]) -> dict[str, Any]:
    import psutil
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication(sys.argv[:1])
    found: dict[str, Any] = {}
    view = QTableView()
    if what == "table":
        from desktop.store.shopfile import open_shop
        from desktop.ui.customer_table import CustomerTableModel

        model = CustomerTableModel(open_shop(shop_file))
        view.setModel(model)
        view.show()
        started = time.perf_counter()
        while model.canFetchMore():
            model.fetchMore()
        found["seconds"] = time.perf_counter() - started
        found["rows"] = model.rowCount()
        view.scrollToBottom()
    elif what == "set-query":
        from desktop.store.shopfile import open_shop
        from desktop.ui.customer_table import CustomerTableModel

        model = CustomerTableModel(open_shop(shop_file))
        view.setModel(model)
        view.show()
        seconds = []
        for text in words:
            started = time.perf_counter()
            model.set_query(text)
            seconds.append(time.perf_counter() - started)
        found["seconds"] = seconds
    elif what == "window":
        from desktop.store.shopfile import open_shop
        from desktop.ui.events import ShopEvents
        from desktop.ui.main_window import MainWindow

        window = MainWindow(open_shop(shop_file), ShopEvents())
        window.show()
    else:
        view.show()
    app.processEvents()
    found["rss_mb"] = psutil.Process().memory_info().rss / MB
    return found


if __name__ == "__main__":
    print(json.dumps(_probe(sys.argv[1], sys.argv[2], json.loads(sys.stdin.read()))), flush=True)
