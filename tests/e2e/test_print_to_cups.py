"""Printing for real: the Print button's code path into a CUPS queue backed by cups-pdf."""

from __future__ import annotations

import io
import os
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A6
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop.resources import resource_path
from desktop.ui.print_preview import PrintPreviewDialog
from tests.conftest import require_program

QUEUE = os.environ.get("AFTERCARE_TEST_PRINTER", "AftercarePDF")


def _two_page_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(resource_path("fonts", "DejaVuSans.ttf"))))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6)
    for reference, name in (("P-000101", "Dear Zoë Ó'Brien"), ("P-000102", "Dear Дмитрий")):
        canvas.setFont("DejaVuSans", 14)
        canvas.drawString(30, 300, name)
        canvas.drawString(30, 270, f"Order {reference}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _cups_queue() -> QPrinterInfo:
    require_program("lp")
    listed = subprocess.run(["lpstat", "-p", QUEUE], capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        if os.environ.get("AFTERCARE_REQUIRE_PROGRAMS") == "1":
            pytest.fail(f"CUPS queue {QUEUE} is required here but missing: {listed.stderr}")
        pytest.skip(f"no CUPS queue {QUEUE} (cups-pdf)")
    return QPrinterInfo.printerInfo(QUEUE)


def test_print_button_path_lands_a_pdf_in_the_cups_pdf_queue(qtbot: QtBot) -> None:
    info = _cups_queue()
    spool = Path.home() / "PDF"
    before = set(spool.glob("*.pdf")) if spool.exists() else set()
    dialog = PrintPreviewDialog(_two_page_pdf(), "Thank-you inserts")
    qtbot.addWidget(dialog)
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName("aftercare-e2e")
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as sent:
        dialog.print_on(printer)
    assert sent.args == [2]
    deadline = time.monotonic() + 30
    landed: list[Path] = []
    while time.monotonic() < deadline and not landed:
        landed = [p for p in spool.glob("*.pdf") if p not in before] if spool.exists() else []
        time.sleep(0.2)
    assert landed, "cups-pdf wrote no PDF"
    time.sleep(0.5)  # cups-pdf renames the file into place when done
    reader = PdfReader(landed[0])
    assert len(reader.pages) == 2
    # cups-pdf re-distils through Ghostscript, which drops the fonts' Unicode maps: accented
    # and Cyrillic glyphs still print but no longer extract as text, so check the plain parts.
    texts = [page.extract_text() for page in reader.pages]
    assert "P-000101" in texts[0]
    assert "P-000102" in texts[1]
    assert "Brien" in texts[0]


def test_without_cups_every_page_is_painted_through_qprinter(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PrintPreviewDialog(_two_page_pdf(), "Inserts")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "painted.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=30_000):
        dialog.print_on(printer)
    reader = PdfReader(tmp_path / "painted.pdf")
    assert len(reader.pages) == 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    # The page keeps the document's own size (A6), not the printer's default A4/Letter.
    assert abs(width - A6[0]) < 1.5
    assert abs(height - A6[1]) < 1.5
