"""How long `python main.py demo` takes to build the sample shop (it is built fresh each run)."""

from __future__ import annotations

from benchmarks import Context, Row, bench
from benchmarks.sample_shop import build

TARGET_SECONDS = 60


@bench("demo")
def demo_build(context: Context) -> list[Row]:
    seconds, summary = build(context)
    return [
        Row(
            f"Build: {summary.removeprefix('Sample shop: ')}",
            f"{seconds:.1f} s",
            f"< {TARGET_SECONDS} s",
            "",
            seconds < TARGET_SECONDS,
        )
    ]
