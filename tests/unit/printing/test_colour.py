"""Greyscale means grey: every pixel of a rendered page has equal red, green and blue."""

from __future__ import annotations

from pathlib import Path

from desktop.printing import render_inserts, render_voucher_slips
from tests.unit.printing.samples import BRANDING, VOUCHER, insert, rendered


def coloured_pixels(pdf: Path) -> int:
    _, _, pixels = rendered(pdf, 1, 50)
    red, green, blue = pixels[0::3], pixels[1::3], pixels[2::3]
    return sum(1 for r, g, b in zip(red, green, blue, strict=True) if not r == g == b)


def test_colour_inserts_have_colour_and_greyscale_ones_have_none(tmp_path: Path) -> None:
    colour, grey = tmp_path / "colour.pdf", tmp_path / "grey.pdf"
    render_inserts([insert()], BRANDING, colour, colour=True)
    render_inserts([insert()], BRANDING, grey, colour=False)

    assert coloured_pixels(colour) > 500  # the logo and the accent type
    assert coloured_pixels(grey) == 0


def test_greyscale_slips_have_no_colour(tmp_path: Path) -> None:
    colour, grey = tmp_path / "colour.pdf", tmp_path / "grey.pdf"
    render_voucher_slips([VOUCHER], BRANDING, colour, layout="a6")
    render_voucher_slips([VOUCHER], BRANDING, grey, layout="a6", colour=False)

    assert coloured_pixels(colour) > 500
    assert coloured_pixels(grey) == 0


def test_the_receipt_roll_is_always_black_and_white(tmp_path: Path) -> None:
    pdf = tmp_path / "roll.pdf"
    render_inserts([insert()], BRANDING, pdf, layout="thermal-80", colour=True)
    assert coloured_pixels(pdf) == 0
