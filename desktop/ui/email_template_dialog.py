"""Writing a campaign's email: subject, plain text and optional HTML with placeholders, and a
live preview on a real customer exactly as they would get it (unsubscribe line included)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.mail.campaign_sending import preview_email
from desktop.shop.campaigns import (
    PLACEHOLDERS,
    Template,
    preview_customer_id,
    unknown_placeholders,
)
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.inline_errors import error_label, show_message

SAMPLE_VOUCHER = VoucherTerms(kind="welcome_back", percent=10)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class EmailTemplateDialog(QDialog):
    """After acceptance, `template()` is the email as written. `voucher` is the campaign's
    offer, shown in the preview as a sample (none is issued); `customer_id` whom to preview
    with first (default: a recent customer with an email address)."""

    def __init__(
        self,
        shop: ShopDatabase,
        template: Template,
        parent: QWidget | None = None,
        *,
        voucher: VoucherTerms | None = None,
        customer_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self._voucher = voucher or SAMPLE_VOUCHER
        self._customer_id: int | None = None
        self.setWindowTitle("Campaign email")
        with shop.read() as session:
            country = get_profile(session).country

        self.subject = QLineEdit(template.subject)
        self.text = QPlainTextEdit(template.text)
        self.text.setTabChangesFocus(True)
        self.html = QPlainTextEdit(template.html)
        self.html.setTabChangesFocus(True)
        self.html.setPlaceholderText(
            "Optional. Leave empty and the plain text is sent as simple HTML too."
        )
        self.html.setMaximumHeight(160)
        self._target: QLineEdit | QPlainTextEdit = self.text
        for editor in (self.subject, self.text, self.html):
            editor.installEventFilter(self)
        self.placeholders = QListWidget()
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}  —  {meaning}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        rows = sum(self.placeholders.sizeHintForRow(i) for i in range(self.placeholders.count()))
        self.placeholders.setFixedHeight(rows + 2 * self.placeholders.frameWidth())
        self.placeholders.itemActivated.connect(self._insert)
        self.placeholders.itemClicked.connect(self._insert)
        self.error = error_label()

        self.picker = CustomerPicker(shop, country, nobody_label="Pick a customer to preview with")
        self.picker.chosen.connect(self._picked)
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextFormat(Qt.TextFormat.RichText)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_html = QTextBrowser()
        self.preview_html.setOpenLinks(False)
        # Email apps show a message on white whatever the window's theme: so does the preview.
        self.preview_html.setStyleSheet("QTextBrowser { background: white; color: black; }")
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_tabs = QTabWidget()
        self.preview_tabs.addTab(self.preview_html, "As most email apps show it")
        self.preview_tabs.addTab(self.preview_text, "Plain text")
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet("color: palette(placeholder-text);")
        self.preview_error = error_label()

        # Plain buttons, none default: Enter inserts a placeholder or a new line, and must never
        # close the dialog half-done. Ctrl+Enter uses the email.
        self.ok_button = QPushButton("Use this email   Ctrl+Enter")
        self.cancel_button = QPushButton("Cancel")
        for button in (self.ok_button, self.cancel_button):
            button.setAutoDefault(False)
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.accept)
        self._lay_out()

        self.subject.textChanged.connect(self._changed)
        self.text.textChanged.connect(self._changed)
        self.html.textChanged.connect(self._changed)
        if customer_id is None:
            with self.shop.read() as session:
                customer_id = preview_customer_id(session)
        first = customer_id
        if first is not None:
            self.picker.preselect(first)
            self._customer_id = first
        self._changed()
        self.resize(1180, 760)
        self.subject.setFocus()

    def _lay_out(self) -> None:
        editors = QFormLayout()
        editors.addRow("&Subject", self.subject)
        editors.addRow("&Text", self.text)
        editors.addRow("&HTML", self.html)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(editors, 1)
        left_layout.addWidget(self.error)
        left_layout.addWidget(_heading("Placeholders — click, or Enter, to insert at the cursor"))
        left_layout.addWidget(self.placeholders)

        who = QFormLayout()
        who.addRow("&Preview for", self.picker)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(who)
        right_layout.addWidget(self.preview_subject)
        right_layout.addWidget(self.preview_tabs, 1)
        right_layout.addWidget(self.preview_note)
        right_layout.addWidget(self.preview_error)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 600])
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def template(self) -> Template:
        return Template(self.subject.text(), self.text.toPlainText(), self.html.toPlainText())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Remember the editor last typed in: a placeholder goes to its cursor.
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit | QPlainTextEdit):
            self._target = watched
        return super().eventFilter(watched, event)

    def _insert(self, item: QListWidgetItem) -> None:
        text = "{" + str(item.data(Qt.ItemDataRole.UserRole)) + "}"
        if isinstance(self._target, QPlainTextEdit):
            self._target.insertPlainText(text)
        else:
            self._target.insert(text)
        self._target.setFocus()

    def _picked(self) -> None:
        choice = self.picker.choice()
        self._customer_id = choice.customer_id if choice is not None else None
        self._refresh_preview()

    def _changed(self) -> None:
        unknown = unknown_placeholders(self.template())
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
            show_message(
                self.error,
                f"Aftercare can't fill {names}. Check the spelling; it knows {known}.",
            )
        elif not self.subject.text().strip():
            show_message(self.error, "The email needs a subject.")
        else:
            show_message(self.error, "")
        self.ok_button.setEnabled(not self.error.isVisible())
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        show_message(self.preview_error, "")
        if self._customer_id is None:
            self.preview_subject.setText("")
            self.preview_html.clear()
            self.preview_text.clear()
            self.preview_note.setText("Pick a customer above to see the email as they'd get it.")
            return
        try:
            with self.shop.read() as session:
                rendered = preview_email(session, self.template(), self._customer_id, self._voucher)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.preview_error, message)
            return
        self.preview_subject.setText(f"<b>Subject:</b> {html.escape(rendered.subject)}")
        self.preview_html.setHtml(rendered.html)
        self.preview_text.setPlainText(rendered.text)
        self.preview_note.setText(
            "The voucher shown is a sample: each customer gets their own code when the "
            "campaign is sent."
        )

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()
