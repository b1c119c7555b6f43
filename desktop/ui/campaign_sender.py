"""Sending a campaign's queued emails in the background: one run at a time, with progress and
Cancel; the window stays free meanwhile. The loop itself (at most one copy each, resumable)
is desktop/mail/campaign_sending.py."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.errors import describe_error
from desktop.mail.campaign_sending import SendResult, send_campaign
from desktop.mail.smtp_settings import PASSWORDS, PasswordStore, load_settings
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.events import ShopEvents

NO_SETTINGS = "Set up the shop's email account in Settings → Email first."
NO_PASSWORD = (
    "The email account's password is not saved on this computer: enter it in "
    "Settings → Email, then press Send again."
)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def result_words(result: SendResult) -> str:
    """'Sent 412, failed 3, skipped 5.' plus why it stopped and what is left."""
    text = f"Sent {result.sent:,}, failed {result.failed:,}, skipped {result.skipped:,}."
    if result.uncertain:
        text += f" {plural(result.uncertain, 'email')} uncertain (may have arrived)."
    if result.stopped:
        text += f" {result.stopped}"
    elif result.left:
        text += f" {result.left:,} left to send: press Resume."
    return text


class CampaignSender(QObject):
    """`progress(done, total)` while sending; `sent(SendResult)` when a run ends with its
    counts; `problem(text)` when it could not start, was stopped or failed; `idle` once a run
    is over, however it ended."""

    progress = Signal(int, int)
    sent = Signal(object)
    problem = Signal(str)
    idle = Signal()

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        owner: QWidget,
        passwords: PasswordStore | None = None,
    ) -> None:
        super().__init__(owner)
        self._shop = shop
        self._events = events
        self._passwords = passwords or PASSWORDS
        self._worker: workers.Worker | None = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, campaign_id: int) -> bool:
        """Send what the campaign has queued; False (with a message) when it cannot start."""
        if self._worker is not None:
            return False
        with self._shop.read() as session:
            settings = load_settings(session)
        if settings is None:
            self.problem.emit(NO_SETTINGS)
            return False
        password = self._passwords.get(settings)
        if password is None and settings.user:
            self.problem.emit(NO_PASSWORD)
            return False
        shop = self._shop

        def job(progress: workers.Progress) -> SendResult:
            def report(done: int, total: int) -> None:
                # Cancel is honoured between emails (should_stop), so the run ends with a
                # result rather than mid-way.
                if not progress.cancelled:
                    progress.report(done, total)

            return send_campaign(
                shop, campaign_id, password, report, should_stop=lambda: progress.cancelled
            )

        self._worker = workers.start(
            job,
            finished=self._finished,
            failed=self._failed,
            progress=self.progress.emit,
            cancelled=self._cancelled,
        )
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def _over(self) -> None:
        self._worker = None
        self._events.changed.emit("campaigns")
        self.idle.emit()

    def _finished(self, result: SendResult) -> None:
        self.sent.emit(result)
        self._over()

    def _cancelled(self) -> None:
        self.problem.emit("Sending was stopped; press Resume to send the rest.")
        self._over()

    def _failed(self, error: BaseException) -> None:
        text = describe_error(error)
        self.problem.emit(
            f"Sending stopped: {text}" if text else "Sending stopped (details are in the log)."
        )
        self._over()
