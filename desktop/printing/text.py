"""Type on printed pieces: styles, single lines that shorten with "…" to fit, and wrapped
paragraphs (ReportLab's Paragraph over escaped, font-run markup)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop.printing import fonts

Align = Literal["left", "centre", "right"]
Runs = tuple[tuple[str, str], ...]
ELLIPSIS = "…"
_ALIGNMENT = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}


@dataclass(frozen=True)
class TextStyle:
    face: str
    size: float
    colour: Color
    leading_ratio: float = 1.3
    align: Align = "left"
    tracking: float = 0.0  # extra points after each glyph: airy small headings
    break_anywhere: bool = False  # for URLs and codes: wrap between any two characters

    @property
    def leading(self) -> float:
        return self.size * self.leading_ratio

    def sized(self, size: float) -> TextStyle:
        return replace(self, size=size)


def fit_line(text: str, style: TextStyle, width: float) -> Runs:
    """`text` as runs that fit `width` on one line, shortened with "…" if need be."""
    face = fonts.face(style.face)
    runs = fonts.runs(text, face)
    if fonts.width(runs, style.size, style.tracking) <= width:
        return runs
    # The longest prefix that fits with its ellipsis, by bisection over its length.
    short, long = 0, len(text)
    while long - short > 1:
        middle = (short + long) // 2
        candidate = fonts.runs(text[:middle].rstrip() + ELLIPSIS, face)
        if fonts.width(candidate, style.size, style.tracking) <= width:
            short = middle
        else:
            long = middle
    return fonts.runs(text[:short].rstrip() + ELLIPSIS, face)


def draw_line(
    canvas: Canvas, runs: Runs, style: TextStyle, x: float, baseline: float, width: float
) -> None:
    """Runs on one line, aligned within `width` from x."""
    used = fonts.width(runs, style.size, style.tracking)
    if style.align == "centre":
        x += (width - used + style.tracking) / 2
    elif style.align == "right":
        x += width - used + style.tracking
    text = canvas.beginText(x, baseline)
    text.setFillColor(style.colour)
    if style.tracking:
        text.setCharSpace(style.tracking)
    for face, part in runs:
        text.setFont(face, style.size)
        text.textOut(part)
    if style.tracking:
        text.setCharSpace(0)  # character spacing outlives the text object: Paragraphs follow
    canvas.drawText(text)


@lru_cache(maxsize=256)
def line_box(style: TextStyle) -> tuple[float, float]:
    """(height, distance from the top to the baseline) of one line set in `style`."""
    ascent, descent = pdfmetrics.getAscentDescent(fonts.face(style.face), style.size)
    return style.leading, (style.leading - (ascent - descent)) / 2 + ascent


@lru_cache(maxsize=128)
def paragraph_style(style: TextStyle) -> ParagraphStyle:
    return ParagraphStyle(
        f"{style.face}-{style.size}",
        fontName=fonts.face(style.face),
        fontSize=style.size,
        leading=style.leading,
        textColor=style.colour,
        alignment=_ALIGNMENT[style.align],
        wordWrap="CJK" if style.break_anywhere else None,
        splitLongWords=True,
    )


def paragraph(text: str, style: TextStyle) -> Paragraph:
    """One paragraph of plain text; line breaks inside it are kept."""
    face = fonts.face(style.face)
    body = "<br/>".join(fonts.markup(line, face) for line in text.split("\n"))
    return Paragraph(body, paragraph_style(style))
