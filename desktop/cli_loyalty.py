"""`python main.py loyalty show --db PATH (--customer ID | --card NUMBER)`: a member at a glance."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.store.locations import default_shop_path

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.shop.loyalty import MemberSummary


def add_commands(subparsers: Any) -> None:
    """Add the `loyalty` command and its sub-commands to the main parser's sub-parsers."""
    loyalty = subparsers.add_parser("loyalty", help="the loyalty programme's members and points")
    actions = loyalty.add_subparsers(dest="loyalty_command", metavar="action", required=True)
    show = actions.add_parser("show", help="a member's balance, tier, rewards and recent points")
    show.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the shop file (or a database URL); default: the shop in your data folder",
    )
    who = show.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ID", type=int, help="the customer's number")
    who.add_argument("--card", metavar="NUMBER", help="the loyalty card number, as printed")
    show.set_defaults(handler=show_member)


def show_member(args: argparse.Namespace) -> int:
    from desktop.shop.loyalty import member_summary
    from desktop.shop.loyalty_members import find_member
    from desktop.store.shopfile import open_shop

    location = getattr(args, "db", None) or str(default_shop_path())
    shop = open_shop(location)
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
