"""Printing figures: a 1,000-insert batch, ReportLab's own QR widget in the same run, and the
preview of one insert (warm, and cold in a fresh process with imports and font loading)."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from desktop.shop.codes import new_code
from desktop.shop.inserts import InsertContent, ShopBranding, VoucherContent

# ReportLab and desktop.printing are imported where they are timed: the cold preview is measured
# in a fresh process that has only the shop's modules loaded, as the app has when it previews.

Row = tuple[str, str, str, str, bool | None]
BATCH = 1000
BASELINE = 300
_NAMES = ("Zoë", "Łukasz", "Ελένη", "Дмитрий", "李雷", "Amara", "Siobhán", "Jürgen")
_MESSAGE = (
    "Thank you so much for choosing us, {name}. We hope your new things bring you many cosy "
    "mornings.\n\nIf anything is not quite right, just reply to this note and we will put it right."
)


def _logo() -> bytes:
    picture = Image.new("RGBA", (600, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((10, 10, 170, 170), fill=(205, 85, 55, 255))
    draw.rectangle((200, 60, 590, 120), fill=(40, 60, 160, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


BRANDING = ShopBranding(
    name="Maple & Mug", website="maplemug.co.uk", phone="01632 960 123", logo=_logo()
)


def sample_inserts(count: int) -> list[InsertContent]:
    """`count` personal inserts, each with its own name, items, link and voucher code."""
    inserts = []
    for number in range(count):
        name = f"{_NAMES[number % len(_NAMES)]} {number}"
        reference = f"P-2026-{number:06d}"
        inserts.append(
            InsertContent(
                reference=reference,
                first_name=name,
                greeting=f"Dear {name},",
                message=_MESSAGE.format(name=name),
                signature="With love, Anna",
                items=[f"{1 + number % 3} × Blue mug no. {number}", "Tea towel", "Honey jar"],
                voucher=VoucherContent(
                    code=new_code(),
                    title="Thank you",
                    value="10% off",
                    conditions="When you spend £10.00 or more, until 31 December 2026.",
                    customer_name=name,
                ),
                qr_url=f"https://maplemug.co.uk/care?ref={reference}",
                qr_caption="Care tips for your new mug",
            )
        )
    return inserts


def _batch_seconds(inserts: list[InsertContent]) -> tuple[float, float]:
    """(wall, CPU) seconds: CPU time shows the cost when other work shares the machine."""
    from desktop.printing import render_inserts

    started, used = time.perf_counter(), time.process_time()
    render_inserts(inserts, BRANDING, io.BytesIO(), layout="a6")
    return time.perf_counter() - started, time.process_time() - used


def _baseline_seconds(inserts: list[InsertContent]) -> tuple[float, float]:
    """A simple insert a page, its QR code drawn by ReportLab's QrCodeWidget as its guide shows."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    started, used = time.perf_counter(), time.process_time()
    canvas = Canvas(io.BytesIO(), pagesize=A6)
    size = 25 * mm
    for insert in inserts:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(10 * mm, 135 * mm, insert.greeting)
        canvas.setFont("Helvetica", 8)
        for number, line in enumerate(insert.message.split("\n\n")):
            canvas.drawString(10 * mm, (125 - 5 * number) * mm, line[:70])
        drawing = Drawing(size, size)
        drawing.add(QrCodeWidget(insert.qr_url or "", barLevel="M", barWidth=size, barHeight=size))
        renderPDF.draw(drawing, canvas, 10 * mm, 60 * mm)
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - started, time.process_time() - used


_COLD = """
import io, time
from benchmarks.printing import BRANDING, sample_inserts
content = sample_inserts(1)
started, used = time.perf_counter(), time.process_time()
from desktop.printing import render_inserts
render_inserts(content, BRANDING, io.BytesIO())
print(time.perf_counter() - started, time.process_time() - used)
"""


def _cold_preview_seconds() -> tuple[float, float]:
    """(wall, CPU) seconds to import printing, load its fonts and render one insert."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _COLD], cwd=root, capture_output=True, text=True, check=True
    )
    wall, cpu = result.stdout.split()
    return float(wall), float(cpu)


def run_printing_bench() -> list[Row]:
    """(measurement, figure, target, baseline, passed) rows."""
    cold, cold_cpu = min(_cold_preview_seconds() for _ in range(5))
    one = sample_inserts(1)
    _batch_seconds(one)  # warm: fonts registered, modules imported
    warm = min(_batch_seconds(one)[0] for _ in range(5))
    inserts = sample_inserts(BATCH)
    batch, batch_cpu = _batch_seconds(inserts)
    baseline, baseline_cpu = _baseline_seconds(inserts[:BASELINE])
    ours, theirs = BATCH / batch, BASELINE / baseline
    # Other work on the machine slows both runs unevenly; CPU time is what each one costs.
    speed_up = (BATCH / batch_cpu) / (BASELINE / baseline_cpu)
    return [
        (
            f"{BATCH} A6 inserts (link QR, voucher Code 128 + QR), one PDF",
            f"{batch:.2f} s, {ours:.0f} pages/s (CPU {batch_cpu:.2f} s)",
            "≤ 4 s",
            "",
            batch <= 4,
        ),
        (
            "ReportLab QrCodeWidget, a simple insert each",
            f"{theirs:.0f} pages/s (CPU {BASELINE / baseline_cpu:.0f} pages/s)",
            "",
            "about 60 pages/s",
            None,
        ),
        (
            "Speed-up over QrCodeWidget, CPU time",
            f"{speed_up:.1f}× (wall clock {ours / theirs:.1f}×)",
            "≥ 4×",
            "1×",
            speed_up >= 4,
        ),
        ("Preview of one insert, warm", f"{warm * 1000:.0f} ms", "≤ 300 ms", "", warm <= 0.3),
        (
            "Preview of one insert, fresh process (imports, fonts, logo)",
            f"{cold * 1000:.0f} ms (CPU {cold_cpu * 1000:.0f} ms)",
            "≤ 300 ms",
            "",
            cold <= 0.3,
        ),
    ]


if __name__ == "__main__":
    for row in run_printing_bench():
        print(" | ".join(str(cell) for cell in row))
