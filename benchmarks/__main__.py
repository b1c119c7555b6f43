"""`python -m benchmarks [--only NAME] [--small]`: run the measurements, print one table.

Exits 1 when a measurement misses its target, 0 otherwise.
"""

from __future__ import annotations

import argparse
import pkgutil
import sys
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module

import benchmarks
from benchmarks import BENCHES, Context, Row, bench

# The build runs first, as it leaves the sample shop the others use; then these, then the rest
# in the order their modules register them.
FIRST = ("demo", "startup", "search", "customer-page", "memory")
FULL_CUSTOMERS = 100_000
SMALL_CUSTOMERS = 5_000
YEARS = 3
HEADINGS = ("Measurement", "Figure", "Target", "Baseline", "Result")


def _plain(run: Callable[[], Sequence[Sequence[object]]]) -> Callable[[Context], list[Row]]:
    def measure(_context: Context) -> list[Row]:
        return [row if isinstance(row, Row) else Row(*row) for row in run()]  # type: ignore[arg-type]

    return measure


def _unloadable(error: Exception) -> Callable[[Context], list[Row]]:
    def measure(_context: Context) -> list[Row]:
        raise RuntimeError(f"its module could not be loaded: {error!r}")

    return measure


def register_all() -> list[str]:
    """Import every module of the package; each registers its measurements with @bench. A module
    that registers none but has `run_<name>_bench()` returning plain (measurement, figure,
    target, baseline[, passed]) tuples is registered as `<name>`. Returns the names in order."""
    for found in pkgutil.iter_modules(benchmarks.__path__):
        if found.name.startswith("_"):
            continue
        before = len(BENCHES)
        try:
            module = import_module(f"benchmarks.{found.name}")
        except Exception as error:  # one broken module must not stop the others' figures
            bench(found.name)(_unloadable(error))
            continue
        run = getattr(module, f"run_{found.name}_bench", None)
        if len(BENCHES) == before and run is not None:
            bench(found.name)(_plain(run))
    return sorted(BENCHES, key=lambda name: FIRST.index(name) if name in FIRST else len(FIRST))


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
    names = register_all()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=names, help="run just this measurement")
    parser.add_argument(
        "--small",
        action="store_true",
        help=f"a {SMALL_CUSTOMERS:,}-customer shop for a quick check (default {FULL_CUSTOMERS:,})",
    )
    args = parser.parse_args(argv)
    context = Context(customers=SMALL_CUSTOMERS if args.small else FULL_CUSTOMERS, years=YEARS)
    rows: list[Row] = []
    for name in [args.only] if args.only else names:
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
