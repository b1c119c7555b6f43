"""The `print` and `vouchers` commands: inserts and voucher slips as PDFs, vouchers at the till.

`desktop.cli.build_parser` hands its sub-command list to `add_commands`. ReportLab and the shop
file are only loaded inside each command, so `--help` stays quick.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from desktop.cli_common import UsageError, db_argument, existing_shop_location
from desktop.shop.voucher_kinds import KINDS

if TYPE_CHECKING:
    from desktop.store.shopfile import ShopDatabase

# Four slips on an A4 sheet with crop marks: what a home printer and a guillotine handle best.
SLIP_LAYOUT = "a4-4up"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a date: write it like 2026-12-31"
        ) from None


def _kind(text: str) -> str:
    return text.strip().lower().replace("-", "_")


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `print inserts|vouchers` and `vouchers issue|check|redeem` to the command line."""
    printing = subparsers.add_parser(
        "print", help="print thank-you inserts, voucher slips or member cards"
    )
    what = printing.add_subparsers(dest="what", metavar="what", required=True)

    inserts = what.add_parser(
        "inserts",
        help="thank-you inserts for purchases, into one PDF",
        description="Thank-you inserts for purchases, written into one PDF and marked printed. "
        "--today and --since take parcel orders (online, phone) whose insert is not printed yet.",
    )
    db_argument(inserts)
    chosen = inserts.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--purchase", metavar="REF", nargs="+", action="extend", help="these purchases"
    )
    chosen.add_argument("--today", action="store_true", help="today's parcels")
    chosen.add_argument(
        "--since", metavar="DATE", type=_day, help="parcels since DATE (YYYY-MM-DD)"
    )
    inserts.add_argument(
        "--include-printed",
        action="store_true",
        help="with --today or --since: print again inserts already printed",
    )
    inserts.add_argument("--layout", metavar="NAME", help="a6, a5, a4-4up, dl or thermal-80")
    inserts.add_argument("--greyscale", action="store_true", help="print without colour")
    inserts.add_argument("--template", metavar="NAME", help="warm, short, seasonal or your own")
    inserts.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    inserts.set_defaults(handler=_print_inserts)

    slips = what.add_parser(
        "vouchers",
        help="voucher slips, into one PDF",
        description="Voucher slips (code as text, Code 128 and QR), written into one PDF and "
        "marked printed.",
    )
    db_argument(slips)
    which = slips.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", metavar="CODE", nargs="+", action="extend", help="these vouchers")
    which.add_argument(
        "--unprinted", action="store_true", help="every usable voucher not printed yet"
    )
    slips.add_argument("--layout", metavar="NAME", help=f"default {SLIP_LAYOUT}")
    slips.add_argument("--greyscale", action="store_true", help="print without colour")
    slips.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    slips.set_defaults(handler=_print_vouchers)

    vouchers = subparsers.add_parser("vouchers", help="issue, check and redeem vouchers")
    action = vouchers.add_subparsers(dest="action", metavar="action", required=True)

    issue = action.add_parser(
        "issue", help="issue a voucher and print its code", description="Issue a voucher."
    )
    db_argument(issue)
    owner = issue.add_mutually_exclusive_group(required=True)
    owner.add_argument("--customer", metavar="ID", type=int, help="the customer it is for")
    owner.add_argument("--bearer", action="store_true", help="for whoever brings it")
    issue.add_argument(
        "--kind", required=True, type=_kind, choices=list(KINDS), help=", ".join(KINDS)
    )
    value = issue.add_mutually_exclusive_group(required=True)
    value.add_argument("--percent", metavar="N", type=int, help="percent off (1 to 100)")
    value.add_argument("--amount", metavar="X", help="amount off, like 5 or 5.50")
    issue.add_argument("--min-spend", metavar="X", help="minimum spend, like 20")
    issue.add_argument(
        "--expires", metavar="DATE", type=_day, help="last day (default: the shop's usual)"
    )
    issue.add_argument("--terms", metavar="TEXT", default="", help="one line of small print")
    issue.set_defaults(handler=_issue)

    check = action.add_parser(
        "check",
        help="say whether a voucher can be used (exit 0) or why not (exit 1)",
        description="Say whether a voucher can be used now (exit 0) or why not (exit 1).",
    )
    db_argument(check)
    check.add_argument("code", metavar="CODE")
    check.add_argument("--spend", metavar="X", help="check the minimum spend against X")
    check.add_argument("--customer", metavar="ID", type=int, help="the customer presenting it")
    check.set_defaults(handler=_check)

    redeem = action.add_parser(
        "redeem",
        help="use a voucher against a purchase",
        description="Use a voucher against a purchase: its discount comes off the total, once.",
    )
    db_argument(redeem)
    redeem.add_argument("code", metavar="CODE")
    redeem.add_argument("--purchase", metavar="REF", required=True, help="the purchase reference")
    redeem.set_defaults(handler=_redeem)


