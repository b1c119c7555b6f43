"""The `feedback import` and `report` commands (and `feedback send-requests`, from
cli_feedback_requests).

`python main.py feedback import FILE.csv --db PATH [--dry-run]` brings in an online form's
responses; `python main.py report --db PATH [--month YYYY-MM] --out FILE.pdf` writes the monthly
report. `desktop.cli.build_parser` hands its sub-command list to `add_commands`; the shop file is
only opened when a command runs, so `--help` stays quick.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_common import db_argument, existing_shop_location
from desktop.cli_feedback_requests import add_actions

if TYPE_CHECKING:
    from desktop.shop.feedback_import import ImportPreview, MatchedRow

# Exit status when some rows of the file could not be imported (unmatched or malformed).
ROWS_LEFT_OUT = 1


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `feedback` (with its `import` action) and `report` to the command line."""
    feedback = subparsers.add_parser("feedback", help="customer feedback")
    actions = feedback.add_subparsers(dest="feedback_command", metavar="action", required=True)
    importing = actions.add_parser(
        "import",
        help="import an online form's responses from its CSV export",
        description="Import an online form's responses (a Google Forms CSV export, say): each "
        "row is matched to a purchase by its order reference or to a customer by email. Rows "
        "already imported are skipped. Exits 1 when some rows could not be imported.",
    )
    importing.add_argument("file", metavar="FILE.csv", type=Path, help="the form's CSV export")
    db_argument(importing)
    importing.add_argument(
        "--dry-run", action="store_true", help="show what would be imported, change nothing"
    )
    importing.set_defaults(handler=import_feedback)
    add_actions(actions)

    report = subparsers.add_parser(
        "report",
        help="the monthly report as a PDF",
        description="The month's figures and charts as an A4 PDF, for the shop's records.",
    )
    db_argument(report)
    report.add_argument("--month", metavar="YYYY-MM", help="the month (default: last month)")
    report.add_argument("--out", metavar="FILE.pdf", type=Path, required=True, help="the PDF")
    report.set_defaults(handler=write_report)


def import_feedback(args: argparse.Namespace) -> int:
    from desktop.shop.feedback_import import apply_import, decode_csv, preview_import
    from desktop.store.backup import make_backup
    from desktop.store.locations import backup_dir
    from desktop.store.shopfile import open_shop

    text = decode_csv(Path(args.file).read_bytes())
    shop = open_shop(existing_shop_location(args))
    try:
        with shop.read() as session:
            preview = preview_import(session, text)
        print(describe_preview(preview))
        left_out = ROWS_LEFT_OUT if preview.unmatched or preview.malformed else 0
        if args.dry_run:
            print("Dry run: nothing was imported.")
            return left_out
        if not preview.matched:
            print("Nothing to import.")
            return left_out
        if shop.path is not None:
            make_backup(shop.engine, backup_dir(shop.path), "before-import")
        with shop.write() as session:
            # Previewed again inside the write: another till may have imported meanwhile.
            result = apply_import(session, preview_import(session, text, preview.mapping))
    finally:
        shop.close()
    skipped = f" ({result.skipped} imported meanwhile, skipped)" if result.skipped else ""
    print(f"Imported {_count(result.added, 'response')}{skipped}.")
    return left_out


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _stars(row: MatchedRow) -> str:
    parts = []
    if row.rating is not None:
        parts.append("★" * row.rating + "☆" * (5 - row.rating))
    if row.recommend is not None:
        parts.append(f"{row.recommend}/10")
    return " ".join(parts)


def describe_preview(preview: ImportPreview) -> str:
    """The preview as lines of text: what matches, what does not and why, what is malformed."""
    matched = len(preview.matched)
    lines = [f"{_count(matched, 'response')} matched:" if matched else "No response matched."]
    for row in preview.matched:
        who = row.customer_name or "no customer named"
        how = f"purchase {row.reference}" if row.reference else "matched by email"
        lines.append(f"  line {row.line}: {who} ({how}), {_stars(row)}")
    if preview.unmatched:
        lines.append(f"{_count(len(preview.unmatched), 'response')} not matched:")
        lines += [f"  line {row.line}: {row.reason}" for row in preview.unmatched]
    if preview.malformed:
        lines.append(f"{_count(len(preview.malformed), 'row')} malformed:")
        lines += [f"  {row.message}" for row in preview.malformed]
    if preview.already_imported:
        count = _count(len(preview.already_imported), "response")
        lines.append(f"{count} imported before, skipped.")
    return "\n".join(lines)


def write_report(args: argparse.Namespace) -> int:
    from desktop.printing.report import render_monthly_report
    from desktop.shop.inserts import shop_branding
    from desktop.shop.monthly_report import monthly_report
    from desktop.shop.satisfaction import Month
    from desktop.store.shopfile import open_shop

    today = date.today()
    month = Month.parse(args.month) if args.month else Month.of(today).shifted(-1)
    shop = open_shop(existing_shop_location(args))
    try:
        with shop.read() as session:
            report = monthly_report(session, month, today)
            branding = shop_branding(session)
    finally:
        shop.close()
    out = Path(args.out)
    pages = render_monthly_report(report, branding, out)
    print(f"The report for {month.label(report.locale)} is in {out} ({_count(pages, 'page')}).")
    return 0
