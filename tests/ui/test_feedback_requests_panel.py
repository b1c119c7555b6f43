"""The feedback request panel: what stops sending said plainly, the words with a live preview,
and "Send now" in the background against a real SMTP server, cancelled and resumed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from desktop.shop.feedback_asking import (
    load_request_settings,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_requests_panel import FeedbackRequestsPanel

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures", "tests.feedback_request_fixtures")

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.mail_fixtures import Server


def _panel(qtbot: QtBot, shop: ShopDatabase) -> tuple[FeedbackRequestsPanel, list[str]]:
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    panel = FeedbackRequestsPanel(shop, events)
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    panel.show()
    return panel, seen


def test_without_a_mail_server_or_form_it_says_so_and_cannot_send(
    qtbot: QtBot, bought: ShopDatabase
) -> None:
    panel, _ = _panel(qtbot, bought)

    assert panel.notice.isVisible()
    assert "mail server" in panel.notice.text()
    assert "feedback form" in panel.notice.text()
    assert "Requests are off. 3 customers would be due today." in panel.due.text()
    assert not panel.send_button.isEnabled()


def test_the_preview_follows_the_words_and_bad_words_are_refused_in_place(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    panel, seen = _panel(qtbot, shop)
    assert "Zoë" in panel.preview.toPlainText()
    assert "Caring for your new teapot" in panel.preview.toPlainText()

    panel.subject.setText("Wie war's bei {shop_name}, {first_name}?")
    panel.text.setPlainText("Hallo {first_name}! Erzählen Sie uns: {feedbak_link}")
    assert "Wie war's bei" in panel.preview_subject.text()
    assert not panel.save()
    assert panel.text_error.isVisible() and "{feedbak_link}" in panel.text_error.text()

    panel.text.setPlainText("Hallo {first_name}! Erzählen Sie uns: {feedback_link}")
    panel.enabled.setChecked(True)
    panel.days.setValue(3)
    assert panel.save()

    assert not panel.text_error.isVisible()
    assert seen == ["feedback"]
    with shop.read() as session:
        kept = load_request_settings(session)
    assert (kept.enabled, kept.days_after) == (True, 3)
    assert kept.template.text == "Hallo {first_name}! Erzählen Sie uns: {feedback_link}"
    assert "Hallo Zoë! Erzählen Sie uns: https://" in panel.preview.toPlainText()


def test_send_now_sends_in_the_background_then_nothing_is_due(
    qtbot: QtBot,
    shop: ShopDatabase,
    ready: Callable[[int], Server],
) -> None:
    smtp_server = ready(0)
    panel, seen = _panel(qtbot, shop)
    assert "3 requests due today" in panel.due.text()
    assert not panel.password.isVisible()  # the keyring has it

    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=30_000)

    assert panel.result.text() == "Sent 3 requests."
    assert "0 requests due today" in panel.due.text()
    assert not panel.send_button.isEnabled()
    assert "feedback" in seen
    inbox = smtp_server.inbox.by_recipient()
    assert sorted(inbox) == ["c0@ex.org", "c1@ex.org", "c2@ex.org"]


def test_cancelled_midway_then_sent_again_everyone_gets_one(
    qtbot: QtBot,
    shop: ShopDatabase,
    ready: Callable[[int], Server],
) -> None:
    smtp_server = ready(60)  # one a second: time to press Cancel
    panel, _ = _panel(qtbot, shop)

    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=30_000)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=30_000)

    assert panel.result.text().startswith("Stopped.")
    assert len(smtp_server.inbox.messages) < 3
    assert panel.send_button.isEnabled()
    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=30_000)

    inbox = smtp_server.inbox.by_recipient()
    assert sorted(inbox) == ["c0@ex.org", "c1@ex.org", "c2@ex.org"]
    assert all(len(messages) == 1 for messages in inbox.values())
    assert "0 requests due today" in panel.due.text()
