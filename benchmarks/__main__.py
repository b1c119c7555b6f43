"""`python -m benchmarks [--only NAME] [--small]`: run the measurements, print one table.

Exits 1 when a measurement misses its target, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module

from benchmarks import BENCHES, Context, Row, bench

# Modules whose measurements register themselves with @bench, in the order they run: the build
# first, as it leaves the sample shop the others use.
MODULES = ("demo_build", "startup", "search", "customer_page", "memory", "dashboard")
# Modules that report plain (measurement, figure, target, baseline[, passed]) tuples instead.
PLAIN = (("printing", "run_printing_bench"), ("loyalty", "run_loyalty_bench"))
FULL_CUSTOMERS = 100_000
SMALL_CUSTOMERS = 5_000
YEARS = 3
HEADINGS = ("Measurement", "Figure", "Target", "Baseline", "Result")


def _plain(run: Callable[[], Sequence[Sequence[object]]]) -> Callable[[Context], list[Row]]:
    def measure(_context: Context) -> list[Row]:
        return [row if isinstance(row, Row) else Row(*row) for row in run()]  # type: ignore[arg-type]

    return measure


def register_all() -> None:
    for name in MODULES:
        import_module(f"benchmarks.{name}")
    for name, function in PLAIN:
        if name not in BENCHES:
            bench(name)(_plain(getattr(import_module(f"benchmarks.{name}"), function)))


def table(rows: Sequence[Row]) -> str:
    verdicts = {True: "pass", False: "FAIL", None: ""}
    cells = [HEADINGS] + [
        (r.measurement, r.figure, r.target, r.baseline, verdicts[r.passed]) for r in rows
    ]
    widths = [max(len(line[column]) for line in cells) for column in range(len(HEADINGS))]
    lines = [
        " │ ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in cells
    ]
    lines.insert(1, "─┼─".join("─" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    register_all()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=list(BENCHES), help="run just this measurement")
    parser.add_argument(
        "--small",
        action="store_true",
        help=f"a {SMALL_CUSTOMERS:,}-customer shop for a quick check (default {FULL_CUSTOMERS:,})",
    )
    args = parser.parse_args(argv)
    context = Context(customers=SMALL_CUSTOMERS if args.small else FULL_CUSTOMERS, years=YEARS)
    rows: list[Row] = []
    for name in [args.only] if args.only else list(BENCHES):
        print(f"running {name}…", file=sys.stderr, flush=True)
        try:
            rows += BENCHES[name](context)
        except Exception as error:
            traceback.print_exc()
            rows.append(Row(name, f"did not run: {error}", passed=False))
    print(table(rows))
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
