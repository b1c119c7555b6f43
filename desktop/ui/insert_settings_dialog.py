"""Insert settings: the message (built-in or the shop's own wording, checked as it is typed),
the card's layout and colour, the voucher it carries, its QR code, and the extras to pack."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.printing import LAYOUTS
from desktop.shop.errors import InvalidInput
from desktop.shop.insert_options import (
    InsertOptions,
    QrTarget,
    insert_options,
    save_insert_options,
)
from desktop.shop.money import parse_amount, to_input_text
from desktop.shop.parcels import MAX_EXTRAS, extras_to_pack, set_extras_to_pack
from desktop.shop.settings import get_profile
from desktop.shop.templates import list_templates, update_template
from desktop.shop.voucher_kinds import KINDS
from desktop.shop.vouchers import MAX_VALIDITY_DAYS
from desktop.store.shopfile import ShopDatabase
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message, with_error
from desktop.ui.insert_template_editor import InsertTemplateEditor
from desktop.ui.print_jobs import BatchPrinter, PrintProgress, sample_job, warm_up
from desktop.ui.voucher_value import VoucherValueField

ISSUED_KINDS = ("thank_you", "welcome_back", "goodwill")


class InsertSettingsDialog(QDialog):
    """Saves everything in one transaction on Save; copying or deleting a template of the shop's
    own happens at once (it says so on the button)."""

    def __init__(self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Insert settings")
        self.shop = shop
        self.events = events
        with shop.read() as session:
            self.profile = get_profile(session)
            self.options = insert_options(session)
            templates = list_templates(session)
            extras = extras_to_pack(session)

        self.editor = InsertTemplateEditor(shop, events, self.profile, templates)
        self.editor.changed.connect(self._update_sample)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.editor, "Message")
        self.tabs.addTab(self._card_tab(), "Card, voucher and QR code")
        self.tabs.addTab(self._extras_tab(extras), "Extras to pack")
        self.progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.progress, self)
        self.form_error = error_label()
        self.printer.message.connect(lambda text: show_message(self.form_error, text))
        self.preview_button = QPushButton("Preview insert")
        self.preview_button.clicked.connect(self.preview_insert)
        self.printer.idle.connect(lambda: self.preview_button.setEnabled(True))
        self.save_button, buttons = action_buttons(self, "Save", self.save, self.preview_button)
        # Built-in wording is shown read-only: it should look it, not like a field to type in.
        self.setStyleSheet(
            'QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"]'
            " { background: palette(window); color: palette(dark); }"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.form_error)
        layout.addLayout(buttons)
        self.editor.select(self.options.template)
        self._load_options(self.options)
        self.resize(940, 660)
        self._warm_up = warm_up(self.profile, self.options, self.editor.shown_template())

    # The card: layout, colour, voucher and QR code.
    def _card_tab(self) -> QWidget:
        self.layout_choice = QComboBox()
        self.layout_choice.setMaximumWidth(320)
        for paper in LAYOUTS.values():
            self.layout_choice.addItem(paper.title, paper.name)
        self.colour = QRadioButton("Colour")
        self.greyscale = QRadioButton("Greyscale (saves colour ink)")
        colours = QHBoxLayout()
        colours.addWidget(self.colour)
        colours.addWidget(self.greyscale)
        colours.addStretch(1)

        self.voucher_box = QGroupBox("Add a voucher for the customer's next purchase")
        self.voucher_box.setCheckable(True)
        self.voucher_box.toggled.connect(self._update_sample)
        self.voucher_kind = QComboBox()
        self.voucher_kind.setMaximumWidth(260)
        for kind in ISSUED_KINDS:
            self.voucher_kind.addItem(KINDS[kind], kind)
        self.value = VoucherValueField(self.profile)
        self.min_spend = QLineEdit()
        self.min_spend.setPlaceholderText("none")
        self.min_spend.setMaximumWidth(120)
        self.validity = QSpinBox()
        self.validity.setMaximumWidth(120)
        self.validity.setRange(1, MAX_VALIDITY_DAYS)
        self.validity.setSuffix(" days")
        self.voucher_error = error_label()
        for signal in (self.value.changed, self.validity.valueChanged):
            signal.connect(self._update_sample)
        voucher_form = QFormLayout(self.voucher_box)
        voucher_form.addRow("Kind", self.voucher_kind)
        voucher_form.addRow("Value", self.value)
        voucher_form.addRow("Minimum spend", self.min_spend)
        voucher_form.addRow("Valid for", with_error(self.validity, self.voucher_error))

        qr_box = QGroupBox("QR code on the card (it carries the purchase reference)")
        site = self.profile.website or "no website set in the shop's details"
        self.qr_site = QRadioButton(f"Your website ({site})")
        self.qr_feedback = QRadioButton("Your feedback form:")
        self.qr_none = QRadioButton("No QR code")
        self.feedback_url = QLineEdit()
        self.feedback_url.setPlaceholderText("e.g. www.yourshop.co.uk/feedback")
        self.qr_error = error_label()
        feedback = QHBoxLayout()
        feedback.addWidget(self.qr_feedback)
        feedback.addWidget(self.feedback_url, 1)
        qr_layout = QVBoxLayout(qr_box)
        qr_layout.addWidget(self.qr_site)
        qr_layout.addLayout(feedback)
        qr_layout.addWidget(self.qr_none)
        qr_layout.addWidget(self.qr_error)
        self.feedback_url.textEdited.connect(lambda _text: self.qr_feedback.setChecked(True))

        self.layout_error = error_label()
        form = QFormLayout()
        form.addRow("Layout", with_error(self.layout_choice, self.layout_error))
        form.addRow("Printing", colours)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(self.voucher_box)
        layout.addWidget(qr_box)
        layout.addStretch(1)
        return tab

    def _update_sample(self) -> None:
        self.editor.show_sample(self._typed_options(strict=False))

    def _load_options(self, options: InsertOptions) -> None:
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(options.layout)))
        (self.colour if options.colour else self.greyscale).setChecked(True)
        self.editor.signed_by.setText(options.signed_by)
        self.voucher_box.setChecked(options.voucher)
        self.voucher_kind.setCurrentIndex(max(0, self.voucher_kind.findData(options.voucher_kind)))
        self.value.set_value(options.voucher_percent, options.voucher_amount)
        if options.voucher_min_spend:
            self.min_spend.setText(to_input_text(options.voucher_min_spend, self.profile.currency))
        self.validity.setValue(options.voucher_validity_days)
        self.feedback_url.setText(options.feedback_url)
        qr = {"site": self.qr_site, "feedback": self.qr_feedback, None: self.qr_none}
        qr.get(options.qr, self.qr_none).setChecked(True)

    def _money(self, text: str, field: str, strict: bool) -> int | None:
        if not text.strip():
            return None
        try:
            return parse_amount(text, self.profile.currency, field, self.profile.locale)
        except InvalidInput:
            if strict:
                raise
            return None

    def _typed_options(self, *, strict: bool) -> InsertOptions:
        """The options as set in the dialog; `strict` raises InvalidInput for a bad amount."""
        try:
            percent, amount = self.value.value()
        except InvalidInput:
            if strict:
                raise
            percent, amount = None, None  # the sample shows no value until it is money
        qr: QrTarget | None = "site" if self.qr_site.isChecked() else None
        if self.qr_feedback.isChecked():
            qr = "feedback"
        return replace(
            self.options,
            template=self.editor.chosen_name(),
            layout=str(self.layout_choice.currentData()),
            colour=self.colour.isChecked(),
            voucher=self.voucher_box.isChecked(),
            voucher_kind=str(self.voucher_kind.currentData()),
            voucher_percent=percent,
            voucher_amount=amount,
            voucher_min_spend=self._money(self.min_spend.text(), "minimum spend", strict) or 0,
            voucher_validity_days=self.validity.value(),
            qr=qr,
            feedback_url=self.feedback_url.text(),
            signed_by=self.editor.signed_by.text(),
        )

    # Extras to pack: a short list, one per line.
    def _extras_tab(self, extras: list[str]) -> QWidget:
        self.extras = QListWidget()
        self.extras.setStyleSheet("QListWidget::item { padding: 4px; }")
        for extra in extras:
            self._add_extra_item(extra)
        self.extras_error = error_label()
        add = QPushButton("Add")
        add.clicked.connect(self.add_extra)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_extra)
        up, down = QPushButton("Move up"), QPushButton("Move down")
        up.clicked.connect(lambda: self._move_extra(-1))
        down.clicked.connect(lambda: self._move_extra(1))
        buttons = QVBoxLayout()
        for button in (add, remove, up, down):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.extras, 1)
        row.addLayout(buttons)
        hint = QLabel(
            f"Shown beside Today's parcels as a checklist while packing (up to {MAX_EXTRAS}). "
            "Double-click an extra to change it."
        )
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addLayout(row, 1)
        layout.addWidget(self.extras_error)
        return tab

    def _add_extra_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text, self.extras)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def add_extra(self) -> None:
        item = self._add_extra_item("")
        self.extras.setCurrentItem(item)
        self.extras.editItem(item)

    def remove_extra(self) -> None:
        row = self.extras.currentRow()
        if row >= 0:
            self.extras.takeItem(row)

    def _move_extra(self, step: int) -> None:
        row = self.extras.currentRow()
        if row < 0 or not 0 <= row + step < self.extras.count():
            return
        item = self.extras.takeItem(row)
        self.extras.insertItem(row + step, item)
        self.extras.setCurrentRow(row + step)

    def extra_texts(self) -> list[str]:
        return [self.extras.item(i).text() for i in range(self.extras.count())]

    # Saving and previewing.
    def preview_insert(self) -> None:
        """One sample insert with the settings as they are in the dialog, in the preview."""
        show_message(self.form_error, "")
        try:
            options = self._typed_options(strict=True)
        except InvalidInput as error:
            self._show_error(error)
            return
        self.preview_button.setEnabled(False)
        template = self.editor.shown_template()
        self.printer.start(sample_job(self.shop, options, template), "Preparing…")

    def save(self) -> None:
        """Every change in one transaction: the shop's own wording, the options, the extras."""
        self.editor.clear_errors()
        for label in (
            self.layout_error,
            self.voucher_error,
            self.qr_error,
            self.extras_error,
            self.form_error,
        ):
            show_message(label, "")
        shown = saving = self.editor.shown
        try:
            options = self._typed_options(strict=True)
            with self.shop.write() as session:
                for name, template in self.editor.edits.items():
                    saving = name
                    update_template(session, name, template)
                saving = shown
                save_insert_options(session, options)
                set_extras_to_pack(session, self.extra_texts())
        except Exception as error:
            if saving != shown:
                self.editor.select(saving)
            self._show_error(error)
            return
        self.events.changed.emit("settings")
        self.accept()

    def _show_error(self, error: BaseException) -> None:
        """The shop's message under the field it is about, on its tab, the cursor there."""
        message = describe_error(error)
        if message is None:
            raise error
        field = error.field if isinstance(error, InvalidInput) else ""
        places: dict[str, tuple[QLabel, QWidget]] = {
            "layout": (self.layout_error, self.layout_choice),
            "kind": (self.voucher_error, self.voucher_kind),
            "value": (self.voucher_error, self.value.chosen_field()),
            "minimum spend": (self.voucher_error, self.min_spend),
            "validity": (self.voucher_error, self.validity),
            "QR code": (self.qr_error, self.qr_site),
            "feedback address": (self.qr_error, self.feedback_url),
            "website": (self.qr_error, self.qr_site),
        }
        on_message_tab = self.editor.error_place(field)
        label, target = places.get(field, (self.form_error, self.save_button))
        tab = 1 if field in places else None
        if on_message_tab is not None:
            label, target = on_message_tab
            tab = 0
        elif field == "extras" or field.startswith("extra on line"):
            label, target, tab = self.extras_error, self.extras, 2
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        show_message(label, message)
        target.setFocus()
