"""The colours of printed pieces, and their greyscale twins for black-and-white printers."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from reportlab.lib.colors import Color, HexColor


@dataclass(frozen=True)
class Palette:
    ink: Color  # greeting, message, values
    soft: Color  # footer, small print, URLs
    accent: Color  # headings, signature, ornaments
    line: Color  # rules, the coupon's dashed edge, crop marks
    paper: Color  # what barcodes sit on: always white, so they scan


COLOUR = Palette(
    ink=HexColor("#26302F"),
    soft=HexColor("#6E7776"),
    accent=HexColor("#2F6B66"),
    line=HexColor("#9DB5B1"),
    paper=HexColor("#FFFFFF"),
)


def _grey(colour: Color) -> Color:
    # Rec. 601 luma: the grey a black-and-white printer would make of the colour anyway.
    luma = 0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue
    return Color(luma, luma, luma)


# Greys a shade darker than the colours' luma: pale greys wash out on laser and thermal paper.
GREY = replace(
    Palette(**{f.name: _grey(getattr(COLOUR, f.name)) for f in fields(COLOUR)}),
    ink=Color(0.1, 0.1, 0.1),
    soft=Color(0.3, 0.3, 0.3),
    line=Color(0.45, 0.45, 0.45),
)


# Receipt printers print dots of black; greys come out as speckle, so nearly all is black there.
MONO = replace(GREY, soft=Color(0.15, 0.15, 0.15), accent=Color(0, 0, 0), line=Color(0.3, 0.3, 0.3))


def palette(colour: bool, monochrome: bool = False) -> Palette:
    """The colour palette, every colour turned grey, or black for printers that have no grey."""
    if monochrome:
        return MONO
    return COLOUR if colour else GREY