def _open(args: argparse.Namespace) -> ShopDatabase:
    """The shop named by --db, which must exist."""
    from desktop.store.shopfile import open_shop

    return open_shop(existing_shop_location(args))


def _check_out(out: Path) -> None:
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder: give a file name like {out / 'inserts.pdf'}.")


def _write_pdf(out: Path, render: Callable[[BinaryIO], int]) -> int:
    """Render into a temporary file beside `out`, then rename it: a failed run never leaves a
    half-written PDF under the name asked for."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as handle:
            pages = render(handle)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _print_inserts(args: argparse.Namespace) -> int:
    from desktop.printing import render_inserts
    from desktop.printing.layouts import get_layout
    from desktop.shop.guides import care_cards_for_purchases
    from desktop.shop.insert_options import insert_options
    from desktop.shop.inserts import (
        mark_inserts_printed,
        mark_vouchers_printed,
        prepare_inserts,
        shop_branding,
    )
    from desktop.shop.parcels import parcels_between
    from desktop.shop.purchases import find_purchase
    from desktop.store.models import utc_now

    if args.include_printed and args.purchase:
        raise UsageError("--include-printed goes with --today or --since.")
    today = date.today()
    if args.since is not None and args.since > today:
        raise UsageError(f"--since {args.since.isoformat()} is in the future.")
    _check_out(args.out)
    shop = _open(args)
    try:
        with shop.write() as session:
            stored = insert_options(session)
            options = replace(
                stored,
                template=args.template or stored.template,
                layout=get_layout(args.layout or stored.layout).name,
                colour=stored.colour and not args.greyscale,
            )
            if args.purchase:
                ids = list(dict.fromkeys(find_purchase(session, ref).id for ref in args.purchase))
            else:
                rows = parcels_between(session, args.since or today, today)
                ids = [
                    r.purchase_id for r in rows if args.include_printed or not r.insert_printed_at
                ]
            batch = prepare_inserts(session, ids, options=options)
            cards = care_cards_for_purchases(session, batch.purchase_ids)
            branding = shop_branding(session)
        if not batch.inserts:
            when = "today" if args.since is None else f"since {args.since:%d %B %Y}"
            print(f"No inserts to print: no parcel order {when} is waiting for its insert.")
            return 0
        pages = _write_pdf(
            args.out,
            lambda out: render_inserts(
                batch.inserts,
                branding,
                out,
                layout=options.layout,
                colour=options.colour,
                care_cards=cards,
            ),
        )
        with shop.write() as session:
            now = utc_now()
            mark_inserts_printed(session, batch.purchase_ids, now)
            mark_vouchers_printed(session, batch.voucher_ids, now)
    finally:
        shop.close()
    count = len(batch.inserts)
    with_cards = f" and {_plural(len(cards), 'care card')}" if cards else ""
    print(f"Wrote {_plural(count, 'insert')}{with_cards} ({_plural(pages, 'page')}) to {args.out}")
    return 0


def _print_vouchers(args: argparse.Namespace) -> int:
    from desktop.printing import render_voucher_slips
    from desktop.printing.layouts import get_layout
    from desktop.shop.codes import format_code
    from desktop.shop.inserts import mark_vouchers_printed, shop_branding, voucher_content
    from desktop.shop.vouchers import VoucherRefused, find_voucher, refusal, unprinted_vouchers
    from desktop.store.models import utc_now

    layout = get_layout(args.layout or SLIP_LAYOUT).name
    _check_out(args.out)
    shop = _open(args)
    try:
        with shop.read() as session:
            branding = shop_branding(session)
            if args.code:
                found = list(
                    {v.id: v for v in (find_voucher(session, c) for c in args.code)}.values()
                )
                for voucher in found:
                    reason = refusal(session, voucher, spend=None, customer_id=voucher.customer_id)
                    if reason:
                        raise VoucherRefused(f"{format_code(voucher.code)}: {reason}")
            else:
                found = unprinted_vouchers(session)
            slips = [voucher_content(voucher, branding.locale) for voucher in found]
            ids = [voucher.id for voucher in found]
        if not slips:
            print("No voucher slips to print: every usable voucher is printed already.")
            return 0
        pages = _write_pdf(
            args.out,
            lambda out: render_voucher_slips(
                slips, branding, out, layout=layout, colour=not args.greyscale
            ),
        )
        with shop.write() as session:
            mark_vouchers_printed(session, ids, utc_now())
    finally:
        shop.close()
    print(f"Wrote {_plural(len(slips), 'voucher slip')} ({_plural(pages, 'page')}) to {args.out}")
    return 0


def _issue(args: argparse.Namespace) -> int:
    from desktop.shop.codes import format_code
    from desktop.shop.money import parse_amount
    from desktop.shop.settings import get_profile
    from desktop.shop.vouchers import (
        VoucherTerms,
        describe_conditions,
        describe_value,
        issue_voucher,
    )

    shop = _open(args)
    try:
        with shop.write() as session:
            profile = get_profile(session)

            def money(text: str | None, field: str) -> int | None:
                if text is None:
                    return None
                return parse_amount(text, profile.currency, field, profile.locale)

            voucher = issue_voucher(
                session,
                VoucherTerms(
                    kind=args.kind,
                    percent=args.percent,
                    amount=money(args.amount, "amount off"),
                    min_spend=money(args.min_spend, "minimum spend") or 0,
                    expires_on=args.expires,
                    terms=args.terms,
                    customer_id=args.customer,
                    reason="Issued from the command line",
                ),
            )
            code = format_code(voucher.code)
            summary = (
                f"{KINDS[voucher.kind]}: {describe_value(voucher, profile.locale)}. "
                f"{describe_conditions(voucher, profile.locale)}"
            )
    finally:
        shop.close()
    print(code)
    print(summary)
    return 0


def _check(args: argparse.Namespace) -> int:
    from desktop.shop.codes import format_code
    from desktop.shop.errors import ShopError
    from desktop.shop.money import format_money, parse_amount
    from desktop.shop.settings import get_profile
    from desktop.shop.vouchers import (
        describe_conditions,
        describe_value,
        discount_for,
        find_voucher,
        refusal,
    )

    shop = _open(args)
    try:
        with shop.read() as session:
            locale = get_profile(session).locale
            try:
                voucher = find_voucher(session, args.code)
            except ShopError as error:
                print(error)
                return 1
            spend = None
            if args.spend is not None:
                spend = parse_amount(args.spend, voucher.currency, "spend", locale)
            # Without --customer the question is "is it still good?": the owner is shown instead.
            customer_id = voucher.customer_id if args.customer is None else args.customer
            reason = refusal(session, voucher, spend=spend, customer_id=customer_id)
            code = format_code(voucher.code)
            if reason:
                print(f"{code}: {reason}")
                return 1
            print(f"{code}: {KINDS[voucher.kind]}, {describe_value(voucher, locale)}.")
            print(describe_conditions(voucher, locale))
            if spend is not None:
                off = format_money(discount_for(voucher, spend), voucher.currency, locale)
                print(
                    f"Takes {off} off a spend of {format_money(spend, voucher.currency, locale)}."
                )
    finally:
        shop.close()
    return 0


def _redeem(args: argparse.Namespace) -> int:
    from desktop.shop.money import format_money
    from desktop.shop.purchases import find_purchase
    from desktop.shop.settings import get_profile
    from desktop.shop.vouchers import redeem_voucher

    shop = _open(args)
    try:
        with shop.write() as session:
            locale = get_profile(session).locale
            purchase = find_purchase(session, args.purchase)
            redemption = redeem_voucher(session, args.code, purchase.id)
            off = format_money(redemption.discount, purchase.currency, locale)
            total = format_money(purchase.total, purchase.currency, locale)
            message = f"Took {off} off purchase {purchase.reference}: the total is now {total}."
    finally:
        shop.close()
    print(message)
    return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
