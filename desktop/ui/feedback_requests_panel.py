"""The post-purchase feedback email: on or off, how many days after, its words with a live
preview, and "12 requests due — Send now" sending in the background with progress and cancel.

Self-contained so the Feedback page or Settings can hold it. Who is due and whether anyone may
be asked is the shop's decision (desktop/mail/feedback_requests.py and shop/feedback.py).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.mail.feedback_requests import (
    RequestSendResult,
    mail_server,
    render_request,
    sample_values,
    send_due_feedback_requests,
    sending_problems,
)
from desktop.mail.smtp_settings import PASSWORDS
from desktop.shop.campaign_emails import sender
from desktop.shop.campaigns import Template
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback_asking import (
    PLACEHOLDERS,
    RequestSettings,
    load_request_settings,
    requests_due,
    save_request_settings,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message, with_error

REFRESHED_BY = ("purchases", "customers", "settings", "feedback")
NOTICE_STYLE = (
    "QLabel { background: palette(alternate-base); border: 1px solid palette(mid); "
    "border-radius: 4px; padding: 8px; }"
)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def describe_result(result: RequestSendResult) -> str:
    """One line for the shopkeeper about a finished (or stopped) run."""
    parts = [f"Sent {_plural(result.sent, 'request')}."]
    if result.failed:
        parts.append(f"{result.failed:,} refused by the mail server (wrong address?).")
    if result.skipped:
        parts.append(f"{result.skipped:,} left out (unsubscribed or asked meanwhile).")
    if result.uncertain:
        parts.append(
            f"{result.uncertain:,} may not have arrived (the connection broke): "
            "they won't be sent again."
        )
    if result.stopped:
        parts.append(result.stopped)
    return " ".join(parts)


class FeedbackRequestsPanel(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.passwords = PASSWORDS
        self.worker: workers.Worker | None = None
        self._sample: dict[str, str] = {}
        self._shop_email = ""

        intro = QLabel(
            "A few days after a purchase, customers with an email address get one short email "
            "asking how it went, with a link to your feedback form and the care guide for what "
            "they bought. Anyone who unsubscribed or asked not to be asked is left out, and "
            "nobody gets more than one in 30 days. While Aftercare is open, due requests go out "
            "on their own every few hours; Send now sends them at once."
        )
        intro.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)

        self.enabled = QCheckBox("&Email customers for feedback after a purchase")
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setSuffix(" days after the purchase")
        self.days.setMaximumWidth(260)
        self.days_error = error_label()
        self.subject = QLineEdit()
        self.subject_error = error_label()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.text_error = error_label()
        names = "  ".join("{" + name + "}" for name in PLACEHOLDERS)
        hint = QLabel(
            f"You can use {names}. Lines with a guide placeholder are left out when what was "
            "bought has no guide."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        # Shown as most mail programs show it, whatever the app's theme.
        self.preview.setStyleSheet("QTextBrowser { background: white; color: black; }")
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        self.save_button = QPushButton("&Save settings")
        self.save_button.clicked.connect(self.save)
        self.saved = QLabel()

        self.due = QLabel()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Mail server password (kept until you close the app)")
        self.send_button = QPushButton("Send &now")
        self.send_button.clicked.connect(self.send)
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.send_error = error_label()

        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow("Send", with_error(self.days, self.days_error))
        form.addRow("Subject", with_error(self.subject, self.subject_error))
        form.addRow("Email", with_error(self.text, hint, self.text_error))
        saving = QHBoxLayout()
        saving.addWidget(self.save_button)
        saving.addWidget(self.saved, 1)
        form.addRow("", saving)
        preview_box = QGroupBox("Preview (a sample customer)")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview_subject)
        preview_layout.addWidget(self.preview, 1)
        words = QHBoxLayout()
        words.addLayout(form, 3)
        words.addWidget(preview_box, 2)

        sending = QHBoxLayout()
        sending.addWidget(self.due, 1)
        sending.addWidget(self.password)
        sending.addWidget(self.send_button)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        send_box = QGroupBox("Today")
        send_layout = QVBoxLayout(send_box)
        send_layout.addLayout(sending)
        send_layout.addLayout(running)
        send_layout.addWidget(self.result)
        send_layout.addWidget(self.send_error)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.notice)
        layout.addLayout(words, 1)
        layout.addWidget(send_box)

        for edited in (self.subject.textChanged, self.text.textChanged):
            edited.connect(self._preview)
        self.enabled.toggled.connect(self._edited)
        self.days.valueChanged.connect(self._edited)
        self.subject.textEdited.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        events.changed.connect(self._changed)
        self._show_running(False)
        self.refresh()

    # Showing ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the settings, what stops sending, and how many are due today."""
        with self.shop.read() as session:
            settings = load_request_settings(session)
            problems = sending_problems(session)
            due = len(requests_due(session, date.today()))
            self._sample = sample_values(session)
            try:
                self._shop_email = sender(session)[1]
            except InvalidInput:
                self._shop_email = "your-shop@example.com"
            stored = None
            if not problems:
                stored = self.passwords.get(mail_server(session))
        for widget in (self.enabled, self.days, self.subject, self.text):
            widget.blockSignals(True)
        self.enabled.setChecked(settings.enabled)
        self.days.setValue(settings.days_after)
        self.subject.setText(settings.template.subject)
        self.text.setPlainText(settings.template.text)
        for widget in (self.enabled, self.days, self.subject, self.text):
            widget.blockSignals(False)
        self._preview()
        others = [problem for problem in problems if not problem.startswith("Feedback requests")]
        show_message(self.notice, "\n".join(others))
        if not settings.enabled:
            self.due.setText(f"Requests are off. {_plural(due, 'customer')} would be due today.")
        else:
            self.due.setText(f"<b>{_plural(due, 'request')} due today</b>")
        running = self.worker is not None
        self.send_button.setEnabled(not problems and due > 0 and not running)
        self.password.setVisible(not problems and stored is None and not self.password.text())

    def _changed(self, what: str) -> None:
        if what in REFRESHED_BY and self.worker is None:
            self.refresh()

    def _edited(self) -> None:
        self.saved.clear()

    def _preview(self) -> None:
        template = Template(self.subject.text(), self.text.toPlainText())
        rendered = render_request(template, self._sample, self._shop_email)
        self.preview_subject.setText(f"<b>Subject:</b> {rendered.subject}")
        self.preview.setHtml(rendered.html)

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    # Doing -----------------------------------------------------------------------------------

    def save(self) -> bool:
        """Keep the settings; a problem is shown under its field."""
        for label in (self.days_error, self.subject_error, self.text_error):
            show_message(label, "")
        settings = RequestSettings(
            self.enabled.isChecked(),
            self.days.value(),
            Template(self.subject.text(), self.text.toPlainText()),
        )
        try:
            with self.shop.write() as session:
                save_request_settings(session, settings)
        except InvalidInput as error:
            label, field = {
                "days": (self.days_error, self.days),
                "subject": (self.subject_error, self.subject),
            }.get(error.field or "", (self.text_error, self.text))
            show_message(label, str(error))
            field.setFocus()
            return False
        self.saved.setText("✓ Saved")
        self.events.changed.emit("feedback")
        return True

    def send(self) -> None:
        """Save what is on screen, then send today's requests in the background."""
        show_message(self.send_error, "")
        if not self.save():
            return
        with self.shop.read() as session:
            problems = sending_problems(session)
            stored = None if problems else self.passwords.get(mail_server(session))
        if problems:
            show_message(self.send_error, problems[0])
            return
        password = stored if stored is not None else self.password.text()
        if not password:
            self.password.show()
            self.password.setFocus()
            show_message(self.send_error, "Type the mail server's password first.")
            return
        shop, today = self.shop, date.today()

        def job(progress: workers.Progress) -> RequestSendResult:
            return send_due_feedback_requests(
                shop,
                password,
                progress.report,
                today=today,
                should_stop=lambda: progress.cancelled,
            )

        self.result.setText("Sending…")
        self.progress.setRange(0, 0)
        self._show_running(True)
        self.send_button.setEnabled(False)
        self.worker = workers.start(
            job,
            finished=self._finished,
            failed=self._failed,
            progress=self._progress,
            cancelled=self._cancelled,
        )

    def cancel(self) -> None:
        if self.worker is not None:
            self.cancel_button.setEnabled(False)
            self.result.setText("Stopping after the email being sent now…")
            self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.result.setText(f"Sent {done:,} of {total:,}…")

    def _done(self, message: str) -> None:
        self.worker = None
        self._show_running(False)
        self.events.changed.emit("feedback")
        self.refresh()
        self.result.setText(message)

    def _finished(self, result: RequestSendResult) -> None:
        self._done(describe_result(result))

    def _cancelled(self) -> None:
        self._done("Stopped. The rest are still due: press Send now to send them.")

    def _failed(self, error: BaseException) -> None:
        message = describe_error(error)
        self._done("")
        show_message(self.send_error, message or "Sending failed unexpectedly; see the log.")
