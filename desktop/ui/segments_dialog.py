"""Segments: build a group of customers, see how many are in it right now, and save it under a
name for campaigns; rename or delete the saved ones."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.catalogue import list_categories
from desktop.shop.errors import InvalidInput
from desktop.shop.segments import (
    MAX_TOP,
    RULE_WORDS,
    Definition,
    check_definition,
    delete_segment,
    describe,
    list_segments,
    save_segment,
    segment_count,
    segment_definition,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message

# The kinds shop/segments.py offers, as the shopkeeper reads them.
KIND_TITLES = {
    "not_seen_lately": "Not seen lately",
    "overdue": "Overdue: their usual next visit has passed",
    "one_time_buyers": "Bought only once",
    "best_customers": "Best customers by spend",
    "bought_from_category": "Bought from a category",
    "birthday_this_month": "Birthday this month",
    "all_of": "In all of these saved segments",
    "any_of": "In any of these saved segments",
}
# Which options page each kind shows (0: none).
NO_OPTIONS, RULE, TOP, CATEGORY, PARTS = range(5)
OPTIONS = {
    "not_seen_lately": RULE,
    "best_customers": TOP,
    "bought_from_category": CATEGORY,
    "all_of": PARTS,
    "any_of": PARTS,
}
COUNT_DELAY_MS = 150  # count once typing or clicking settles


@dataclass(frozen=True)
class SavedSegment:
    id: int
    name: str
    definition: Definition
    words: str
    count: int


class SegmentsDialog(QDialog):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.saved: list[SavedSegment] = []
        self.setWindowTitle("Segments")

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Lapsed tea regulars")
        self.name.setMaxLength(80)
        self.name_problem = error_label()
        self.name.textChanged.connect(self._name_edited)
        self.kind = QComboBox()
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.rule = QComboBox()
        for rule, words in RULE_WORDS.items():
            self.rule.addItem(words[:1].upper() + words[1:], rule)
        self.rule.setCurrentIndex(self.rule.findData("rhythm"))  # the page's own default
        self.top = QSpinBox()
        self.top.setRange(1, MAX_TOP)
        self.top.setValue(100)
        self.top.setPrefix("The best ")
        self.top.setSuffix(" customers")
        self.category = QComboBox()
        self.parts = QListWidget()
        self.parts.setMaximumHeight(120)
        self.options = QStackedWidget()
        self.options.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.options.addWidget(QWidget())
        for widget in (self.rule, self.top, self.category, self.parts):
            self.options.addWidget(widget)
        self.words = QLabel()
        self.words.setWordWrap(True)
        mute(self.words)
        self.live_count = QLabel()
        font = self.live_count.font()
        font.setBold(True)
        self.live_count.setFont(font)
        self.definition_problem = error_label()
        self.save_button = QPushButton("Save segment")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.update_count)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.rule.currentIndexChanged.connect(self._changed)
        self.top.valueChanged.connect(self._changed)
        self.category.currentIndexChanged.connect(self._changed)
        self.parts.itemChanged.connect(self._changed)

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("", self.name_problem)
        form.addRow("&Customers", self.kind)
        form.addRow("", self.options)
        builder = QGroupBox("New segment")
        box = QVBoxLayout(builder)
        box.addLayout(form)
        box.addWidget(self.words)
        box.addWidget(self.live_count)
        box.addWidget(self.definition_problem)
        box.addStretch(1)
        box.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        self.saved_list = QListWidget()
        self.saved_list.setWordWrap(True)
        self.saved_list.setStyleSheet(
            "QListWidget::item { padding: 6px 4px; border-bottom: 1px solid palette(midlight); }"
            "QListWidget::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.saved_list.currentRowChanged.connect(self._saved_selection_changed)
        self.rename_button = QPushButton("&Rename…")
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.saved_problem = error_label()
        saved = QGroupBox("Saved segments")
        saved_box = QVBoxLayout(saved)
        saved_box.addWidget(self.saved_list, 1)
        saved_box.addWidget(self.saved_problem)
        saved_buttons = QHBoxLayout()
        saved_buttons.addWidget(self.rename_button)
        saved_buttons.addWidget(self.delete_button)
        saved_buttons.addStretch(1)
        saved_box.addLayout(saved_buttons)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addWidget(builder, 1)
        columns.addWidget(saved, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(close)
        self.resize(860, 460)

        self._load()
        self._kind_changed()
        self.name.setFocus()

    # --- Reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Read the categories and the saved segments with their counts."""
        with self.shop.read() as session:
            categories = [(category.id, category.name) for category in list_categories(session)]
            self.saved = []
            for stored in list_segments(session):
                definition = segment_definition(stored)
                self.saved.append(
                    SavedSegment(
                        stored.id,
                        stored.name,
                        definition,
                        describe(session, definition),
                        segment_count(session, definition),
                    )
                )
        chosen = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        for category_id, name in categories:
            self.category.addItem(name, category_id)
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        self.category.blockSignals(False)

        self.saved_list.clear()
        self.parts.blockSignals(True)
        self.parts.clear()
        for segment in self.saved:
            people = f"{segment.count:,} customer{'' if segment.count == 1 else 's'}"
            item = QListWidgetItem(f"{segment.name}: {people}\n{segment.words}")
            item.setToolTip(segment.words)
            self.saved_list.addItem(item)
            part = QListWidgetItem(segment.name)
            part.setFlags(part.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            part.setCheckState(Qt.CheckState.Unchecked)
            self.parts.addItem(part)
        self.parts.blockSignals(False)
        if not self.saved:
            self.saved_list.addItem(QListWidgetItem("No segments saved yet."))
            self.saved_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._saved_selection_changed()

    def definition(self) -> Definition:
        """The segment the form describes (checked by the shop when counted or saved)."""
        kind: str = self.kind.currentData()
        if kind == "not_seen_lately":
            return {"kind": kind, "rule": self.rule.currentData()}
        if kind == "best_customers":
            return {"kind": kind, "top": self.top.value()}
        if kind == "bought_from_category":
            return {"kind": kind, "category_id": self.category.currentData()}
        if kind in ("all_of", "any_of"):
            chosen = [
                self.saved[row].definition
                for row in range(self.parts.count())
                if self.parts.item(row).checkState() == Qt.CheckState.Checked
            ]
            return {"kind": kind, "parts": chosen}
        return {"kind": kind}

    def _name_edited(self, _text: str) -> None:
        show_message(self.name_problem, "")

    def _kind_changed(self, _index: int = 0) -> None:
        self.options.setCurrentIndex(OPTIONS.get(self.kind.currentData(), NO_OPTIONS))
        self.options.setVisible(self.options.currentIndex() != NO_OPTIONS)
        self._changed()

    def _changed(self, *_args: object) -> None:
        show_message(self.definition_problem, "")
        self.live_count.setText("Counting…")
        self._count_timer.start()

    def update_count(self) -> None:
        """Show how many customers the segment being built holds right now."""
        self._count_timer.stop()
        try:
            with self.shop.read() as session:
                definition = check_definition(session, self.definition())
                words = describe(session, definition)
                count = segment_count(session, definition)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self.words.setText("")
            self.live_count.setText("")
            show_message(self.definition_problem, message)
            return
        self.words.setText(words)
        self.live_count.setText(f"Right now: {count:,} customer{'' if count == 1 else 's'}")

    # --- Saving, renaming, deleting ----------------------------------------------------------

    def save(self) -> None:
        show_message(self.name_problem, "")
        show_message(self.definition_problem, "")
        name = self.name.text()
        try:
            with self.shop.write() as session:
                save_segment(session, name, self.definition())
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            if isinstance(error, InvalidInput) and error.field == "name":
                show_message(self.name_problem, message)
                self.name.setFocus()
            else:
                show_message(self.definition_problem, message)
            return
        self.name.clear()
        self._saved_changed(name.strip())
        self.update_count()

    def _saved_changed(self, select_name: str | None = None) -> None:
        self.events.changed.emit("segments")
        self._load()
        for row, segment in enumerate(self.saved):
            if segment.name == select_name:
                self.saved_list.setCurrentRow(row)

    def selected_segment(self) -> SavedSegment | None:
        row = self.saved_list.currentRow()
        return self.saved[row] if 0 <= row < len(self.saved) else None

    def _saved_selection_changed(self, _row: int = 0) -> None:
        chosen = self.selected_segment() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        show_message(self.saved_problem, "")

    def rename_selected(self) -> None:
        segment = self.selected_segment()
        if segment is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename segment", "New name", QLineEdit.EchoMode.Normal, segment.name
        )
        if ok:
            self.rename(segment, name)

    def rename(self, segment: SavedSegment, name: str) -> None:
        """Keep the segment under a new name: its definition moves over in one transaction,
        so a refused name leaves the old one as it was."""
        show_message(self.saved_problem, "")
        try:
            with self.shop.write() as session:
                delete_segment(session, segment.id)
                save_segment(session, name, segment.definition)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.saved_problem, message)
            return
        self._saved_changed(name.strip())

    def delete_selected(self) -> None:
        segment = self.selected_segment()
        if segment is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete segment",
            f"Delete the segment “{segment.name}”? Its customers are not affected.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(segment)

    def delete(self, segment: SavedSegment) -> None:
        try:
            with self.shop.write() as session:
                delete_segment(session, segment.id)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.saved_problem, message)
            return
        self._saved_changed()
