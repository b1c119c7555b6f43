"""The `feedback send-requests` command: email the customers due a "how did we do?" request.

`python main.py feedback send-requests --db PATH [--dry-run]`, for a scheduled task on the
counter PC. `desktop.cli_feedback` adds it to the `feedback` group with `add_actions`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import TYPE_CHECKING

from desktop.cli_common import UsageError, db_argument, existing_shop_location

if TYPE_CHECKING:
    from desktop.shop.feedback import FeedbackRequestDue


def add_actions(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `send-requests` to the `feedback` command's actions."""
    sending = actions.add_parser(
        "send-requests",
        help="email the customers due a post-purchase feedback request",
        description="Email each customer whose purchase was the set number of days ago a "
        "short request for feedback, linking your feedback form and the care guide for what "
        "they bought. Nobody is asked twice; unsubscribed customers are never asked. The mail "
        "server's password comes from this computer's keyring, or is asked for.",
    )
    db_argument(sending)
    sending.add_argument(
        "--dry-run", action="store_true", help="list who would be asked, send nothing"
    )
    sending.set_defaults(handler=send_requests)


def describe_due(due: list[FeedbackRequestDue]) -> str:
    """Who would be asked, one line each."""
    if not due:
        return "Nobody is due a feedback request today."
    noun = "customer" if len(due) == 1 else "customers"
    lines = [f"{len(due)} {noun} due a feedback request:"]
    for row in due:
        local = row.purchased_at.astimezone()
        guide = f", guide “{row.guide_title}”" if row.guide_title else ""
        lines.append(
            f"  {row.customer_name} <{row.email}>: purchase {row.reference} of "
            f"{local.day} {local:%b %Y}{guide}"
        )
    return "\n".join(lines)


def _password(settings_account: str, stored: str | None) -> str:
    if stored is not None:
        return stored
    if not sys.stdin.isatty():
        raise UsageError(
            f"The password for {settings_account} is not stored on this computer: save it in "
            "the app's mail settings, or run this command in a terminal to type it."
        )
    return getpass.getpass(f"Password for {settings_account}: ")


def send_requests(args: argparse.Namespace) -> int:
    from desktop.mail.feedback_requests import (
        mail_server,
        send_due_feedback_requests,
        sending_problems,
    )
    from desktop.mail.smtp_settings import PasswordStore
    from desktop.shop.feedback_asking import requests_due
    from desktop.store.shopfile import open_shop

    today = date.today()
    shop = open_shop(existing_shop_location(args))
    try:
        with shop.read() as session:
            print(describe_due(requests_due(session, today)))
            problems = sending_problems(session)
            settings = None if problems else mail_server(session)
        if args.dry_run:
            for problem in problems:
                print(f"Before sending: {problem}")
            print("Dry run: nothing was sent.")
            return 0
        if settings is None:
            raise UsageError(problems[0])
        password = _password(settings.account, PasswordStore().get(settings))
        result = send_due_feedback_requests(shop, password, lambda done, total: None, today=today)
    finally:
        shop.close()
    print(
        f"Sent {result.sent}, failed {result.failed}, skipped {result.skipped}, "
        f"uncertain {result.uncertain}; {result.left} still due."
    )
    if result.stopped:
        print(result.stopped, file=sys.stderr)
        return 1
    return 0
