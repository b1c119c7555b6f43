"""What the printing tests print and how they read it back: sample content in many scripts, a
small PNG logo made here, and PDFs read with pypdf, poppler and zbar."""

from __future__ import annotations

import struct
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from desktop.shop.inserts import InsertContent, ShopBranding, VoucherContent
from tests.conftest import require_program

NAMES = ["Zoë", "Łukasz Ó'Brien", "Ελένη", "Дмитрий", "李雷", "<b>Smith & Co</b>"]
MESSAGE = (
    "Thank you so much for choosing us. We hope your new mug brings you many cosy mornings."
    "\n\nIf anything is not quite right, just reply to this note and we will put it right."
)


def png(width: int, height: int, pixel: Any) -> bytes:
    """An RGBA PNG whose pixel (x, y) is pixel(x, y) -> (r, g, b, a)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _logo_pixel(x: int, y: int) -> tuple[int, int, int, int]:
    # A terracotta disc with a green band beside a bar pattern, on transparency: 3 wide, 1 tall.
    if (x - 45) ** 2 + (y - 45) ** 2 <= 40**2:
        return (40, 140, 70, 255) if abs(y - 45) <= 8 else (205, 85, 55, 255)
    if 100 <= x <= 290 and 30 <= y <= 60 and (x // 12) % 2 == 0:
        return (40, 60, 160, 255)
    return (0, 0, 0, 0)


LOGO = png(300, 90, _logo_pixel)
BRANDING = ShopBranding(
    name="Maple & Mug", website="maplemug.co.uk", phone="01632 960 123", logo=LOGO
)

VOUCHER = VoucherContent(
    code="7G9C4X6RA6PM",
    title="Thank you",
    value="10% off",
    conditions="When you spend £10.00 or more, valid until 31 December 2026, one use only.",
    terms="Not exchangeable for cash.",
    customer_name="Zoë Fairweather",
)


def insert(name: str = "Zoë", number: int = 1, **changes: Any) -> InsertContent:
    """A full insert: message, three items, a link and a voucher whose code carries `number`."""
    reference = f"P-2026-{number:06d}"
    content = InsertContent(
        reference=reference,
        first_name=name,
        greeting=f"Dear {name},",
        message=MESSAGE,
        signature="With love, Anna",
        items=["2 × Blue speckled mug", "Tea towel (linen)", "Honey jar"],
        voucher=replace(VOUCHER, code=f"7G9C4X6R{number:04d}", customer_name=name),
        qr_url=f"https://maplemug.co.uk/care?ref={reference}",
        qr_caption="Care tips for your new mug",
    )
    return replace(content, **changes)


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    return [
        (
            round(float(page.mediabox.width) / 72 * 25.4, 1),
            round(float(page.mediabox.height) / 72 * 25.4, 1),
        )
        for page in PdfReader(pdf).pages
    ]


def fonts_used(pdf: Path) -> dict[str, bool]:
    """Every font the pages and their forms name: base name -> whether its program is embedded."""
    found: dict[str, bool] = {}

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            described = [font]
            if font["/Subtype"] == "/Type0":
                described = [part.get_object() for part in font["/DescendantFonts"]]
            for part in described:
                descriptor = part.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor.get_object()
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                found[str(font["/BaseFont"])] = embedded
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(pdf).pages:
        walk(page.get("/Resources"))
    return found


def rendered(pdf: Path, page: int, dpi: int, *, grey: bool = False) -> tuple[int, int, bytes]:
    """Page `page` (1-based) as (width, height, RGB or grey bytes), rendered by poppler."""
    require_program("pdftoppm")
    command = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    if grey:
        command.append("-gray")
    data = subprocess.run([*command, str(pdf)], capture_output=True, check=True).stdout
    # Binary PPM/PGM: magic, width, height, maxval, then the samples.
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic in (b"P5", b"P6")
    return int(width), int(height), pixels


def decoded(pdf: Path, page: int, *, grey: bool = False, dpi: int = 300) -> list[str]:
    """What zbar reads from page `page` rendered at `dpi`, as a scanner would see it printed."""
    require_program("pdftoppm")
    zbarimg = require_program("zbarimg")
    image = pdf.with_name(f"{pdf.stem}-{page}-{'grey' if grey else 'colour'}")
    command = ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page)]
    if grey:
        command.append("-gray")
    subprocess.run([*command, str(pdf), str(image)], check=True)
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "--nodbus", f"{image}.png"], capture_output=True, text=True
    )
    return sorted(result.stdout.split())
