"""Insert settings: the message (built-in or the shop's own wording, checked as it is typed),
the card's layout and colour, the voucher it carries, its QR code, and the extras to pack."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
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
from desktop.shop.inserts import InsertOptions, QrTarget, insert_options, save_insert_options
from desktop.shop.money import parse_amount, to_input_text
from desktop.shop.parcels import MAX_EXTRAS, extras_to_pack, set_extras_to_pack
from desktop.shop.settings import get_profile
from desktop.shop.templates import (
    PLACEHOLDERS,
    Template,
    check_placeholders,
    copy_template,
    delete_template,
    fill_template,
    list_templates,
    update_template,
)
from desktop.shop.text import fold
from desktop.shop.vouchers import KINDS, MAX_VALIDITY_DAYS
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_form import error_label
from desktop.ui.events import ShopEvents
from desktop.ui.print_jobs import (
    BatchPrinter,
    PrintProgress,
    sample_job,
    sample_values,
    warm_up,
)
from desktop.ui.print_jobs import sample_voucher as make_sample_voucher
from desktop.ui.purchase_dialog import show_message
from desktop.ui.voucher_dialog import with_error

ISSUED_KINDS = ("thank_you", "welcome_back", "goodwill")
MESSAGE_FIELDS = ("template name", "greeting", "message", "signature", "signed by")
CARD_FIELDS = (
    "layout",
    "kind",
    "value",
    "minimum spend",
    "validity",
    "QR code",
    "feedback address",
    "website",
)


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
        self._templates = {t.name: t for t in templates}
        self._edits: dict[str, Template] = {}  # the shop's own templates changed here, by name
        self._shown = self.options.template
        self._last_field: QLineEdit | QPlainTextEdit | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._message_tab(), "Message")
        self.tabs.addTab(self._card_tab(), "Card, voucher and QR code")
        self.tabs.addTab(self._extras_tab(extras), "Extras to pack")
        self.progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.progress, self)
        self.form_error = error_label()
        self.printer.message.connect(lambda text: show_message(self.form_error, text))
        self.preview_button = QPushButton("Preview insert")
        self.preview_button.clicked.connect(self.preview_insert)
        self.printer.idle.connect(lambda: self.preview_button.setEnabled(True))
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
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
        self._fill_templates(self.options.template)
        self._load_options(self.options)
        self.resize(940, 660)
        self._warm_up = warm_up(self.profile, self.options, self.shown_template())

    # The message: template, wording, placeholders and a live sample.
    def _message_tab(self) -> QWidget:
        self.template_choice = QComboBox()
        self.template_choice.currentIndexChanged.connect(self._template_chosen)
        self.copy_button = QPushButton("Make my own copy")
        self.copy_button.setToolTip("Saves a copy of this wording at once, for you to change")
        self.copy_button.clicked.connect(self.copy_shown)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.delete_shown)
        self.built_in_note = QLabel(
            "Built-in wording can't be changed: press “Make my own copy” to write your own."
        )
        self.built_in_note.setWordWrap(True)
        self.template_error = error_label()
        self.name = QLineEdit()
        self.greeting = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.signature = QLineEdit()
        self.signed_by = QLineEdit()
        self.signed_by.setPlaceholderText(self.profile.name or "Your shop's name")
        self.name_error, self.greeting_error = error_label(), error_label()
        self.body_error, self.signature_error = error_label(), error_label()
        self.signed_by_error = error_label()
        for field in (self.greeting, self.body, self.signature):
            field.installEventFilter(self)
            field.textChanged.connect(self._wording_changed)
        self.name.textChanged.connect(self._wording_changed)
        self.signed_by.textChanged.connect(self._update_sample)

        choose = QHBoxLayout()
        choose.addWidget(self.template_choice, 1)
        choose.addWidget(self.copy_button)
        choose.addWidget(self.delete_button)
        form = QFormLayout()
        form.addRow("Template", with_error(choose, self.built_in_note, self.template_error))
        self.name_label = QLabel("Name")
        self.name_row = with_error(self.name, self.name_error)
        form.addRow(self.name_label, self.name_row)
        form.addRow("Greeting", with_error(self.greeting, self.greeting_error))
        form.addRow("Message", with_error(self.body, self.body_error))
        form.addRow("Signature", with_error(self.signature, self.signature_error))
        form.addRow("Signed by", with_error(self.signed_by, self.signed_by_error))

        self.placeholders = QListWidget()
        self.placeholders.setWordWrap(True)
        self.placeholders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}  —  {meaning}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(meaning)
            self.placeholders.addItem(item)
        self.placeholders.itemActivated.connect(self._insert_placeholder)
        self.placeholders.setMaximumHeight(170)
        self.sample = QLabel()
        self.sample.setWordWrap(True)
        self.sample.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sample.setTextFormat(Qt.TextFormat.RichText)
        card = QFrame()
        card.setObjectName("sampleCard")
        card.setStyleSheet(
            "QFrame#sampleCard { background: #fffdf7; border: 1px solid #d8cfc0;"
            " border-radius: 6px; } QFrame#sampleCard QLabel { color: #2b2620; }"
        )
        inside = QVBoxLayout(card)
        inside.addWidget(self.sample)
        inside.addStretch(1)
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>Placeholders</b> — double-click or Enter to insert"))
        side.addWidget(self.placeholders)
        side.addWidget(QLabel("<b>How it reads</b> for a sample customer, Zoë"))
        side.addWidget(card, 1)
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addLayout(form, 3)
        layout.addLayout(side, 2)
        return tab

    def _fill_templates(self, selected: str) -> None:
        self.template_choice.blockSignals(True)
        self.template_choice.clear()
        for name, template in self._templates.items():
            shown = name.capitalize() + " (built in)" if template.built_in else name
            self.template_choice.addItem(shown, name)
        index = max(0, self.template_choice.findData(selected))
        self.template_choice.setCurrentIndex(index)
        self.template_choice.blockSignals(False)
        self._show_template(str(self.template_choice.currentData()))

    def _show_template(self, name: str) -> None:
        self._shown = name
        template = self._edits.get(name) or self._templates[name]
        fields = (self.name, self.greeting, self.body, self.signature)
        for field in fields:
            field.blockSignals(True)
        self.name.setText(template.name)
        self.greeting.setText(template.greeting)
        self.body.setPlainText(template.body)
        self.signature.setText(template.signature)
        for field in fields:
            field.blockSignals(False)
            field.setReadOnly(template.built_in)
        self.name_row.setVisible(not template.built_in)
        self.name_label.setVisible(not template.built_in)
        self.built_in_note.setVisible(template.built_in)
        self.delete_button.setEnabled(not template.built_in)
        show_message(self.template_error, "")
        self._check_wording()
        self._update_sample()

    def _template_chosen(self, _index: int) -> None:
        self._show_template(str(self.template_choice.currentData()))

    def shown_template(self) -> Template:
        """The template in the editor, with what was typed."""
        original = self._templates[self._shown]
        if original.built_in:
            return original
        return Template(
            self.name.text(), self.greeting.text(), self.body.toPlainText(), self.signature.text()
        )

    def _wording_changed(self) -> None:
        if not self._templates[self._shown].built_in:
            self._edits[self._shown] = self.shown_template()
        self._check_wording()
        self._update_sample()

    def _check_wording(self) -> None:
        """Say at once which placeholder or brace is wrong, under the field it is in."""
        for field, text, label in (
            ("greeting", self.greeting.text(), self.greeting_error),
            ("message", self.body.toPlainText(), self.body_error),
            ("signature", self.signature.text(), self.signature_error),
        ):
            try:
                check_placeholders(text, field)
            except InvalidInput as error:
                show_message(label, " ".join(str(error).split()))
            else:
                show_message(label, "")

    def _update_sample(self) -> None:
        options = self._typed_options(strict=False)
        voucher = make_sample_voucher(self.profile, options)
        values = sample_values(self.profile, options, voucher)
        filled = fill_template(self.shown_template(), values, with_voucher=options.voucher)
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in filled.body.split("\n\n"))
        self.sample.setText(
            f"<p><b>{escape(filled.greeting)}</b></p>{paragraphs}"
            f"<p><i>{escape(filled.signature)}</i></p>"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit | QPlainTextEdit):
            self._last_field = watched
        return super().eventFilter(watched, event)

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        field = self._last_field or self.body
        if field.isReadOnly():
            show_message(self.template_error, "Make your own copy first to change the wording.")
            return
        text = "{" + str(item.data(Qt.ItemDataRole.UserRole)) + "}"
        if isinstance(field, QPlainTextEdit):
            field.insertPlainText(text)
        else:
            field.insert(text)
        field.setFocus()

    def copy_shown(self) -> None:
        """A copy of the template shown, saved now as the shop's own, ready to change."""
        source = self.shown_template()
        taken = {fold(name) for name in self._templates}
        base = f"My {source.name}" if not source.name.lower().startswith("my ") else source.name
        name, number = base, 2
        while fold(name) in taken:
            name, number = f"{base} {number}", number + 1
        try:
            with self.shop.write() as session:
                if source.built_in:
                    copy = copy_template(session, source.name, name)
                else:
                    copy = copy_template(session, self._shown, name)
        except Exception as error:
            self._show_error(error)
            return
        self._templates[copy.name] = copy
        self.events.changed.emit("settings")
        self._fill_templates(copy.name)
        self.name.setFocus()
        self.name.selectAll()

    def delete_shown(self) -> None:
        name = self._shown
        answer = QMessageBox.question(
            self, "Delete template", f"Delete your template “{name}”? This cannot be undone."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.shop.write() as session:
                delete_template(session, name)
        except Exception as error:
            self._show_error(error)
            return
        del self._templates[name]
        self._edits.pop(name, None)
        self.events.changed.emit("settings")
        self._fill_templates("warm")

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
        self.by_percent = QRadioButton("Percentage")
        self.by_amount = QRadioButton("Amount")
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setSuffix(" % off")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("e.g. 5.00")
        self.amount.setMaximumWidth(120)
        self.min_spend = QLineEdit()
        self.min_spend.setPlaceholderText("none")
        self.min_spend.setMaximumWidth(120)
        self.validity = QSpinBox()
        self.validity.setMaximumWidth(120)
        self.validity.setRange(1, MAX_VALIDITY_DAYS)
        self.validity.setSuffix(" days")
        self.voucher_error = error_label()
        self._value_kind = QButtonGroup(self)
        for button in (self.by_percent, self.by_amount):
            self._value_kind.addButton(button)
            button.toggled.connect(self._value_kind_changed)
        for signal in (
            self.percent.valueChanged,
            self.amount.textChanged,
            self.validity.valueChanged,
        ):
            signal.connect(self._update_sample)
        value = QHBoxLayout()
        value.addWidget(self.by_percent)
        value.addWidget(self.percent)
        value.addSpacing(16)
        value.addWidget(self.by_amount)
        value.addWidget(self.amount)
        value.addWidget(QLabel("off"))
        value.addStretch(1)
        voucher_form = QFormLayout(self.voucher_box)
        voucher_form.addRow("Kind", self.voucher_kind)
        voucher_form.addRow("Value", value)
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

    def _value_kind_changed(self) -> None:
        self.percent.setEnabled(self.by_percent.isChecked())
        self.amount.setEnabled(self.by_amount.isChecked())
        self._update_sample()

    def _load_options(self, options: InsertOptions) -> None:
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(options.layout)))
        (self.colour if options.colour else self.greyscale).setChecked(True)
        self.signed_by.setText(options.signed_by)
        self.voucher_box.setChecked(options.voucher)
        self.voucher_kind.setCurrentIndex(max(0, self.voucher_kind.findData(options.voucher_kind)))
        self.percent.setValue(options.voucher_percent or 10)
        if options.voucher_amount is not None:
            self.amount.setText(to_input_text(options.voucher_amount, self.profile.currency))
        (self.by_amount if options.voucher_amount is not None else self.by_percent).setChecked(True)
        self._value_kind_changed()
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
        by_amount = self.by_amount.isChecked()
        amount = self._money(self.amount.text(), "value", strict) if by_amount else None
        if by_amount and amount is None and strict:
            raise InvalidInput("value", "Please enter the amount off, like 5.00.")
        qr: QrTarget | None = "site" if self.qr_site.isChecked() else None
        if self.qr_feedback.isChecked():
            qr = "feedback"
        return replace(
            self.options,
            template=self.name.text() if not self._templates[self._shown].built_in else self._shown,
            layout=str(self.layout_choice.currentData()),
            colour=self.colour.isChecked(),
            voucher=self.voucher_box.isChecked(),
            voucher_kind=str(self.voucher_kind.currentData()),
            voucher_percent=None if by_amount else self.percent.value(),
            voucher_amount=amount if by_amount else None,
            voucher_min_spend=self._money(self.min_spend.text(), "minimum spend", strict) or 0,
            voucher_validity_days=self.validity.value(),
            qr=qr,
            feedback_url=self.feedback_url.text(),
            signed_by=self.signed_by.text(),
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
        self.printer.start(sample_job(self.shop, options, self.shown_template()), "Preparing…")

    def save(self) -> None:
        """Every change in one transaction: the shop's own wording, the options, the extras."""
        for label in self._error_labels():
            show_message(label, "")
        saving = self._shown
        try:
            options = self._typed_options(strict=True)
            with self.shop.write() as session:
                for name, template in self._edits.items():
                    saving = name
                    update_template(session, name, template)
                saving = self._shown
                save_insert_options(session, options)
                set_extras_to_pack(session, self.extra_texts())
        except Exception as error:
            if saving != self._shown:
                self.template_choice.setCurrentIndex(self.template_choice.findData(saving))
            self._show_error(error)
            return
        self.events.changed.emit("settings")
        self.accept()

    def _error_labels(self) -> list[QLabel]:
        return [
            self.template_error,
            self.name_error,
            self.greeting_error,
            self.body_error,
            self.signature_error,
            self.signed_by_error,
            self.layout_error,
            self.voucher_error,
            self.qr_error,
            self.extras_error,
            self.form_error,
        ]

    def _show_error(self, error: BaseException) -> None:
        """The shop's message under the field it is about, on its tab, the cursor there."""
        message = describe_error(error)
        if message is None:
            raise error
        field = error.field if isinstance(error, InvalidInput) else ""
        places: dict[str, tuple[QLabel, QWidget]] = {
            "template name": (self.name_error, self.name),
            "greeting": (self.greeting_error, self.greeting),
            "message": (self.body_error, self.body),
            "signature": (self.signature_error, self.signature),
            "signed by": (self.signed_by_error, self.signed_by),
            "layout": (self.layout_error, self.layout_choice),
            "kind": (self.voucher_error, self.voucher_kind),
            "value": (
                self.voucher_error,
                self.amount if self.by_amount.isChecked() else self.percent,
            ),
            "minimum spend": (self.voucher_error, self.min_spend),
            "validity": (self.voucher_error, self.validity),
            "QR code": (self.qr_error, self.qr_site),
            "feedback address": (self.qr_error, self.feedback_url),
            "website": (self.qr_error, self.qr_site),
        }
        target: QWidget
        if field == "extras" or field.startswith("extra on line"):
            label, target = self.extras_error, self.extras
        else:
            label, target = places.get(field, (self.form_error, self.save_button))
        tab = 0 if field in MESSAGE_FIELDS else 1 if field in CARD_FIELDS else None
        if label is self.extras_error:
            tab = 2
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        show_message(label, message)
        target.setFocus()
