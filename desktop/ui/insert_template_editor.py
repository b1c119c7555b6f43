"""The Message tab of the insert settings: the wording (built in, or the shop's own, checked as
it is typed), the placeholders to insert, who signs, and how it reads for a sample customer."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.errors import InvalidInput
from desktop.shop.insert_options import InsertOptions
from desktop.shop.inserts import SAMPLE_FIRST_NAME, sample_insert
from desktop.shop.settings import ShopProfile
from desktop.shop.templates import (
    PLACEHOLDERS,
    Template,
    check_placeholders,
    copy_template,
    delete_template,
)
from desktop.shop.text import fold
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message, with_error


class InsertTemplateEditor(QWidget):
    """Edits the shop's own templates in memory (`edits`) for the dialog to save; copying or
    deleting one happens at once (it says so on the button). `changed` fires whenever the
    sample may read differently; the dialog answers with `show_sample(options)`."""

    changed = Signal()

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        profile: ShopProfile,
        templates: list[Template],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.profile = profile
        self._templates = {t.name: t for t in templates}
        self.edits: dict[str, Template] = {}  # the shop's own templates changed here, by name
        self._shown = next(iter(self._templates))
        self._last_field: QLineEdit | QPlainTextEdit | None = None

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
        self.signed_by.setPlaceholderText(profile.name or "Your shop's name")
        self.name_error, self.greeting_error = error_label(), error_label()
        self.body_error, self.signature_error = error_label(), error_label()
        self.signed_by_error = error_label()
        for field in (self.greeting, self.body, self.signature):
            field.installEventFilter(self)
            field.textChanged.connect(self._wording_changed)
        self.name.textChanged.connect(self._wording_changed)
        self.signed_by.textChanged.connect(lambda _text: self.changed.emit())

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

        layout = QHBoxLayout(self)
        layout.addLayout(form, 3)
        layout.addLayout(self._side(), 2)

    def _side(self) -> QVBoxLayout:
        """The placeholders to insert, and the sample card."""
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
        side.addWidget(QLabel(f"<b>How it reads</b> for a sample customer, {SAMPLE_FIRST_NAME}"))
        side.addWidget(card, 1)
        return side

    @property
    def shown(self) -> str:
        """The name of the template in the editor, as it was saved."""
        return self._shown

    def select(self, name: str) -> None:
        """Show the template called `name` (with any changes typed to it here)."""
        self.template_choice.blockSignals(True)
        self.template_choice.clear()
        for template_name, template in self._templates.items():
            shown = (
                template_name.capitalize() + " (built in)" if template.built_in else template_name
            )
            self.template_choice.addItem(shown, template_name)
        self.template_choice.setCurrentIndex(max(0, self.template_choice.findData(name)))
        self.template_choice.blockSignals(False)
        self._show_template(str(self.template_choice.currentData()))

    def _show_template(self, name: str) -> None:
        self._shown = name
        template = self.edits.get(name) or self._templates[name]
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
        self.changed.emit()

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

    def chosen_name(self) -> str:
        """The name the insert options should remember: a renamed template goes by its new name."""
        return self._shown if self._templates[self._shown].built_in else self.name.text()

    def _wording_changed(self) -> None:
        if not self._templates[self._shown].built_in:
            self.edits[self._shown] = self.shown_template()
        self._check_wording()
        self.changed.emit()

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
                show_message(label, str(error))
            else:
                show_message(label, "")

    def show_sample(self, options: InsertOptions) -> None:
        """The wording as a customer would read it with these (perhaps unsaved) options."""
        # The card here shows words only: a half-typed feedback address must not stop it.
        insert = sample_insert(self.profile, replace(options, qr=None), self.shown_template())
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in insert.message.split("\n\n"))
        self.sample.setText(
            f"<p><b>{escape(insert.greeting)}</b></p>{paragraphs}"
            f"<p><i>{escape(insert.signature)}</i></p>"
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
                copy = copy_template(session, source.name if source.built_in else self._shown, name)
        except Exception as error:
            self._say(error)
            return
        self._templates[copy.name] = copy
        self.events.changed.emit("settings")
        self.select(copy.name)
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
            self._say(error)
            return
        del self._templates[name]
        self.edits.pop(name, None)
        self.events.changed.emit("settings")
        self.select("warm")

    def _say(self, error: BaseException) -> None:
        message = describe_error(error)
        if message is None:
            raise error
        field = error.field if isinstance(error, InvalidInput) else ""
        label, target = self.error_place(field) or (self.template_error, self.template_choice)
        show_message(label, message)
        target.setFocus()

    def clear_errors(self) -> None:
        for label in (
            self.template_error,
            self.name_error,
            self.greeting_error,
            self.body_error,
            self.signature_error,
            self.signed_by_error,
        ):
            show_message(label, "")

    def error_place(self, field: str) -> tuple[QLabel, QWidget] | None:
        """Where a message about `field` goes, and the field to put the cursor in; None when
        the field is not on this tab."""
        places: dict[str, tuple[QLabel, QWidget]] = {
            "template name": (self.name_error, self.name),
            "greeting": (self.greeting_error, self.greeting),
            "message": (self.body_error, self.body),
            "signature": (self.signature_error, self.signature),
            "signed by": (self.signed_by_error, self.signed_by),
        }
        return places.get(field)
