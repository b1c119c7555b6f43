"""Guides: the shop's library of care guides and product stories, each tied to the categories
and products whose inserts carry it (a QR code to its web page, or a printed care card)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.catalogue import list_categories, list_products
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.guides import (
    GuideInput,
    GuideRow,
    create_guide,
    delete_guide,
    guide_details,
    list_guides,
    update_guide,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.guide_card_preview import CardPreview
from desktop.ui.guide_editor import GuideEditor
from desktop.ui.guide_list import GuideTableModel, matching
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.list_view import list_view
from desktop.ui.table_models import Index

REFRESHED_BY = ("guides", "catalogue")


class GuidesPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self._all: list[GuideRow] = []
        self.editing_id: int | None = None  # None: a new guide
        self.dirty = False
        self.confirmation: QMessageBox | None = None

        heading = QLabel("Care guides")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search guides, categories, products")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._show_rows())
        self.model = GuideTableModel(self)
        self.table = list_view(self.model, stretch=(1,), widths={0: 190, 2: 90})
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.empty = QLabel(
            "No guides yet. Write one for what you sell (how to care for leather, how to brew "
            "a good pot) and tie it to its categories: every insert for them then carries it."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.editor = GuideEditor()
        self.editor.changed.connect(self._changed)
        self.editing = QLabel()
        bold = QFont(self.editing.font())
        bold.setBold(True)
        self.editing.setFont(bold)
        self.new_button = QPushButton("New guide")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_guide)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.ask_delete)
        self.print_button = QPushButton("Print care card…")
        self.print_button.clicked.connect(self.print_card)
        self.message = error_label()
        self.card = CardPreview(shop, self)
        self.card.message.connect(lambda text: show_message(self.message, text))
        self.card.idle.connect(self._update_buttons)
        self.done = QLabel()
        self.done.setStyleSheet("color: #1b6e3a;")
        QShortcut(QKeySequence.StandardKey.New, self, self.new_guide)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty, 1)
        left_layout.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.editing, 1)
        actions.addWidget(self.done)
        actions.addWidget(self.print_button)
        actions.addWidget(self.delete_button)
        actions.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.editor, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([470, 730])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        self.refresh()
        self._start_new()

    def activate(self) -> None:
        self.freshness.catch_up()
        (self.table if self.model.rowCount() else self.editor.title).setFocus()

    def refresh(self) -> None:
        """Read the guides and the catalogue again; what is being typed stays."""
        with self.shop.read() as session:
            self._all = list_guides(session)
            categories = [(c.id, c.name) for c in list_categories(session)]
            products = [
                (p.id, f"{p.name} ({p.category.name})" if p.category else p.name)
                for p in list_products(session, active_only=False)
            ]
        self.editor.set_choices(categories, products)
        self._show_rows()

    def _show_rows(self) -> None:
        self.model.set_rows(matching(self._all, self.search.text()))
        self.table.setVisible(bool(self._all))
        self.empty.setVisible(not self._all)
        self._select(self.editing_id)

    def _select(self, guide_id: int | None) -> None:
        found = None if guide_id is None else self.model.find(guide_id)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if found is None:
            selection.clearSelection()
            selection.setCurrentIndex(
                self.model.index(-1, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        else:
            selection.setCurrentIndex(
                self.model.index(found, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        selection.blockSignals(False)

    # --- Moving between guides, never losing what was typed ---------------------------------

    def _row_chosen(self, current: Index, _previous: Index) -> None:
        if not current.isValid():
            return
        guide_id = self.model.row(current.row()).id
        if guide_id != self.editing_id:
            # The old row stays chosen until its unsaved changes are dealt with (once the view
            # has finished moving the selection).
            QTimer.singleShot(0, self, lambda: self._select(self.editing_id))
            self._leave(lambda: self.open_guide(guide_id))

    def new_guide(self) -> None:
        self._leave(self._start_new)

    def _leave(self, then: Callable[[], None]) -> None:
        """Run `then` once unsaved changes are saved or let go (asked, not assumed)."""
        if not self.dirty:
            then()
            return
        name = self.editor.title.text().strip() or "this new guide"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"Save your changes to “{name}” first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Save:
                if self.save():
                    then()
            elif button == QMessageBox.StandardButton.Discard:
                self.dirty = False
                then()

        self._ask(box, answered)

    def _ask(self, box: QMessageBox, answered: Callable[[int], None]) -> None:
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(answered)
        box.destroyed.connect(lambda: setattr(self, "confirmation", None))
        self.confirmation = box
        box.open()

    def open_guide(self, guide_id: int) -> None:
        try:
            with self.shop.read() as session:
                details = guide_details(session, guide_id)
        except ShopError as error:
            show_message(self.message, str(error))
            self.refresh()
            return
        self.editing_id = guide_id
        self.editor.load(details)
        self._set_clean(f"Editing “{details.title}”")
        self._select(guide_id)

    def _start_new(self) -> None:
        self.editing_id = None
        self.editor.load(GuideInput(title=""))
        self._set_clean("New guide")
        self._select(None)
        self.editor.title.setFocus()

    def _set_clean(self, heading: str) -> None:
        self.dirty = False
        self.editing.setText(heading)
        self.done.clear()
        show_message(self.message, "")
        self._update_buttons()

    def _changed(self) -> None:
        self.dirty = True
        self.done.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.dirty)
        self.delete_button.setEnabled(self.editing_id is not None)
        self.print_button.setEnabled(bool(self.editor.title.text().strip()) and not self.card.busy)
        name = self.editing.text().removesuffix(" •")
        self.editing.setText(f"{name} •" if self.dirty else name)

    # --- Writing ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the guide being edited; False (its message shown by the field) when refused."""
        if not self.dirty and self.editing_id is not None:
            return True
        details = self.editor.value()
        try:
            with self.shop.write() as session:
                if self.editing_id is None:
                    guide = create_guide(session, details)
                else:
                    guide = update_guide(session, self.editing_id, details)
                guide_id, title = guide.id, guide.title
        except InvalidInput as error:
            self.editor.show_error(error)
            return False
        except ShopError as error:
            self.editor.show_problem(str(error))
            return False
        self.editing_id = guide_id
        self._set_clean(f"Editing “{title}”")
        self.done.setText("✓ Saved")
        self.events.changed.emit("guides")
        self.refresh()
        return True

    def ask_delete(self) -> None:
        if self.editing_id is None:
            return
        guide_id, title = self.editing_id, self.editor.title.text().strip()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete guide",
            f"Delete the guide “{title}”? Inserts will no longer carry it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._ask(
            box,
            lambda button: (
                self._delete(guide_id) if button == QMessageBox.StandardButton.Yes else None
            ),
        )

    def _delete(self, guide_id: int) -> None:
        try:
            with self.shop.write() as session:
                delete_guide(session, guide_id)
        except ShopError as error:
            show_message(self.message, str(error))
            return
        self.events.changed.emit("guides")
        self._start_new()
        self.refresh()

    def print_card(self) -> None:
        """Preview this guide's A6 care card as it stands in the form, saved or not."""
        details = self.editor.value()
        if details.title.strip() and not self.card.busy:
            self.print_button.setEnabled(False)
            self.card.start(details)
