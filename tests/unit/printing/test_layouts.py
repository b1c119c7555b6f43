"""Paper layouts: page sizes, margins home printers can print, crop marks on the cut lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.units import mm

from desktop.printing import LAYOUTS, get_layout, render_inserts
from desktop.shop.errors import InvalidInput
from tests.unit.printing.samples import BRANDING, insert, page_sizes_mm, rendered


def test_the_layouts_on_offer() -> None:
    assert set(LAYOUTS) == {"a6", "a5", "a4-4up", "dl", "thermal-80"}


def test_an_unknown_layout_names_the_choices() -> None:
    with pytest.raises(InvalidInput, match="a6, a5, a4-4up, dl, thermal-80") as error:
        get_layout("a7")
    assert error.value.field == "layout"


@pytest.mark.parametrize(
    ("layout", "size"),
    [("a6", (105, 148)), ("a5", (148, 210)), ("a4-4up", (210, 297)), ("dl", (210, 99))],
)
def test_page_sizes(tmp_path: Path, layout: str, size: tuple[int, int]) -> None:
    pdf = tmp_path / "inserts.pdf"
    render_inserts([insert()], BRANDING, pdf, layout=layout)
    assert page_sizes_mm(pdf) == [(float(size[0]), float(size[1]))]


def test_the_receipt_roll_is_80_mm_wide_and_as_long_as_each_insert(tmp_path: Path) -> None:
    pdf = tmp_path / "roll.pdf"
    short = insert(voucher=None, qr_url=None, items=[])
    render_inserts([short, insert()], BRANDING, pdf, layout="thermal-80")

    (short_width, short_length), (full_width, full_length) = page_sizes_mm(pdf)
    assert short_width == full_width == 80.0
    assert 60 < short_length < full_length


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_content_keeps_clear_of_what_printers_cannot_print(name: str) -> None:
    layout = LAYOUTS[name]
    if layout.piece_height is None:
        # A receipt printer prints the middle 72 mm of its 80 mm roll.
        assert layout.page_width - 2 * layout.inset <= 72 * mm + 0.01
        return
    assert layout.inset >= 5 * mm
    page_height = layout.page_height or layout.piece_height
    for slot in range(layout.per_page):
        left, bottom = layout.piece_origin(slot, page_height)
        assert left >= 0 and bottom >= 0
        assert left + layout.piece_width <= layout.page_width + 0.01
        assert bottom + layout.piece_height <= page_height + 0.01


def test_crop_marks_sit_in_the_margin_on_the_cut_lines(tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    render_inserts([insert(number=n) for n in range(4)], BRANDING, pdf, layout="a4-4up")
    dpi = 150
    width, height, pixels = rendered(pdf, 1, dpi, grey=True)
    per_mm = dpi / 25.4

    def marks(across: range, band: range, vertical: bool) -> set[int]:
        """Where (in mm) dark pixels stand along `across`, looking only within `band`."""
        found: set[int] = set()
        for a in across:
            spots = (b * width + a if vertical else a * width + b for b in band)
            if any(pixels[spot] < 230 for spot in spots):
                found.add(round(a / per_mm))
        return found

    margin = range(round(3 * per_mm), round(9 * per_mm))  # 3 to 9 mm in from the paper's edge
    # Above and below the block of pieces: marks at the three vertical cuts and nowhere else.
    for band in (margin, range(height - margin.stop, height - margin.start)):
        assert marks(range(width), band, vertical=True) == {10, 105, 200}
    # Left and right of it: at the three horizontal cuts.
    for band in (margin, range(width - margin.stop, width - margin.start)):
        assert marks(range(height), band, vertical=False) in ({10, 148, 287}, {10, 149, 287})
