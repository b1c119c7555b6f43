"""Feedback requests go out on their own while Aftercare is open: a couple of minutes after the
shop opens, then every few hours, in the background. When they are turned off, the mail server
is not set up or its password is not on this computer, nothing happens; the Feedback page's
"Asking by email" tab says what is missing and has Send now."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QTimer

from desktop.errors import describe_error
from desktop.mail.feedback_requests import (
    RequestSendResult,
    mail_server,
    send_due_feedback_requests,
    sending_problems,
)
from desktop.mail.smtp_settings import PASSWORDS
from desktop.shop.feedback_asking import requests_due
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.workers import Progress, Worker, start

log = logging.getLogger(__name__)
FIRST_RUN_MS = 2 * 60 * 1000  # after opening: the counter's first minutes are for customers
EVERY_MS = 3 * 60 * 60 * 1000


class AutomaticFeedbackRequests:
    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        *,
        first_run_ms: int = FIRST_RUN_MS,
        every_ms: int = EVERY_MS,
    ) -> None:
        self.shop = shop
        self.events = events
        self.last_result: RequestSendResult | None = None
        self._worker: Worker | None = None
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        self._every_ms = every_ms
        if not shop.read_only:
            self.timer.start(first_run_ms)

    def _tick(self) -> None:
        self.run_if_due()
        self.timer.start(self._every_ms)

    def run_if_due(self) -> bool:
        """Start sending if requests are on, ready and some are due; True when it started."""
        if self._worker is not None:
            return False
        today = date.today()
        with self.shop.read() as session:
            if sending_problems(session) or not requests_due(session, today):
                return False
            settings = mail_server(session)
        password = PASSWORDS.get(settings)
        if password is None and settings.user:
            return False  # asked for on the Feedback page, where Send now is
        shop = self.shop

        def job(progress: Progress) -> RequestSendResult:
            return send_due_feedback_requests(
                shop,
                password,
                lambda _done, _total: None,
                today=today,
                should_stop=lambda: progress.cancelled,
            )

        self._worker = start(job, finished=self._sent, failed=self._failed, cancelled=self._over)
        return True

    def _sent(self, result: RequestSendResult) -> None:
        self.last_result = result
        log.info(
            "feedback requests sent on their own: %d sent, %d failed, %d skipped",
            result.sent,
            result.failed,
            result.skipped,
        )
        self._over()

    def _failed(self, error: BaseException) -> None:
        if describe_error(error) is None:
            log.error("feedback requests failed", exc_info=error)
        else:
            log.warning("feedback requests not sent: %s", describe_error(error))
        self._over()

    def _over(self) -> None:
        self._worker = None
        self.events.changed.emit("feedback")

    def stop(self) -> None:
        """At closing: no new run; one under way stops after the email in hand."""
        self.timer.stop()
        if self._worker is not None:
            self._worker.cancel()
