"""The actions on the selected campaign, each labelled with how many customers it would reach
now: vouchers with queued emails, sending (in the background, with Cancel and Resume),
postcards or DL letters, and a mailing list for Mailchimp, Klaviyo or a plain CSV.

Every action is safe to press twice: the shop's cooldown keeps anyone already contacted for
the campaign's purpose out of the next batch, and sending only sends what is still queued.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.mail.campaign_sending import SendResult
from desktop.shop.mailing_lists import Format
from desktop.shop.settings import ShopProfile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.campaign_jobs import (
    FORMAT_TITLES,
    CampaignState,
    Postal,
    export_mailing_list,
    issue_and_queue,
    postal_job,
    queue_uncertain_again,
)
from desktop.ui.campaign_sender import CampaignSender, plural, result_words
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.print_jobs import BatchPrinter, PrintProgress


class CampaignActions(QWidget):
    """Acts on `state` (set by the page with `show_state`); emits "campaigns" (and "vouchers"
    when vouchers were issued) after each action, and the page shows the new state."""

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        profile: ShopProfile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.profile = profile
        self.state: CampaignState | None = None
        self._confirmed: Callable[[], None] | None = None

        self.queue_button = QPushButton()
        self.queue_button.clicked.connect(self.ask_issue_and_queue)
        self.send_button = QPushButton()
        self.send_button.clicked.connect(self.send)
        self.retry_button = QPushButton()
        self.retry_button.clicked.connect(self.ask_retry_uncertain)
        self.postcards_button = QPushButton()
        self.postcards_button.clicked.connect(lambda: self.print_postal("postcards"))
        self.letters_button = QPushButton()
        self.letters_button.clicked.connect(lambda: self.print_postal("letters"))
        self.format = QComboBox()
        for kind, title in FORMAT_TITLES.items():
            self.format.addItem(title, kind)
        self.bom = QCheckBox("For Excel (UTF-8 with BOM)")
        self.bom.setChecked(True)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export)
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.clicked.connect(self.confirm)
        self.not_now = QPushButton("Not now")
        self.not_now.clicked.connect(self._hide_confirm)
        self.send_progress = PrintProgress()
        self.print_progress = PrintProgress()
        self.done = QLabel()
        self.done.setWordWrap(True)
        self.done.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.done.hide()
        self.message = error_label()

        self.mailer = CampaignSender(shop, events, self)
        self.mailer.progress.connect(self.send_progress.step)
        self.mailer.sent.connect(self._sent)
        self.mailer.problem.connect(self._problem)
        self.mailer.idle.connect(self._sending_over)
        self.send_progress.cancel_button.clicked.connect(self.cancel_sending)
        self.printer = BatchPrinter(shop, events, self.print_progress, self)
        self.printer.message.connect(lambda text: show_message(self.message, text))
        self.printer.previewing.connect(lambda _dialog: self._printed())
        self.printer.idle.connect(self._update_buttons)

        email_row = _row("Email", self.queue_button, self.send_button, self.retry_button)
        post_row = _row("Post", self.postcards_button, self.letters_button)
        export_row = _row("Mailing list", self.format, self.bom, self.export_button)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_text, 1)
        confirm_row.addWidget(self.not_now)
        confirm_row.addWidget(self.confirm_button)
        # Framed, so a question waiting for an answer stands out from the buttons above.
        self.confirm_bar = QFrame()
        self.confirm_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.confirm_bar.setLayout(confirm_row)
        self.confirm_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for row in (email_row, post_row, export_row):
            layout.addLayout(row)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.send_progress)
        layout.addWidget(self.print_progress)
        layout.addWidget(self.done)
        layout.addWidget(self.message)

    @property
    def busy(self) -> bool:
        return self.mailer.busy or self.printer.busy

    def show_state(self, state: CampaignState | None) -> None:
        """Show the campaign's actions as they stand (a different campaign drops a question
        that was being asked about the last one)."""
        if state is None or self.state is None or state.id != self.state.id:
            self._hide_confirm()
        self.state = state
        self._update_buttons()

    def _update_buttons(self) -> None:
        state = self.state
        if state is None:
            return
        busy = self.busy
        to_queue = len(state.to_queue.customer_ids)
        started = state.results.sent + state.results.failed
        if state.offer:
            self.queue_button.setText(f"Issue {plural(to_queue, 'voucher')} and queue emails")
        else:
            self.queue_button.setText(f"Queue {plural(to_queue, 'email')}")
        self.send_button.setText(
            f"Resume: send {state.pending:,} left"
            if started and state.pending
            else f"Send {plural(state.pending, 'email')}"
        )
        self.retry_button.setText(f"Send {state.uncertain:,} uncertain again…")
        self.retry_button.setVisible(bool(state.uncertain))
        by_post = len(state.by_post.customer_ids)
        self.postcards_button.setText(f"Print {plural(by_post, 'postcard')}…")
        self.letters_button.setText(f"Print {plural(by_post, 'DL letter')}…")
        self.export_button.setText(
            f"Export {plural(len(state.to_export.customer_ids), 'customer')}…"
        )
        self.queue_button.setEnabled(bool(to_queue) and not busy)
        self.send_button.setEnabled(bool(state.pending) and not busy)
        self.retry_button.setEnabled(not busy)
        for button in (self.postcards_button, self.letters_button):
            button.setEnabled(bool(by_post) and not busy)
        self.export_button.setEnabled(bool(state.to_export.customer_ids) and not busy)

    # --- Asking first -----------------------------------------------------------------------

    def _ask(self, question: str, action: str, then: Callable[[], None]) -> None:
        self.confirm_text.setText(question)
        self.confirm_button.setText(action)
        self._confirmed = then
        self.confirm_bar.show()
        self.confirm_button.setFocus()

    def confirm(self) -> None:
        then, self._confirmed = self._confirmed, None
        self._hide_confirm()
        if then is not None:
            then()

    def _hide_confirm(self) -> None:
        self._confirmed = None
        self.confirm_bar.hide()

    # --- Email ------------------------------------------------------------------------------

    def ask_issue_and_queue(self) -> None:
        state = self.state
        if state is None or not state.to_queue.customer_ids:
            return
        count = len(state.to_queue.customer_ids)
        if state.offer:
            question = (
                f"Issue {plural(count, 'welcome-back voucher')} "
                f"({state.offer.describe(self.profile)}) and queue an email to each? "
                "All of them together, or none. The emails go when you press Send."
            )
            self._ask(question, "&Issue and queue", self.issue_and_queue)
        else:
            question = f"Queue {plural(count, 'email')}? They go when you press Send."
            self._ask(question, "&Queue", self.issue_and_queue)

    def issue_and_queue(self) -> None:
        state = self.state
        if state is None:
            return
        try:
            reached = issue_and_queue(self.shop, state)
        except Exception as error:
            self._failed(error)
            return
        count = len(reached.customer_ids)
        vouchers = f"Issued {plural(count, 'voucher')}; " if state.offer and count else ""
        self._done(f"{vouchers}{plural(count, 'email')} queued. Press Send to send them.")
        if state.offer and count:
            self.events.changed.emit("vouchers")
        self.events.changed.emit("campaigns")

    def send(self) -> None:
        state = self.state
        if state is None or not state.pending or self.mailer.busy:
            return
        self._done("")
        if self.mailer.start(state.id):
            self.send_progress.begin(f"Sending {plural(state.pending, 'email')}…")
            self._update_buttons()

    def cancel_sending(self) -> None:
        self.send_progress.cancel_button.setEnabled(False)
        self.send_progress.label.setText("Stopping after this email…")
        self.mailer.cancel()

    def _sent(self, result: SendResult) -> None:
        if result.stopped:
            self._problem(result_words(result))
        else:
            self._done(result_words(result))

    def _problem(self, text: str) -> None:
        self._done("")
        show_message(self.message, text)

    def _sending_over(self) -> None:
        self.send_progress.hide()
        self._update_buttons()

    def ask_retry_uncertain(self) -> None:
        state = self.state
        if state is None or not state.uncertain:
            return
        question = (
            f"{plural(state.uncertain, 'email')} may or may not have arrived (the connection "
            "broke as they went). Queue them again? Those customers may get two copies."
        )
        self._ask(question, "Queue &again", self.retry_uncertain)

    def retry_uncertain(self) -> None:
        if self.state is None:
            return
        try:
            count = queue_uncertain_again(self.shop, self.state.id)
        except Exception as error:
            self._failed(error)
            return
        self._done(f"{plural(count, 'email')} queued again. Press Send to send them.")
        self.events.changed.emit("campaigns")

    # --- Post and mailing lists -------------------------------------------------------------

    def print_postal(self, kind: Postal) -> None:
        state = self.state
        if state is None or self.printer.busy or not state.by_post.customer_ids:
            return
        self._done("")
        pieces = "postcard" if kind == "postcards" else "letter"
        count = len(state.by_post.customer_ids)
        self.printer.start(
            postal_job(self.shop, state, kind), f"Preparing {plural(count, pieces)}…"
        )
        self._update_buttons()

    def _printed(self) -> None:
        if self.state is not None and self.state.offer:
            self.events.changed.emit("vouchers")
        self.events.changed.emit("campaigns")

    def export(self) -> None:
        """Choose where to write the list, then write it."""
        if self.state is None:
            return
        suggested = str(Path.home() / f"{self.state.name} ({self.format.currentData()}).csv")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export mailing list", suggested, "CSV files (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the selected campaign's mailing list, in the chosen format, to `path`."""
        state = self.state
        if state is None:
            return
        kind: Format = self.format.currentData()
        try:
            written = export_mailing_list(self.shop, state, kind, path, bom=self.bom.isChecked())
        except Exception as error:
            self._failed(error)
            return
        self._done(f"Exported {written.summary()[:-1]} to {path}.")
        if state.offer and written.rows:
            self.events.changed.emit("vouchers")
        self.events.changed.emit("campaigns")

    # --- Messages ---------------------------------------------------------------------------

    def _done(self, text: str) -> None:
        self.done.setText(text)
        self.done.setVisible(bool(text))
        if text:
            show_message(self.message, "")

    def _failed(self, error: BaseException) -> None:
        text = describe_error(error)
        if text is None:
            raise error
        self._done("")
        show_message(self.message, text)


def _row(title: str, *widgets: QWidget) -> QHBoxLayout:
    label = QLabel(f"<b>{title}</b>")
    label.setMinimumWidth(100)
    row = QHBoxLayout()
    row.addWidget(label)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
