"""Preview a document exactly as it will print, then print it or save it as a PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import workers
from desktop.ui.pdf_printing import load_pdf, print_pdf


class PrintPreviewDialog(QDialog):
    """`printed(pages)` after the printer took the job; `saved(path)` after Save as PDF."""

    printed = Signal(int)
    saved = Signal(Path)

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._pdf = pdf
        self._title = title
        self._worker: workers.Worker | None = None
        self._document, self._buffer = load_pdf(pdf)
        pages = self._document.pageCount()

        self.view = QPdfView(self)
        self.view.setDocument(self._document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        summary = QLabel(f"{pages} page{'s' if pages != 1 else ''} — this is exactly what prints.")

        buttons = QDialogButtonBox()
        self.print_button = QPushButton("&Print…")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("&Save as PDF…")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.choose_printer)
        self.save_button.clicked.connect(self.save_as)
        QShortcut(QKeySequence.StandardKey.Print, self).activated.connect(self.choose_printer)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save_as)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(summary)
        layout.addWidget(buttons)
        self.resize(720, 860)

    def choose_printer(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self._title}")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_on(printer)

    def print_on(self, printer: QPrinter) -> None:
        """Send the document to `printer` in the background, with progress and cancel."""
        pages = self._document.pageCount()
        bar = QProgressDialog("Sending to the printer…", "Cancel", 0, pages, self)
        bar.setWindowModality(Qt.WindowModality.WindowModal)
        bar.setMinimumDuration(300)
        self.print_button.setEnabled(False)

        def done(sent: object) -> None:
            bar.close()
            self.print_button.setEnabled(True)
            self.printed.emit(sent if isinstance(sent, int) else 0)

        def failed(error: BaseException) -> None:
            bar.close()
            self.print_button.setEnabled(True)
            QMessageBox.warning(self, "Printing", str(error))

        def cancelled() -> None:
            bar.close()
            self.print_button.setEnabled(True)

        self._worker = workers.start(
            lambda progress: print_pdf(self._pdf, printer, progress),
            finished=done,
            failed=failed,
            progress=lambda done_pages, _total: bar.setValue(done_pages),
            cancelled=cancelled,
        )
        bar.canceled.connect(self._worker.cancel)

    def save_as(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{self._title}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, "Save as PDF", suggested, "PDF (*.pdf)")
        if not name:
            return
        path = Path(name if name.lower().endswith(".pdf") else name + ".pdf")
        try:
            path.write_bytes(self._pdf)
        except OSError as error:
            QMessageBox.warning(
                self, "Save as PDF", f"Could not save {path.name}: {error.strerror}"
            )
            return
        self.saved.emit(path)
