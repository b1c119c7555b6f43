"""The loyalty commands: `loyalty show --db PATH (--customer ID | --card NUMBER)`, a member at a
glance, and `print cards --db PATH (--customer ID ... | --new) --out FILE.pdf`, member cards."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli_common import db_argument, existing_shop_location

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.shop.loyalty import MemberSummary


def add_commands(subparsers: Any) -> None:
    """Add the `loyalty` command and its sub-commands to the main parser's sub-parsers."""
    loyalty = subparsers.add_parser("loyalty", help="the loyalty programme's members and points")
    actions = loyalty.add_subparsers(dest="loyalty_command", metavar="action", required=True)
    show = actions.add_parser("show", help="a member's balance, tier, rewards and recent points")
    db_argument(show)
    who = show.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ID", type=int, help="the customer's number")
    who.add_argument("--card", metavar="NUMBER", help="the loyalty card number, as printed")
    show.set_defaults(handler=show_member)
    _add_print_cards(subparsers)


def _print_actions(subparsers: Any) -> Any:
    """The `print` command's list of what it prints: `cli_printing` makes the command (inserts,
    vouchers), and cards join it there; a parser without it gets the command here."""
    printing = subparsers.choices.get("print")
    if printing is None:
        printing = subparsers.add_parser("print", help="print member cards")
        return printing.add_subparsers(dest="what", metavar="what", required=True)
    return next(a for a in printing._actions if isinstance(a, argparse._SubParsersAction))


def _add_print_cards(subparsers: Any) -> None:

    # Layout names are checked when the command runs: ReportLab is not loaded for `--help`.
    cards = _print_actions(subparsers).add_parser(
        "cards",
        help="loyalty member cards, into one PDF",
        description="Member cards (credit-card size, with the shop's logo, the member's name, "
        "the card number, Code 128 and a QR code), written into one PDF.",
    )
    db_argument(cards)
    who = cards.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--customer",
        metavar="ID",
        type=int,
        nargs="+",
        action="extend",
        help="the members' customer numbers",
    )
    who.add_argument("--new", action="store_true", help="every member whose card was never printed")
    cards.add_argument(
        "--layout",
        metavar="NAME",
        help="a4-10up: ten to an A4 sheet, with crop marks (the default); "
        "cr80: one card a page, for a card printer",
    )
    cards.add_argument("--greyscale", action="store_true", help="print without colour")
    cards.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    cards.set_defaults(handler=print_cards)


def show_member(args: argparse.Namespace) -> int:
    from desktop.shop.loyalty import member_summary
    from desktop.shop.loyalty_members import find_member
    from desktop.store.shopfile import open_shop

    shop = open_shop(existing_shop_location(args))
    try:
        with shop.read() as session:
            typed = str(args.customer) if args.customer is not None else args.card
            account = find_member(session, typed)
            print(describe_summary(session, member_summary(session, account.id)))
    finally:
        shop.close()
    return 0


def describe_summary(session: Session, summary: MemberSummary) -> str:
    """The summary as lines of text, in the shop's words and money."""
    from desktop.shop.money import format_money
    from desktop.shop.settings import get_profile

    profile = get_profile(session)
    programme = summary.programme

    def money(minor: int) -> str:
        return format_money(minor, profile.currency, profile.locale)

    account = summary.account
    lines = [
        f"{summary.name} (customer {account.customer_id}), card {summary.card}",
        f"Member since {_day(account.enrolled_at)}",
        f"Balance: {programme.units(summary.balance)}",
    ]
    if programme.kind == "stamps":
        on_card = max(summary.balance, 0) % programme.card_size
        lines.append(f"Card: {on_card} of {programme.card_size} {programme.unit_plural}")
    tier = summary.tier
    if programme.tiers:
        spent = f"{money(tier.spend)} in the last {programme.tier_months} months"
        name = tier.tier.name if tier.tier else "no tier yet"
        lines.append(f"Tier: {name} ({spent})")
        if tier.tier and tier.tier.perks:
            lines.append(f"Perks: {tier.tier.perks}")
        if tier.next_tier and tier.to_next is not None:
            lines.append(f"{money(tier.to_next)} more to reach {tier.next_tier.name}")
    if summary.expires_on:
        lines.append(
            f"{programme.unit_plural.capitalize()} expire on {summary.expires_on:%d %b %Y}"
        )
        lines[-1] += " without another visit"
    if summary.affordable:
        lines.append("Rewards they can have now:")
        lines += [
            f"  {o.name}: {o.description}, {programme.units(o.cost)}" for o in summary.affordable
        ]
    else:
        lines.append("No reward is affordable yet.")
    if summary.next_reward:
        short = summary.next_reward
        lines.append(f"Next reward: {short.name}, {programme.units(short.short_by)} to go")
    if summary.recent:
        lines.append("Recent:")
        lines += [
            f"  {_moment(e.created_at)}  {e.kind:<7} {e.points:+,}  {e.reason}"
            f"  (balance {e.balance_after:,})"
            for e in summary.recent
        ]
    return "\n".join(lines)


def _day(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %Y}"


def _moment(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %Y %H:%M}"


def print_cards(args: argparse.Namespace) -> int:

    from desktop.cli_printing import _check_out, _plural
    from desktop.printing.cards import DEFAULT_CARD_LAYOUT, MemberCard, card_layout, render_cards
    from desktop.shop.customers import get_customer
    from desktop.shop.inserts import shop_branding
    from desktop.shop.loyalty_ledger import account_for_customer
    from desktop.shop.loyalty_members import NotAMember, mark_cards_printed, unprinted_cards
    from desktop.shop.loyalty_rules import get_programme
    from desktop.store.shopfile import open_shop

    layout = card_layout(args.layout or DEFAULT_CARD_LAYOUT).name
    _check_out(args.out)
    shop = open_shop(existing_shop_location(args))
    try:
        with shop.read() as session:
            unit = get_programme(session).unit_plural
            if args.new:
                accounts = unprinted_cards(session)
            else:
                accounts = []
                for customer_id in dict.fromkeys(args.customer):
                    account = account_for_customer(session, customer_id)
                    if account is None:
                        name = get_customer(session, customer_id).name
                        raise NotAMember(
                            customer_id,
                            f"{name} (customer {customer_id}) is not a member yet: "
                            "enrol them on the Loyalty page first.",
                        )
                    accounts.append(account)
            cards = [
                MemberCard(a.card_number, a.customer.name if a.customer else "", unit)
                for a in accounts
            ]
            branding = shop_branding(session)
        if not cards:
            print("Every member's card has been printed already: nothing to print.")
            return 0
        # Written aside and renamed: a failed run never leaves half a PDF under the name asked for.
        pages = render_cards(cards, branding, args.out, layout=layout, colour=not args.greyscale)
        with shop.write() as session:
            mark_cards_printed(session, [a.id for a in accounts])
    finally:
        shop.close()
    print(f"Wrote {_plural(len(cards), 'member card')} ({_plural(pages, 'page')}) to {args.out}")
    return 0
