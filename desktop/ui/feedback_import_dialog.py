"""Importing an online form's responses: choose the CSV export, check which column holds what,
see row by row what will be imported and what will not (and why), then import all or nothing."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.feedback_import import (
    ColumnMapping,
    ImportPreview,
    ImportResult,
    apply_import,
    decode_csv,
    file_headers,
    preview_import,
)
from desktop.store.backup import make_backup
from desktop.store.locations import backup_dir
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_format import LOW_COLOUR, one_line, score
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.print_jobs import plural

FIELD_TITLES = {
    "timestamp": "Date and time",
    "reference": "Order reference",
    "email": "Email",
    "rating": "Stars (1–5)",
    "recommend": "Recommend (0–10)",
    "comment": "Comment",
}
NOT_IN_FILE = "(not in the file)"
OUTCOME_COLOURS = {"Not matched": "#8a5a00", "Malformed": LOW_COLOUR, "Will import": good_colour()}


class ImportFeedbackDialog(QDialog):
    """`load_file(path)` reads a file as "Choose file…" does; `import_result` is set on import."""

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import feedback responses")
        self.shop = shop
        self.events = events
        self.text = ""
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None
        self._worker: workers.Worker | None = None
        self._filling = False  # setting the combos to the detected columns, not a choice

        self.file_label = QLabel("Choose the CSV file your online form exported.")
        self.file_label.setWordWrap(True)
        choose = QPushButton("&Choose file…")
        choose.clicked.connect(self.choose_file)
        self.columns: dict[str, QComboBox] = {}
        mapping_form = QFormLayout()
        for name, title in FIELD_TITLES.items():
            combo = QComboBox()
            combo.setMinimumWidth(260)
            combo.currentIndexChanged.connect(lambda _index: self._mapping_changed())
            self.columns[name] = combo
            mapping_form.addRow(title, combo)
        self.mapping_box = QWidget()
        box_layout = QVBoxLayout(self.mapping_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(QLabel("<b>Which column holds what</b> (found from the headers)"))
        box_layout.addLayout(mapping_form)
        self.mapping_box.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Line", "Outcome", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        self.error = error_label()
        self.imported_note = QLabel()
        self.imported_note.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.imported_note.setWordWrap(True)
        self.imported_note.hide()
        self.import_button = QPushButton("Import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.imported_note)
        layout.addLayout(buttons)
        self.resize(860, 640)
        choose.setFocus()

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose the form's CSV export", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read `path`, find its columns and show the preview (or say why it cannot be read)."""
        self.preview, self.import_result = None, None
        self.imported_note.hide()
        try:
            self.text = decode_csv(path.read_bytes())
        except Exception as error:
            self._failed(error)
            return
        self.file_label.setText(f"<b>{path.name}</b> — {path.parent}")
        headers = file_headers(self.text)
        for combo in self.columns.values():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for header in headers:
                combo.addItem(header, header)
            combo.blockSignals(False)
        self.mapping_box.setVisible(bool(headers))
        self._run_preview(None)

    def mapping(self) -> ColumnMapping:
        """The columns as chosen in the combos."""
        return ColumnMapping(**{name: combo.currentData() for name, combo in self.columns.items()})

    def _mapping_changed(self) -> None:
        if self.text and not self._filling:
            self._run_preview(self.mapping())

    def _run_preview(self, mapping: ColumnMapping | None) -> None:
        show_message(self.error, "")
        try:
            with self.shop.read() as session:
                preview = preview_import(session, self.text, mapping)
        except Exception as error:
            self.preview = None
            self.table.hide()
            self._failed(error)
            return
        self.preview = preview
        self._filling = True
        for item in fields(preview.mapping):
            combo = self.columns[item.name]
            combo.setCurrentIndex(max(0, combo.findData(getattr(preview.mapping, item.name))))
        self._filling = False
        self._show_preview(preview)

    def _show_preview(self, preview: ImportPreview) -> None:
        rows: list[tuple[int, str, str]] = []
        for matched in preview.matched:
            how = f"purchase {matched.reference}" if matched.reference else "by email"
            who = matched.customer_name or "no customer on the purchase"
            comment = f" · “{one_line(matched.comment, 80)}”" if matched.comment else ""
            details = f"{who} ({how}) · {score(matched.rating, matched.recommend)}{comment}"
            rows.append((matched.line, "Will import", details))
        rows += [(row.line, "Not matched", row.reason) for row in preview.unmatched]
        rows += [
            (row.line, "Malformed", f"{row.field}: {row.problem}") for row in preview.malformed
        ]
        rows += [(line, "Already imported", "skipped") for line in preview.already_imported]
        rows.sort()
        self.table.setRowCount(len(rows))
        for number, (line, outcome, details) in enumerate(rows):
            cells = [QTableWidgetItem(text) for text in (f"line {line}", outcome, details)]
            colour = OUTCOME_COLOURS.get(outcome)
            if colour:
                cells[1].setForeground(QColor(colour))
            cells[2].setToolTip(details)
            for column, cell in enumerate(cells):
                self.table.setItem(number, column, cell)
        self.table.setVisible(bool(rows))
        count = len(preview.matched)
        parts = [f"{plural(count, 'response')} to import"]
        if preview.unmatched:
            parts.append(f"{len(preview.unmatched)} not matched")
        if preview.malformed:
            parts.append(f"{plural(len(preview.malformed), 'malformed row')}")
        if preview.already_imported:
            parts.append(f"{len(preview.already_imported)} already imported")
        text = ", ".join(parts) + "."
        if not count and preview.already_imported and not preview.unmatched:
            text = "Everything in this file was already imported: nothing new to add."
        elif preview.unmatched or preview.malformed:
            text += " Those rows are left out: fix them and import the file again."
        self.summary.setText(text)
        self.import_button.setText(f"Import {plural(count, 'response')}" if count else "Import")
        self.import_button.setEnabled(bool(count))
        if count:
            self.import_button.setDefault(True)

    def apply(self) -> None:
        """Back up, then import every previewed row or none, in the background."""
        if self.preview is None or not self.preview.matched or self._worker is not None:
            return
        shop, text, mapping = self.shop, self.text, self.preview.mapping

        def run(progress: workers.Progress) -> ImportResult:
            if shop.path is not None:
                make_backup(shop.engine, backup_dir(shop.path), "before-import")
            progress.report(0, 1)
            with shop.write() as session:
                # Previewed again inside the write: another till may have imported meanwhile.
                return apply_import(session, preview_import(session, text, mapping))

        self.import_button.setEnabled(False)
        self.import_button.setText("Importing…")
        self._worker = workers.start(run, finished=self._imported, failed=self._import_failed)

    def _imported(self, result: ImportResult) -> None:
        self._worker = None
        self.import_result = result
        skipped = f" ({result.skipped} imported meanwhile, skipped)" if result.skipped else ""
        self.imported_note.setText(f"✓ Imported {plural(result.added, 'response')}{skipped}.")
        self.imported_note.show()
        self.events.changed.emit("feedback")
        self._run_preview(self.mapping())
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _import_failed(self, error: BaseException) -> None:
        self._worker = None
        self._failed(error)
        if self.preview is not None:
            self._show_preview(self.preview)

    def _failed(self, error: BaseException) -> None:
        text = describe_error(error)
        if text is None:
            raise error
        show_message(self.error, text)
        self.import_button.setEnabled(False)
        self.summary.setText("")
        self.error.setFocus(Qt.FocusReason.OtherFocusReason)
