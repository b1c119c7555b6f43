"""QR codes and Code 128 as vectors: every dark stretch of a row is one rectangle, and a whole
symbol is one filled path.

zxing-cpp encodes (in C++, with the standard's mask scoring: a fifth of the time pure-Python
segno takes with it switched off). ReportLab's own widgets draw a rectangle per module, each
its own fill, through the graphics renderer: about 60 pages a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import zxingcpp
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

QR_QUIET = 4  # modules of blank margin the QR standard asks for on each side
CODE128_QUIET = 10  # the same for Code 128, in narrow-bar widths
_DARK = re.compile(rb"\x00+")  # zxing-cpp draws a module as one byte, 0 for dark


@dataclass(frozen=True)
class Symbol:
    width: int  # in modules, quiet zones included
    height: int  # in modules (1 for Code 128, whose bars are stretched to their height)
    path: str  # PDF operators: a rectangle per dark run, in modules, y up from the bottom


def _symbol(code: zxingcpp.Barcode, quiet: int, quiet_rows: int, rows: int | None = None) -> Symbol:
    """The dark runs of `code`'s modules (its first `rows` rows: all by default)."""
    image = code.to_image(scale=1, add_quiet_zones=False)
    rows = image.shape[0] if rows is None else rows
    width = image.shape[1]
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # the stub omits its buffer
    height = rows + 2 * quiet_rows
    path = " ".join(
        f"{match.start() - start + quiet} {height - quiet_rows - row - 1} "
        f"{match.end() - match.start()} 1 re"
        for row, start in enumerate(range(0, rows * width, width))
        for match in _DARK.finditer(pixels, start, start + width)
    )
    return Symbol(width + 2 * quiet, height, path)


@lru_cache(maxsize=256)
def qr_symbol(data: str) -> Symbol:
    """The QR code for `data`, error correction M (15% of it may be lost and still scan)."""
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return _symbol(code, QR_QUIET, QR_QUIET)


@lru_cache(maxsize=256)
def code128_symbol(value: str) -> Symbol:
    """Code 128 for `value`: shortest code sets, with its check symbol."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.Code128)
    # zxing-cpp draws the bars tall; one row of them is the whole symbol.
    return _symbol(code, CODE128_QUIET, 0, rows=1)


def _fill(
    canvas: Canvas, symbol: Symbol, x: float, y: float, across: float, up: float, ink: Color
) -> None:
    # Integer module coordinates, scaled into place, filled in one operation. The operators are
    # written directly: ReportLab formats every number of a path in Python, many times slower.
    canvas.saveState()
    canvas.setFillColor(ink)
    canvas.translate(x, y)
    canvas.scale(across, up)
    canvas.addLiteral(f"{symbol.path} f")
    canvas.restoreState()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, ink: Color) -> None:
    """The QR code for `data` in the square of side `size` (quiet zone included) at (x, y)."""
    symbol = qr_symbol(data)
    _fill(canvas, symbol, x, y, size / symbol.width, size / symbol.height, ink)


def draw_code128(
    canvas: Canvas, value: str, x: float, y: float, module: float, height: float, ink: Color
) -> None:
    """Code 128 for `value` with narrow bars `module` wide, its left quiet zone starting at x."""
    _fill(canvas, code128_symbol(value), x, y, module, height, ink)
