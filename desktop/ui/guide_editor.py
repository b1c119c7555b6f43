"""The form of one care guide: title, text in a small Markdown subset with its formatted
preview, an optional picture and web page, and the categories and products it goes with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.errors import InvalidInput
from desktop.shop.guide_text import body_markdown, parse_body
from desktop.shop.guides import GuideInput, check_image
from desktop.ui.guide_ties import TickList
from desktop.ui.inline_errors import error_label, show_message, with_error

SYNTAX_HELP = "# Heading   ## Smaller heading   - bullet   1. numbered   **bold**   *italic*"
PICTURE_SIDE = 84


class GuideEditor(QWidget):
    """Edits a GuideInput; `changed` whenever the shopkeeper changes anything."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: bytes | None = None
        self._loading = False

        self.title = QLineEdit()
        self.title.setPlaceholderText("Leather care, How to brew the perfect pot, …")
        self.title_error = error_label()
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("## Cleaning\n- Wipe with a damp cloth\n- **Never** soak it")
        self.body.setTabChangesFocus(True)
        self.body_error = error_label()
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText("The formatted guide shows here as you type.")
        self.help = QLabel(SYNTAX_HELP)
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: palette(placeholder-text);")
        self.help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tools = QHBoxLayout()
        for text, tip, action in (
            ("B", "Bold (Ctrl+B)", lambda: self.wrap_selection("**")),
            ("I", "Italic (Ctrl+I)", lambda: self.wrap_selection("*")),
            ("H", "Heading (Ctrl+H)", lambda: self.prefix_lines("## ")),
            ("•", "Bullet list (Ctrl+L)", lambda: self.prefix_lines("- ")),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setFixedWidth(34)
            button.setAutoDefault(False)
            button.clicked.connect(action)
            tools.addWidget(button)
        tools.addWidget(self.help, 1)
        for keys, action in (
            ("Ctrl+B", lambda: self.wrap_selection("**")),
            ("Ctrl+I", lambda: self.wrap_selection("*")),
            ("Ctrl+H", lambda: self.prefix_lines("## ")),
            ("Ctrl+L", lambda: self.prefix_lines("- ")),
        ):
            QShortcut(QKeySequence(keys), self.body, action)

        self.url = QLineEdit()
        self.url.setPlaceholderText("www.yourshop.co.uk/care/leather (optional)")
        self.url_note = QLabel(
            "With a web page, inserts carry a QR code to it; without, a printed care card."
        )
        self.url_note.setWordWrap(True)
        self.url_note.setStyleSheet("color: palette(placeholder-text);")
        self.url_error = error_label()

        self.picture = QLabel("No picture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFixedSize(PICTURE_SIDE, PICTURE_SIDE)
        self.picture.setStyleSheet("border: 1px dashed palette(mid); color: palette(mid);")
        self.choose_picture = QPushButton("Choose picture…")
        self.choose_picture.clicked.connect(self._choose_picture)
        self.remove_picture = QPushButton("Remove picture")
        self.remove_picture.clicked.connect(lambda: self.set_image(None))
        self.image_error = error_label()
        picture_buttons = QVBoxLayout()
        picture_buttons.addWidget(self.choose_picture)
        picture_buttons.addWidget(self.remove_picture)
        picture_buttons.addWidget(self.image_error)
        picture_buttons.addStretch(1)
        picture_row = QHBoxLayout()
        picture_row.addWidget(self.picture)
        picture_row.addLayout(picture_buttons)
        picture_row.addStretch(1)

        self.categories = TickList("Categories", "Filter categories")
        self.products = TickList("Products", "Filter products")
        ties = QHBoxLayout()
        ties.addWidget(self.categories)
        ties.addWidget(self.products)
        self.ties_error = error_label()

        writing = QSplitter(Qt.Orientation.Horizontal)
        writing.addWidget(self.body)
        writing.addWidget(self.preview)
        writing.setChildrenCollapsible(False)
        form = QFormLayout()
        form.addRow("&Title", with_error(self.title, self.title_error))
        form.addRow("&Web page", with_error(self.url, self.url_error, self.url_note))
        form.addRow("Picture", picture_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(tools)
        layout.addWidget(writing, 3)
        layout.addWidget(self.body_error)
        layout.addWidget(QLabel("Goes with (its inserts carry this guide):"))
        layout.addLayout(ties, 2)
        layout.addWidget(self.ties_error)

        self.title.textChanged.connect(lambda _text: self._edited(self.title_error))
        self.url.textChanged.connect(lambda _text: self._edited(self.url_error))
        self.body.textChanged.connect(self._body_changed)
        self.categories.changed.connect(lambda: self._edited(self.ties_error))
        self.products.changed.connect(lambda: self._edited(self.ties_error))
        self._show_picture()

    def set_choices(
        self, categories: list[tuple[int, str]], products: list[tuple[int, str]]
    ) -> None:
        """The categories and products to tick, keeping what is ticked."""
        self.categories.set_choices(categories, self.categories.ticked())
        self.products.set_choices(products, self.products.ticked())

    def load(self, details: GuideInput) -> None:
        """Show `details`, messages cleared; loading is not a change."""
        self._loading = True
        self.title.setText(details.title)
        self.body.setPlainText(details.body)
        self.url.setText(details.url)
        self._image = details.image
        self.categories.tick(details.category_ids)
        self.products.tick(details.product_ids)
        for label in self._errors():
            show_message(label, "")
        self._show_picture()
        self._loading = False

    def value(self) -> GuideInput:
        return GuideInput(
            title=self.title.text(),
            body=self.body.toPlainText(),
            url=self.url.text(),
            image=self._image,
            category_ids=self.categories.ticked(),
            product_ids=self.products.ticked(),
        )

    def show_error(self, error: InvalidInput) -> None:
        """The message under the field it is about, and the cursor there."""
        label, field = {
            "title": (self.title_error, self.title),
            "url": (self.url_error, self.url),
            "image": (self.image_error, self.choose_picture),
            "text": (self.body_error, self.body),
        }.get(error.field, (self.ties_error, self.categories.filter))
        show_message(label, str(error))
        field.setFocus()

    def show_problem(self, message: str) -> None:
        """A message about the guide as a whole (a product that was just removed, say)."""
        show_message(self.ties_error, message)

    def set_image(self, data: bytes | None) -> None:
        """Use `data` (PNG or JPEG) as the picture, or none; a bad file is refused under it."""
        if data is not None:
            try:
                check_image(data)
            except InvalidInput as error:
                show_message(self.image_error, str(error))
                return
        self._image = data
        self._show_picture()
        self._edited(self.image_error)

    def set_image_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            show_message(self.image_error, f"{path.name} could not be read: {error.strerror}.")
            return
        self.set_image(data)

    def wrap_selection(self, mark: str) -> None:
        """Put `mark` on both sides of the selected words (or an empty pair at the cursor)."""
        cursor = self.body.textCursor()
        chosen = cursor.selectedText()
        cursor.insertText(f"{mark}{chosen}{mark}")
        if not chosen:
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(mark))
            self.body.setTextCursor(cursor)
        self.body.setFocus()

    def prefix_lines(self, prefix: str) -> None:
        """Start the current line, or each selected line, with `prefix` ("## ", "- ")."""
        cursor = self.body.textCursor()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        cursor.beginEditBlock()
        cursor.setPosition(end)
        last = cursor.blockNumber()
        cursor.setPosition(start)
        while True:
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.insertText(prefix)
            if cursor.blockNumber() >= last or not cursor.movePosition(
                QTextCursor.MoveOperation.NextBlock
            ):
                break
        cursor.endEditBlock()
        self.body.setFocus()

    def _choose_picture(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a picture", "", "Pictures (*.png *.jpg *.jpeg)"
        )
        if name:
            self.set_image_file(Path(name))

    def _show_picture(self) -> None:
        pixmap = QPixmap()
        if self._image and pixmap.loadFromData(QByteArray(self._image)):
            self.picture.setPixmap(
                pixmap.scaled(
                    PICTURE_SIDE,
                    PICTURE_SIDE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.picture.setPixmap(QPixmap())
            self.picture.setText("No picture")
        self.remove_picture.setEnabled(self._image is not None)

    def _body_changed(self) -> None:
        # Only the subset reaches the preview: what shows is what the care card prints.
        markdown = body_markdown(parse_body(self.body.toPlainText()))
        self.preview.document().setMarkdown(markdown, QTextDocument.MarkdownFeature.MarkdownNoHTML)
        self._edited(self.body_error)

    def _edited(self, label: QLabel) -> None:
        if not self._loading:
            show_message(label, "")
            self.changed.emit()

    def _errors(self) -> list[QLabel]:
        return [
            self.title_error,
            self.url_error,
            self.image_error,
            self.body_error,
            self.ties_error,
        ]
