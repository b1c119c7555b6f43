"""Paper layouts: how many pieces go on a page, where, and what margins and marks they get."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.shop.errors import InvalidInput

# Crop marks start this far outside the cut, so a slightly crooked cut never shows them.
_MARK_GAP = 1.5 * mm
_MARK_LENGTH = 3.5 * mm


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    page_width: float
    page_height: float | None  # None: roll paper, each page as tall as its piece
    piece_width: float
    piece_height: float | None
    inset: float  # blank edge inside each piece: home printers cannot print the outer ~5 mm
    columns: int = 1
    rows: int = 1
    crop_marks: bool = False
    scale: float = 1.0  # type and block sizes, relative to the A6 card
    monochrome: bool = False  # receipt printers print black only

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def wide(self) -> bool:
        """Landscape pieces set their content in two columns."""
        return self.piece_height is not None and self.piece_width > self.piece_height * 1.3

    def piece_origin(self, slot: int, page_height: float) -> tuple[float, float]:
        """The bottom-left corner of piece `slot` (0 = top left, then across, then down)."""
        height = self.piece_height if self.piece_height is not None else page_height
        left = (self.page_width - self.columns * self.piece_width) / 2
        bottom = (page_height - self.rows * height) / 2
        column, row = slot % self.columns, slot // self.columns
        return left + column * self.piece_width, bottom + (self.rows - 1 - row) * height

    def draw_crop_marks(self, canvas: Canvas, page_height: float) -> None:
        """Short hairlines in the sheet's margin, on the line of every cut, never on a piece."""
        assert self.piece_height is not None
        left, bottom = self.piece_origin(self.per_page - self.columns, page_height)
        right = left + self.columns * self.piece_width
        top = bottom + self.rows * self.piece_height
        path = canvas.beginPath()
        for column in range(self.columns + 1):
            x = left + column * self.piece_width
            path.moveTo(x, top + _MARK_GAP)
            path.lineTo(x, top + _MARK_GAP + _MARK_LENGTH)
            path.moveTo(x, bottom - _MARK_GAP)
            path.lineTo(x, bottom - _MARK_GAP - _MARK_LENGTH)
        for row in range(self.rows + 1):
            y = bottom + row * self.piece_height
            path.moveTo(left - _MARK_GAP, y)
            path.lineTo(left - _MARK_GAP - _MARK_LENGTH, y)
            path.moveTo(right + _MARK_GAP, y)
            path.lineTo(right + _MARK_GAP + _MARK_LENGTH, y)
        canvas.drawPath(path, stroke=1, fill=0)


_A4 = (210 * mm, 297 * mm)
# Four pieces butt together on A4 so one cut separates two; the 10 mm around them holds the marks.
_QUARTER = ((_A4[0] - 20 * mm) / 2, (_A4[1] - 20 * mm) / 2)

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("a6", "A6 card", 105 * mm, 148 * mm, 105 * mm, 148 * mm, inset=7 * mm),
        Layout("a5", "A5 card", 148 * mm, 210 * mm, 148 * mm, 210 * mm, inset=10 * mm, scale=1.35),
        Layout(
            "a4-4up",
            "Four cards on A4, with crop marks",
            *_A4,
            *_QUARTER,
            inset=6 * mm,
            columns=2,
            rows=2,
            crop_marks=True,
            scale=0.94,
        ),
        Layout("dl", "DL compliments slip", 210 * mm, 99 * mm, 210 * mm, 99 * mm, inset=8 * mm),
        Layout(
            "thermal-80",
            "80 mm receipt roll",
            80 * mm,
            None,
            80 * mm,
            None,
            inset=4 * mm,  # receipt printers print the middle 72 mm
            scale=0.92,
            monochrome=True,
        ),
    )
}


def get_layout(name: str) -> Layout:
    """The layout called `name`; InvalidInput naming the choices when there is none."""
    try:
        return LAYOUTS[name]
    except KeyError:
        choices = ", ".join(LAYOUTS)
        raise InvalidInput(
            "layout", f"There is no layout “{name}”. Choose one of: {choices}."
        ) from None
