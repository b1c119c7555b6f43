"""The command line: `python main.py [--db PATH] [command ...]`. No command opens the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.cli_common import UsageError, db_argument, shop_location

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aftercare",
        description="Aftercare: the after-sale companion for your shop. "
        "Without a command it opens the app.",
    )
    db_argument(parser, top_level=True)
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="command")

    demo = commands.add_parser("demo", help="fill a shop file with a believable sample shop")
    db_argument(demo)
    demo.add_argument("--customers", type=int, default=2000, help="how many (default 2000)")
    demo.add_argument("--years", type=float, default=3, help="years of history (default 3)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same shop (default 1)")
    demo.set_defaults(handler=_demo)

    check = commands.add_parser("check", help="check a shop file's integrity and schema")
    db_argument(check)
    check.set_defaults(handler=_check)

    backup = commands.add_parser("backup", help="copy a shop file safely, even while it is open")
    db_argument(backup)
    backup.add_argument("--out", metavar="FILE", required=True, help="where to write the copy")
    backup.set_defaults(handler=_backup)

    smoke = commands.add_parser("smoke", help="open the window offscreen, visit every page, exit")
    db_argument(smoke)
    smoke.set_defaults(handler=_smoke)

    from desktop import cli_campaigns, cli_feedback, cli_lapsed, cli_loyalty, cli_printing

    for capability in (cli_printing, cli_lapsed, cli_loyalty, cli_feedback, cli_campaigns):
        capability.add_commands(commands)
    return parser


def _demo(args: argparse.Namespace) -> int:
    from desktop.shop.demo import DemoOptions, build_demo
    from desktop.store.shopfile import open_shop

    if not args.db:
        raise UsageError("demo needs --db PATH: a sample shop never goes into your real shop file.")
    if args.customers < 1 or args.years <= 0:
        raise UsageError("--customers must be at least 1 and --years more than 0.")
    shop = open_shop(shop_location(args))
    try:
        summary = build_demo(
            shop, DemoOptions(customers=args.customers, years=args.years, seed=args.seed)
        )
    finally:
        shop.close()
    print(summary)
    return 0


def _check(args: argparse.Namespace) -> int:
    from desktop.store.health import check_shop

    report = check_shop(shop_location(args))
    print(report.message)
    return 0 if report.sound else 1


def _backup(args: argparse.Namespace) -> int:
    from desktop.store.backup import backup_to
    from desktop.store.shopfile import open_shop

    shop = open_shop(shop_location(args), read_only=True)
    try:
        written = backup_to(shop.engine, Path(args.out))
    finally:
        shop.close()
    print(f"Backup written and verified: {written}")
    return 0


def _smoke(args: argparse.Namespace) -> int:
    from desktop.app import smoke

    return smoke(shop_location(args))


def _open_app(args: argparse.Namespace) -> int:
    from desktop.app import run_app

    return run_app(args.db, exit_when_shown=args.exit_when_shown)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = getattr(args, "handler", _open_app)
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from desktop.errors import describe_error

        message = describe_error(error)
        if message is None:
            raise
        print(f"aftercare: {message}", file=sys.stderr)
        return 2
