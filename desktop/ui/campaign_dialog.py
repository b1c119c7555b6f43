"""New campaign: a saved segment (or a new one made on the spot), a name and purpose, who it
would reach and who is left out and why, an optional welcome-back voucher, and the email's
words."""

from __future__ import annotations

import importlib
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.shop.campaigns import (
    DEFAULT_TEMPLATE,
    WIN_BACK,
    Audience,
    CampaignPlan,
    Template,
    audience,
    create_campaign,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.segments import list_segments, segment_definition
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import validity_days
from desktop.store.shopfile import ShopDatabase
from desktop.ui.campaign_offer import OfferEditor
from desktop.ui.customer_format import mute
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, fit_height, show_message, with_error
from desktop.ui.segments_dialog import SegmentsDialog
from desktop.ui.shop_writes import refusal, say_at

# Contacts for the same purpose share a cooldown; these are the purposes a shop mostly uses.
PURPOSES = {
    WIN_BACK: "Win back customers not seen lately",
    "birthday": "Birthday greetings",
    "thank_you": "Thank you to good customers",
    "news": "News and offers",
}


def reach_words(channel: str, reached: Audience) -> str:
    """'<b>230</b> by email; left out: 12 no email consent, 3 unsubscribed or objected'."""
    text = f"<b>{len(reached.customer_ids):,}</b> by {channel}"
    if reached.left_out:
        reasons = ", ".join(f"{n:,} {why}" for why, n in sorted(reached.left_out.items()))
        text += f"; left out: {escape(reasons)}"
    return text


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


class NewCampaignDialog(QDialog):
    """After Create: `created_id` is the new campaign's id."""

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New campaign")
        self.shop = shop
        self.events = events
        self.created_id: int | None = None
        self.email_dialog: QDialog | None = None
        self.segments_dialog: SegmentsDialog | None = None
        self._template = DEFAULT_TEMPLATE
        with shop.read() as session:
            profile = get_profile(session)
            usual_days = validity_days(session)

        self.segment = QComboBox()
        self.segment.setMinimumWidth(320)
        self.segment.currentIndexChanged.connect(self._update_reach)
        self.new_segment = QPushButton("New se&gment…")
        self.new_segment.setAutoDefault(False)
        self.new_segment.clicked.connect(self.open_segments)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.name.setPlaceholderText("e.g. Spring win-back")
        self.purpose = QComboBox()
        for key, words in PURPOSES.items():
            self.purpose.addItem(words, key)
        self.purpose.currentIndexChanged.connect(self._update_reach)
        self.reach = QLabel()
        self.reach.setWordWrap(True)
        self.offer = OfferEditor(profile, usual_days)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        self.edit_email = QPushButton("Edit &email…")
        self.edit_email.setAutoDefault(False)
        self.edit_email.clicked.connect(self.open_email_editor)
        self.segment_error, self.name_error = error_label(), error_label()
        self.email_error, self.form_error = error_label(), error_label()

        segment_row = QHBoxLayout()
        segment_row.addWidget(self.segment, 1)
        segment_row.addWidget(self.new_segment)
        email_row = QHBoxLayout()
        email_row.addWidget(self.subject, 1)
        email_row.addWidget(self.edit_email)
        form = QFormLayout()
        form.addRow(_buddy("&Segment", self.segment), with_error(segment_row, self.segment_error))
        form.addRow(_buddy("&Name", self.name), with_error(self.name, self.name_error))
        form.addRow(_buddy("&Purpose", self.purpose), self.purpose)
        form.addRow("Would reach", self.reach)
        form.addRow("Voucher", self.offer)
        form.addRow("Email", with_error(email_row, self.email_error))

        self.create_button, buttons = action_buttons(self, "C&reate campaign", self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(680)
        self._load_segments()
        self._show_template()
        self.segment.setFocus()

    # --- Segments and who they reach --------------------------------------------------------

    def _load_segments(self, select_name: str | None = None) -> None:
        keep = select_name or self.segment.currentText()
        self.segment.blockSignals(True)
        self.segment.clear()
        with self.shop.read() as session:
            for saved in list_segments(session):
                self.segment.addItem(saved.name, segment_definition(saved))
        self.segment.blockSignals(False)
        found = self.segment.findText(keep)
        self.segment.setCurrentIndex(max(found, 0))
        self._update_reach()

    def _update_reach(self, _index: int = 0) -> None:
        if self.segment.count() == 0:
            self.reach.setText("Save a segment first: press New segment… to make one.")
            mute(self.reach)
            self.create_button.setEnabled(False)
            return
        self.create_button.setEnabled(True)
        with self.shop.read() as session:
            lines = [self._reach(session, channel) for channel in ("email", "post")]
        self.reach.setStyleSheet("")
        self.reach.setText("<br>".join(lines))

    def _reach(self, session: Session, channel: str) -> str:
        definition = self.segment.currentData()
        reached = audience(session, definition, channel, purpose=str(self.purpose.currentData()))
        return reach_words(channel, reached)

    def open_segments(self) -> SegmentsDialog:
        """The segments dialog, open; when it closes the list shows what was saved there."""
        before = {self.segment.itemText(i) for i in range(self.segment.count())}
        dialog = SegmentsDialog(self.shop, self.events, self)
        dialog.finished.connect(lambda _result: self._segments_closed(before))
        self.segments_dialog = dialog
        dialog.open()
        return dialog

    def _segments_closed(self, before: set[str]) -> None:
        with self.shop.read() as session:
            now = [saved.name for saved in list_segments(session)]
        added = [name for name in now if name not in before]
        self._load_segments(added[-1] if added else None)

    # --- The email's words ------------------------------------------------------------------

    def template(self) -> Template:
        return self._template

    def set_template(self, template: Template) -> None:
        self._template = template
        self._show_template()

    def _show_template(self) -> None:
        self.subject.setText(f"Subject: “{escape(self._template.subject)}”")

    def open_email_editor(self) -> QDialog | None:
        """The email template dialog, open; its words replace these when accepted."""
        show_message(self.email_error, "")
        try:
            module = importlib.import_module("desktop.ui.email_template_dialog")
        except ModuleNotFoundError:
            show_message(self.email_error, "Editing the email's words is not available yet.")
            return None
        try:
            offer = self.offer.offer()
        except InvalidInput:
            offer = None
        voucher = offer.terms(self.name.text()) if offer is not None else None
        dialog: QDialog = module.EmailTemplateDialog(
            self.shop, self._template, self, voucher=voucher
        )
        dialog.accepted.connect(lambda: self.set_template(dialog.template()))  # type: ignore[attr-defined]
        self.email_dialog = dialog
        dialog.open()
        return dialog

    # --- Creating ---------------------------------------------------------------------------

    def save(self) -> None:
        """Keep the campaign (and its offer) in one transaction."""
        for label in (self.segment_error, self.name_error, self.email_error, self.form_error):
            show_message(label, "")
        try:
            offer = self.offer.offer()
        except InvalidInput:
            fit_height(self)
            return
        plan = CampaignPlan(
            name=self.name.text(),
            definition=self.segment.currentData(),
            purpose=str(self.purpose.currentData()),
            segment_name=self.segment.currentText(),
            template=self._template,
            offer=offer,
        )
        try:
            with self.shop.write() as session:
                self.created_id = create_campaign(session, plan).id
        except Exception as error:
            self._show_error(error)
            return
        self.events.changed.emit("campaigns")
        self.accept()

    def _show_error(self, error: BaseException) -> None:
        message, field = refusal(error)
        places: dict[str | None, tuple[QLabel, QWidget]] = {
            "campaign name": (self.name_error, self.name),
            "segment": (self.segment_error, self.segment),
            "template": (self.email_error, self.edit_email),
            "subject": (self.email_error, self.edit_email),
            "email text": (self.email_error, self.edit_email),
            "email HTML": (self.email_error, self.edit_email),
        }
        say_at(self, *places.get(field, (self.form_error, self.create_button)), message)
