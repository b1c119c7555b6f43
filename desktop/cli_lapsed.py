"""The `lapsed` command: customers not seen lately, as a table to read or CSV for a spreadsheet.

`desktop.cli.build_parser` hands its sub-command list to `add_commands`; the shop file and the
model are only loaded when the command runs, so `--help` stays quick.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from desktop.cli_common import UsageError, db_argument, existing_shop_location

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.shop.lapsed import LapsedCustomer, LapsedList, Rule
    from desktop.store.shopfile import ShopDatabase

TABLE_ROWS = 50
RULE_TITLES = {
    "threshold": "away longer than the shop's limit",
    "rhythm": "by each customer's own rhythm",
    "model": "probably drifted away (BG/NBD model)",
}
CSV_COLUMNS = (
    "customer_id",
    "name",
    "total_spent",
    "currency",
    "visits",
    "last_seen",
    "days_away",
    "usual_gap_days",
    "expected_next_visit",
    "by_shop_limit",
    "by_own_rhythm",
    "by_model",
    "chance_still_active",
    "reason",
)


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `lapsed` to the command line."""
    lapsed = subparsers.add_parser(
        "lapsed",
        help="customers not seen lately, most valuable first",
        description="Customers not seen lately, most valuable first, each judged three ways: "
        "the shop's limit, their own rhythm and the model's chance they are still active.",
    )
    db_argument(lapsed)
    lapsed.add_argument(
        "--rule",
        choices=("threshold", "rhythm", "model"),
        default="rhythm",
        help="which judgement picks the list (default: rhythm)",
    )
    lapsed.add_argument(
        "--format", choices=("table", "csv"), default="table", help="default: table"
    )
    lapsed.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help=f"at most N customers (default: {TABLE_ROWS} in a table, all in CSV)",
    )
    lapsed.add_argument(
        "--out", metavar="FILE", type=Path, help="write to FILE (CSV with a BOM, for Excel)"
    )
    lapsed.set_defaults(handler=_lapsed)


def _lapsed(args: argparse.Namespace) -> int:
    from desktop.shop.lapsed import count_not_seen_lately
    from desktop.shop.settings import get_profile
    from desktop.store.shopfile import open_shop

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1.")
    if args.out is not None and not args.out.expanduser().parent.is_dir():
        raise UsageError(f"The folder {args.out.parent} does not exist.")
    limit = args.limit or (TABLE_ROWS if args.format == "table" else None)
    shop = open_shop(existing_shop_location(args))
    try:
        if args.rule == "model":
            _fit_if_needed(shop)
        with shop.read() as session:
            profile = get_profile(session)
            pages = _pages(session, args.rule, limit)
            first = next(pages)
            total = count_not_seen_lately(session, first.used)
            rows = [row for page in (first, *pages) for row in page.rows]
    finally:
        shop.close()
    report = _Report(first, rows, total, profile.currency, profile.locale)
    if args.out is None:
        # Names in any script, whatever the terminal's or a pipe's own encoding.
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")
        report.write(sys.stdout, args.format, line_end="\n")
    else:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        with args.out.expanduser().open("w", encoding=encoding, newline="") as handle:
            report.write(handle, args.format, line_end="\r\n")
        print(f"Wrote {len(rows):,} customer{'' if len(rows) == 1 else 's'} to {args.out}")
    return 0


def _fit_if_needed(shop: ShopDatabase) -> None:
    """A one-off command cannot wait for the app's background fit: fit now if it is stale."""
    from desktop.shop.visit_model import fit_needed, refit

    with shop.read() as session:
        stale = fit_needed(session)
    if stale:
        refit(shop)


def _pages(session: Session, rule: Rule, limit: int | None) -> Iterator[LapsedList]:
    """Pages of the list until `limit` rows (or all of them)."""
    from desktop.shop.lapsed import not_seen_lately

    after = None
    left = limit
    while True:
        page = not_seen_lately(session, rule, limit=min(left or 1000, 1000), after=after)
        yield page
        left = None if left is None else left - len(page.rows)
        if page.next_key is None or left == 0:
            return
        after = page.next_key


@dataclass(frozen=True)
class _Report:
    first: LapsedList
    rows: list[LapsedCustomer]
    total: int
    currency: str
    locale: str

    def write(self, out: TextIO, kind: str, *, line_end: str) -> None:
        if kind == "csv":
            _write_csv(out, self.rows, self.currency, line_end)
            return
        rows, total = self.rows, self.total
        out.write(f"Not seen lately, {RULE_TITLES[self.first.used]}: ")
        out.write(f"{total:,} customer{'' if total == 1 else 's'}")
        out.write(f", the {len(rows):,} most valuable below." if len(rows) < total else ".")
        out.write(line_end)
        if self.first.note:
            out.write(self.first.note + line_end)
        if rows:
            out.write(line_end + _table(rows, self.currency, self.locale).replace("\n", line_end))


def _table(rows: list[LapsedCustomer], currency: str, locale: str) -> str:
    from desktop.shop.money import format_money

    header = (
        "Customer",
        "Spent",
        "Visits",
        "Last seen",
        "Next visit",
        "Shop limit",
        "Own rhythm",
        "Still active",
        "Why",
    )
    cells = [
        (
            row.name,
            format_money(row.total_spent, currency, locale),
            f"{row.visits:,}",
            _day(row.last_seen),
            _day(row.expected_next) if row.expected_next else "–",
            "passed" if row.by_threshold else "",
            "late" if row.by_rhythm else "",
            _chance(row.p_alive),
            row.reason,
        )
        for row in rows
    ]
    widths = [max(_width(line[i]) for line in [header, *cells]) for i in range(len(header))]
    numeric = {1, 2, 7}
    lines = []
    for line in [header, *cells]:
        padded = [
            _pad(text, widths[i], right=i in numeric) if i < len(line) - 1 else text
            for i, text in enumerate(line)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _chance(p_alive: float | None) -> str:
    if p_alive is None:
        return "–"
    return "<1%" if p_alive < 0.005 else f"{round(p_alive * 100)}%"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _width(text: str) -> int:
    """Terminal cells: Chinese, Japanese and emoji take two."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def _safe(text: str) -> str:
    """A spreadsheet runs a cell that starts like a formula: a leading ' keeps it text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def _write_csv(out: TextIO, rows: list[LapsedCustomer], currency: str, line_end: str) -> None:
    from desktop.shop.money import to_major_text

    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=line_end)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.customer_id,
                _safe(row.name),
                to_major_text(row.total_spent, currency),
                currency,
                row.visits,
                row.last_seen.isoformat(),
                row.days_away,
                "" if row.usual_gap_days is None else f"{row.usual_gap_days:g}",
                row.expected_next.isoformat() if row.expected_next else "",
                _yes(row.by_threshold),
                _yes(row.by_rhythm),
                "" if row.by_model is None else _yes(row.by_model),
                "" if row.p_alive is None else f"{row.p_alive:.3f}",
                _safe(row.reason),
            )
        )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
