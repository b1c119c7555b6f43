"""Member cards: credit-card size (CR80), ten to an A4 sheet with crop marks, or one a page for
card printers; the shop's logo, the member's name, the card number, Code 128 and a QR code."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing import barcodes, fonts
from desktop.printing.blocks import Line
from desktop.printing.document import Kit, NothingToPrint, Progress, write_pdf
from desktop.printing.layouts import Layout
from desktop.printing.text import draw_line, fit_line, line_box
from desktop.shop.codes import format_code
from desktop.shop.errors import InvalidInput

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import ShopBranding

CR80 = (85.6 * mm, 53.98 * mm)

CARD_LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        # 2 × 5 cards butt together in the middle of the sheet, so one cut separates two; the
        # margins (19 mm and 13.5 mm) hold the crop marks and what home printers cannot print.
        Layout(
            "a4-10up",
            "Ten cards on A4 card stock, with crop marks",
            210 * mm,
            297 * mm,
            *CR80,
            inset=4 * mm,
            columns=2,
            rows=5,
            crop_marks=True,
        ),
        # Card printers print edge to edge on blank PVC cards, one card a page.
        Layout("cr80", "One card a page, for a card printer", *CR80, *CR80, inset=4 * mm),
    )
}
DEFAULT_CARD_LAYOUT = "a4-10up"

# Narrow bars of 0.35 mm are four dots at 300 dpi: a till's scanner reads them off a card held
# at arm's length. The QR code is the same number for a phone's camera.
_MAX_BAR = 0.35 * mm
_BAR_HEIGHT = 11 * mm
_GAP = 4 * mm  # between the bars' quiet zone and the QR code
_HEADER = 8 * mm
_BAND_EDGE = 1.6 * mm


@dataclass(frozen=True)
class MemberCard:
    """One card as printed."""

    number: str  # as stored, e.g. "K3MQ9PX2D4"; printed grouped ("K3MQ-9PX2-D4")
    name: str
    unit: str = "points"  # the shop's word for what members collect


def card_layout(name: str) -> Layout:
    """The card layout called `name`; InvalidInput naming the choices when there is none."""
    try:
        return CARD_LAYOUTS[name]
    except KeyError:
        choices = ", ".join(CARD_LAYOUTS)
        raise InvalidInput(
            "layout", f"There is no card layout “{name}”. Choose one of: {choices}."
        ) from None


def render_cards(
    cards: Sequence[MemberCard],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    layout: str = DEFAULT_CARD_LAYOUT,
    colour: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write one card per member to `out` as a PDF; returns the number of pages.

    `progress(done, total)` is called after each card; if it raises (Cancel), printing stops,
    nothing is written and the exception goes on to the caller."""
    if not cards:
        raise NothingToPrint("There are no member cards to print.")
    chosen = card_layout(layout)
    assert chosen.page_height is not None and chosen.piece_height is not None
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(chosen.page_width, chosen.page_height),
        initialFontName=fonts.face(fonts.BODY),  # Helvetica would be named and not embedded
    )
    canvas.setTitle("Member cards")
    canvas.setAuthor(branding.name)
    canvas.setCreator("Aftercare")
    kit = Kit(canvas, chosen, colour, branding)
    for index, card in enumerate(cards):
        slot = index % chosen.per_page
        if slot == 0:
            if index:
                canvas.showPage()
            if chosen.crop_marks:
                canvas.setStrokeColor(kit.palette.line)
                canvas.setLineWidth(0.3)
                chosen.draw_crop_marks(canvas, chosen.page_height)
        left, bottom = chosen.piece_origin(slot, chosen.page_height)
        _draw_card(canvas, kit, card, left, bottom, chosen.piece_width, chosen.piece_height)
        if progress is not None:
            progress(index + 1, len(cards))
    canvas.showPage()
    canvas.save()
    write_pdf(buffer.getvalue(), out)
    return -(-len(cards) // chosen.per_page)


def _tint(colour: Color, share: float) -> Color:
    """`colour` mixed with white: `share` of the colour."""
    return Color(*(1 - share * (1 - part) for part in (colour.red, colour.green, colour.blue)))


def _draw_card(
    canvas: Canvas, kit: Kit, card: MemberCard, x: float, y: float, width: float, height: float
) -> None:
    palette = kit.palette
    inset = kit.layout.inset
    left, right = x + inset, x + width - inset
    top, bottom = y + height - inset, y + inset
    content = right - left

    # A pale band behind the header over a fine accent rule: the card's colour, kept inside the
    # cut so a slightly crooked guillotine never leaves a sliver of it on the next card.
    edge = _BAND_EDGE
    band = top - _HEADER - 2.2 * mm
    canvas.saveState()
    canvas.setFillColor(_tint(palette.accent, 0.1))
    canvas.roundRect(x + edge, band, width - 2 * edge, y + height - edge - band, 2 * mm, 0, 1)
    canvas.rect(x + edge, band, width - 2 * edge, 2 * mm, stroke=0, fill=1)
    canvas.setFillColor(palette.accent)
    canvas.rect(x + edge, band, width - 2 * edge, 0.6, stroke=0, fill=1)
    canvas.restoreState()

    header_middle = top - _HEADER / 2
    label = kit.style(fonts.BOLD, 5.6, colour=palette.accent, align="right", tracking=1.3)
    draw_line(
        canvas, fit_line("MEMBER CARD", label, content / 2), label, left, header_middle - 2, content
    )
    if kit.logo is not None:
        logo_height = min(_HEADER, content * 0.55 / kit.logo.aspect)
        kit.logo.draw(canvas, left, header_middle - logo_height / 2, logo_height)
    else:
        mark = kit.style(fonts.BOLD, 8, colour=palette.accent, tracking=1.6)
        runs = fit_line(kit.branding.name.upper(), mark, content * 0.6)
        draw_line(canvas, runs, mark, left, header_middle - 2.8, content * 0.6)

    # The codes along the bottom: the QR code's dark square as tall as the bars and their note,
    # and both quiet zones reaching into the inset, so the dark parts line up with the text.
    note = kit.style(fonts.BODY, 5.4, colour=palette.soft)
    note_height, note_baseline = line_box(note)
    bar_bottom = bottom + note_height + 0.5 * mm
    codes_top = bar_bottom + _BAR_HEIGHT
    qr = barcodes.qr_symbol(card.number)
    dark = codes_top - bottom
    qr_size = dark * qr.width / (qr.width - 2 * barcodes.QR_QUIET)
    qr_quiet = (qr_size - dark) / 2
    barcodes.draw_qr(
        canvas, card.number, right - dark - qr_quiet, bottom - qr_quiet, qr_size, palette.ink
    )
    bars = barcodes.code128_symbol(card.number)
    room = content - dark - _GAP
    module = min(_MAX_BAR, room / (bars.width - barcodes.CODE128_QUIET))
    left_quiet = barcodes.CODE128_QUIET * module
    barcodes.draw_code128(
        canvas, card.number, left - left_quiet, bar_bottom, module, _BAR_HEIGHT, palette.ink
    )
    tagline = fit_line(f"Show this card when you pay to collect {card.unit}.", note, room)
    draw_line(canvas, tagline, note, left, bottom + note_height - note_baseline, room)

    # The name and number, in the middle of the space between the band and the codes.
    name = Line(card.name, kit.style(fonts.BOLD, 14, leading_ratio=1.15), shrink=0.55)
    number = Line(
        format_code(card.number), kit.style(fonts.BOLD, 9, colour=palette.soft, tracking=1.7)
    )
    name_height, number_height = name.measure(content), number.measure(content)
    block = name_height + 0.3 * mm + number_height
    name_top = codes_top + (band - codes_top + block) / 2 + 0.6 * mm
    name.draw(canvas, left, name_top, content, name_height)
    number.draw(canvas, left, name_top - name_height - 0.3 * mm, content, number_height)
