"""Sending a finished PDF to the printer chosen in the system's print dialog.

The PDF is what the preview shows, so what prints is exactly what was previewed. Where CUPS runs
(Linux, macOS) the PDF itself goes to the queue with `lp`: vector text and barcodes, sharp at any
resolution. Elsewhere (Windows) each page is rendered at the printer's resolution through
QPrinter onto a page of the PDF's own size (an A6 card stays A6, a thermal roll 80 mm wide).
Safe to run in a worker thread: no widget is touched.
"""

from __future__ import annotations

import shutil
import subprocess

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from desktop.ui.workers import Cancelled, Progress


class PrintFailed(Exception):
    """The printer could not take the job; the message says what to check."""


def load_pdf(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over `pdf` (keep the buffer alive as long as the document)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintFailed("The document to print could not be read back.")
    return document, buffer


def _page_layout(size_points: QSizeF) -> QPageLayout:
    orientation = (
        QPageLayout.Orientation.Landscape
        if size_points.width() > size_points.height()
        else QPageLayout.Orientation.Portrait
    )
    portrait = QSizeF(
        min(size_points.width(), size_points.height()),
        max(size_points.width(), size_points.height()),
    )
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def print_pdf(pdf: bytes, printer: QPrinter, progress: Progress | None = None) -> int:
    """Print every page of `pdf` on `printer` as one job. Returns the pages sent."""
    lp = shutil.which("lp")
    if lp and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
        return _print_with_cups(lp, pdf, printer, progress)
    return _print_with_painter(pdf, printer, progress)


def _print_with_cups(lp: str, pdf: bytes, printer: QPrinter, progress: Progress | None) -> int:
    document, _buffer = load_pdf(pdf)
    pages = document.pageCount()
    if progress is not None:
        progress.report(0, pages)
    command = [lp, "-d", printer.printerName(), "-n", str(max(1, printer.copyCount()))]
    command += ["-t", printer.docName() or "Aftercare", "-"]
    try:
        result = subprocess.run(command, input=pdf, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintFailed(f"The print system did not answer: {error}") from error
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise PrintFailed(f"The printer {printer.printerName()} refused the job: {detail}")
    if progress is not None:
        progress.report(pages, pages)
    return pages


def _print_with_painter(pdf: bytes, printer: QPrinter, progress: Progress | None) -> int:
    document, _buffer = load_pdf(pdf)
    pages = document.pageCount()
    printer.setFullPage(True)
    printer.setPageLayout(_page_layout(document.pagePointSize(0)))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(
            "The printer did not accept the job. Check it is switched on and connected."
        )
    try:
        for index in range(pages):
            if progress is not None:
                progress.report(index, pages)
            if index:
                printer.setPageLayout(_page_layout(document.pagePointSize(index)))
                printer.newPage()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            image = document.render(index, QSize(target.width(), target.height()))
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
        if progress is not None:
            progress.report(pages, pages)
    except Cancelled:
        printer.abort()
        raise
    finally:
        painter.end()
    return pages
