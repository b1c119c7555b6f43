"""The `export mailing-list` command: a saved segment as a list for Mailchimp, Klaviyo or a
plain CSV, consent-filtered, saying who was left out and why.

`desktop.cli.build_parser` hands its sub-command list to `add_commands`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli_common import UsageError, db_argument, existing_shop_location


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `export mailing-list` to the command line."""
    export = subparsers.add_parser("export", help="write a list for another program")
    kinds = export.add_subparsers(dest="export_kind", metavar="what", required=True)
    mailing = kinds.add_parser(
        "mailing-list",
        help="a saved segment as a mailing list (Mailchimp, Klaviyo or CSV)",
        description="Write a saved segment's customers as a mailing list. Only customers with "
        "email consent who have not unsubscribed are included; the others are counted.",
    )
    db_argument(mailing)
    mailing.add_argument("--segment", required=True, metavar="NAME", help="a saved segment")
    mailing.add_argument(
        "--format", choices=("mailchimp", "klaviyo", "csv"), required=True, help="which columns"
    )
    mailing.add_argument("--out", required=True, metavar="FILE", type=Path, help="the CSV file")
    mailing.add_argument(
        "--bom", action="store_true", help="start the file with a BOM, so Excel reads UTF-8"
    )
    mailing.set_defaults(handler=_export_mailing_list)


def _export_mailing_list(args: argparse.Namespace) -> int:
    from desktop.shop.mailing_lists import segment_mailing_list, write_mailing_list
    from desktop.store.shopfile import open_shop

    out: Path = args.out.expanduser()
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    shop = open_shop(existing_shop_location(args))
    try:
        # One transaction: the file is written before the contacts are committed, so a failed
        # write records nobody as exported.
        with shop.write() as session:
            mailing_list = segment_mailing_list(session, args.segment, args.format)
            write_mailing_list(mailing_list, out, bom=args.bom)
    finally:
        shop.close()
    print(f"Wrote {mailing_list.summary()} to {out}")
    return 0
