"""`make bench`: measurements on a large sample shop, each against a target and a baseline.

A measurement is a function registered with `@bench("name")`: it takes the `Context` (the size
of the run; `sample_shop.sample_shop(context)` gives the cached large shop) and returns `Row`s.
A new figure is a new function in any module of this package: the runner imports them all and
prints every row in one table (`--only name` runs one).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    measurement: str
    figure: str
    target: str = ""
    baseline: str = ""
    passed: bool | None = None  # None: a figure to read, with no target of its own


@dataclass
class Context:
    """What every measurement shares: the size of this run and its sample shop."""

    customers: int
    years: float
    seed: int = 1
    # The sample shop once built or found in the cache (see benchmarks/sample_shop.py).
    shop_file: Path | None = None


Bench = Callable[[Context], list[Row]]
BENCHES: dict[str, Bench] = {}


def bench(name: str) -> Callable[[Bench], Bench]:
    """Register a measurement under `name` (what `--only NAME` selects), in import order."""

    def register(function: Bench) -> Bench:
        if name in BENCHES:
            raise ValueError(f"two benchmarks are called {name!r}")
        BENCHES[name] = function
        return function

    return register


@dataclass(frozen=True)
class Spread:
    """Timings of one operation repeated, in seconds."""

    p50: float
    p95: float
    max: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread:
        ordered = sorted(seconds)
        # Inclusive: a percentile between the timings seen, never beyond the slowest of a few.
        p95 = (
            statistics.quantiles(ordered, n=20, method="inclusive")[-1]
            if len(ordered) > 1
            else ordered[0]
        )
        return cls(statistics.median(ordered), p95, ordered[-1], len(ordered))

    def ms(self) -> str:
        return (
            f"p95 {self.p95 * 1000:.2f} ms (p50 {self.p50 * 1000:.2f}, max {self.max * 1000:.1f})"
        )
