"""Memory: the customer list scrolled to its very end, and the main window, each measured in a
fresh process (see benchmarks/qt_probe.py) so nothing else counts towards its size."""

from __future__ import annotations

from benchmarks import Context, Row, bench
from benchmarks.qt_probe import run_probe
from benchmarks.sample_shop import sample_shop

TARGET_MB = 250


@bench("memory")
def memory(context: Context) -> list[Row]:
    shop_file = str(sample_shop(context))
    bare = run_probe("bare", shop_file).found["rss_mb"]
    table = run_probe("table", shop_file)
    window = run_probe("window", shop_file)
    baseline = f"empty QTableView {bare:.0f} MB"
    rows = [
        Row(
            f"Memory: CustomerTableModel in a QTableView, all {table.found['rows']:,} rows fetched",
            f"{table.found['rss_mb']:.0f} MB RSS",
            f"≤ {TARGET_MB} MB",
            baseline,
            table.found["rss_mb"] <= TARGET_MB,
        ),
        Row(
            "Fetching every row of the list (fetchMore to the end)",
            f"{table.found['seconds']:.1f} s",
        ),
        Row(
            "Memory: main window shown on the sample shop",
            f"{window.found['rss_mb']:.0f} MB RSS",
            f"≤ {TARGET_MB} MB",
            baseline,
            window.found["rss_mb"] <= TARGET_MB,
        ),
    ]
    for what, probe in (("list", table), ("main window", window)):
        if probe.crash:
            rows.append(
                Row(f"The {what} process ended cleanly", probe.crash, "exit code 0", "", False)
            )
    return rows
