"""Feedback requests going out on their own while the app is open, against a real SMTP server
(three customers are due: tests/feedback_request_fixtures.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from desktop.shop.feedback_asking import RequestSettings, save_request_settings
from desktop.store.shopfile import ShopDatabase
from desktop.ui.automatic_requests import AutomaticFeedbackRequests
from desktop.ui.events import ShopEvents

pytest_plugins = ("tests.mail_fixtures", "tests.feedback_request_fixtures")

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.mail_fixtures import Server


def test_due_requests_go_out_once_on_their_own(
    qtbot: QtBot,
    shop: ShopDatabase,
    ready: Callable[[int], Server],
) -> None:
    smtp_server = ready(0)
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    sender = AutomaticFeedbackRequests(shop, events, first_run_ms=0, every_ms=60_000)
    qtbot.waitUntil(lambda: sender.last_result is not None, timeout=30_000)
    assert sender.last_result is not None and sender.last_result.sent == 3
    assert len(smtp_server.inbox.messages) == 3
    assert seen == ["feedback"]
    # The next round finds nobody left to ask.
    assert not sender.run_if_due()
    sender.stop()
    assert len(smtp_server.inbox.messages) == 3


def test_nothing_goes_out_while_requests_are_off(
    qtbot: QtBot,
    shop: ShopDatabase,
    ready: Callable[[int], Server],
) -> None:
    smtp_server = ready(0)
    with shop.write() as session:
        save_request_settings(session, RequestSettings(enabled=False))
    sender = AutomaticFeedbackRequests(shop, ShopEvents(), first_run_ms=60_000)
    assert not sender.run_if_due()
    sender.stop()
    assert smtp_server.inbox.messages == []
