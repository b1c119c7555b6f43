"""Postal pieces for a campaign: an A6 postcard (the offer on the front, the address side on
the back, printed duplex) and a DL letter on A4 whose address shows through the envelope's
window once folded in three."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing import fonts
from desktop.printing.blocks import Block, Columns, Line, Space, Stack, Text
from desktop.printing.branding import footer, masthead
from desktop.printing.coupon import coupon
from desktop.printing.document import Kit, NothingToPrint, Progress, write_pdf
from desktop.printing.layouts import Layout

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.campaign_post import PostalPiece
    from desktop.shop.inserts import ShopBranding

A6_LANDSCAPE = Layout(
    "a6-postcard", "A6 postcards", 148 * mm, 105 * mm, 148 * mm, 105 * mm, inset=7 * mm
)
A4_LETTER = Layout(
    "a4-dl-letter",
    "Letters for DL window envelopes",
    *(210 * mm, 297 * mm) * 2,
    inset=20 * mm,
    scale=1.35,
)
# A DL window envelope (left window): the address block of an A4 letter folded in three sits
# 20 mm from the left and 50 mm from the top, in 90 x 40 mm.
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_HEIGHT = 20 * mm, 50 * mm, 90 * mm, 40 * mm
FOLDS = (99 * mm, 198 * mm)  # from the top: three equal panels


def render_postcards(
    pieces: Sequence[PostalPiece],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    colour: bool = True,
    progress: Progress | None = None,
) -> int:
    """Two A6 landscape pages per postcard (print duplex, flip on the short edge); returns
    the page count."""
    return _render(pieces, branding, out, A6_LANDSCAPE, colour, progress, _postcard_pages)


def render_letters(
    pieces: Sequence[PostalPiece],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    colour: bool = True,
    progress: Progress | None = None,
) -> int:
    """One A4 letter per customer, the address placed for a DL window envelope."""
    return _render(pieces, branding, out, A4_LETTER, colour, progress, _letter_page)


PageDrawer = Callable[[Canvas], None]


def _render(
    pieces: Sequence[PostalPiece],
    branding: ShopBranding,
    out: BinaryIO | Path,
    layout: Layout,
    colour: bool,
    progress: Progress | None,
    pages_for: Callable[[PostalPiece, Kit], list[PageDrawer]],
) -> int:
    if not pieces:
        raise NothingToPrint("Nobody in this campaign can be reached by post.")
    assert layout.page_height is not None
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(layout.page_width, layout.page_height),
        # Not Helvetica: each page names its starting font, and that one would not be embedded.
        initialFontName=fonts.face(fonts.BODY),
    )
    canvas.setTitle(layout.title)
    canvas.setAuthor(branding.name)
    canvas.setCreator("Aftercare")
    kit = Kit(canvas, layout, colour, branding)
    count = 0
    for index, piece in enumerate(pieces):
        for draw in pages_for(piece, kit):
            draw(canvas)
            canvas.showPage()
            count += 1
        if progress is not None:
            progress(index + 1, len(pieces))
    canvas.save()
    write_pdf(buffer.getvalue(), out)
    return count


def _place(block: Block, layout: Layout) -> PageDrawer:
    """A page holding `block` inside the layout's inset."""
    assert layout.page_height is not None
    width = layout.page_width - 2 * layout.inset
    height = layout.page_height - 2 * layout.inset

    def draw(canvas: Canvas) -> None:
        block.draw(canvas, layout.inset, layout.inset + height, width, height)

    return draw


def _address(piece: PostalPiece, kit: Kit, size: float) -> Block:
    style = kit.style(fonts.BODY, size, leading_ratio=1.35)
    return Stack([Line(line, style, shrink=0.7) for line in (piece.name, *piece.address_lines)])


def _message(piece: PostalPiece, kit: Kit, size: float) -> Block:
    hand = kit.style(fonts.HAND, size * 3, colour=kit.palette.accent)
    body = kit.style(fonts.BODY, size, leading_ratio=1.45)
    return Stack(
        [
            Line(piece.headline, hand, shrink=0.5),
            Space(kit.size(2 * mm)),
            Text(piece.message, body, kit.paragraphs, 9),
        ]
    )


def _postcard_pages(piece: PostalPiece, kit: Kit) -> list[PageDrawer]:
    layout = kit.layout
    offer: list[Block] = [Space(0, flex=1)]
    if piece.voucher is not None:
        offer = [Space(kit.size(3 * mm), flex=1), coupon(piece.voucher, kit, 0.6)]
    front = Stack(
        [
            masthead(kit, kit.size(11 * mm), "left"),
            Space(kit.size(3 * mm)),
            Columns(
                [(_message(piece, kit, 7.5), None), (Stack(offer), kit.size(62 * mm))],
                gap=kit.size(5 * mm),
            ),
            Space(kit.size(2 * mm), flex=1),
            footer(kit, "left"),
        ]
    )
    brand = kit.branding
    sender = Text(
        "\n".join(part for part in (brand.name, brand.address) if part),
        kit.style(fonts.BODY, 6, colour=kit.palette.soft, leading_ratio=1.35),
        kit.paragraphs,
        6,
    )
    stamp = Stack([Space(kit.size(2 * mm)), _StampBox(kit.size(20 * mm), kit.palette.line)])
    back = Columns(
        [
            (Stack([Space(0, flex=1), sender]), None),
            (_Rule(kit.palette.line), kit.size(1 * mm)),
            (
                Stack([stamp, Space(kit.size(12 * mm), flex=1), _address(piece, kit, 9)]),
                kit.size(62 * mm),
            ),
        ],
        gap=kit.size(4 * mm),
    )
    return [_place(front, layout), _place(back, layout)]


def _letter_page(piece: PostalPiece, kit: Kit) -> list[PageDrawer]:
    layout = kit.layout
    assert layout.page_height is not None
    page_height = layout.page_height
    brand = kit.branding
    return_line = ", ".join(
        part for part in (brand.name, brand.address.replace("\n", ", ")) if part
    )
    tiny = kit.style(fonts.BODY, 5.5, colour=kit.palette.soft)
    window = Stack([Line(return_line, tiny, shrink=0.7), Space(2 * mm), _address(piece, kit, 8.5)])
    offer: list[Block] = []
    if piece.voucher is not None:
        offer = [Space(kit.size(6 * mm)), coupon(piece.voucher, kit, 1.0)]
    body = Stack([_message(piece, kit, 8), *offer, Space(0, flex=1), footer(kit, "left")])

    def draw(canvas: Canvas) -> None:
        width = layout.page_width - 2 * layout.inset
        masthead(kit, kit.size(12 * mm), "right").draw(
            canvas, layout.inset, page_height - 15 * mm, width, kit.size(12 * mm)
        )
        window.draw(
            canvas,
            WINDOW_LEFT + 3 * mm,
            page_height - WINDOW_TOP - 3 * mm,
            WINDOW_WIDTH - 6 * mm,
            WINDOW_HEIGHT - 6 * mm,
        )
        top = page_height - WINDOW_TOP - WINDOW_HEIGHT - 15 * mm
        body.draw(canvas, layout.inset, top, width, top - 15 * mm)
        # Fold marks in the left margin, where they never show through the window.
        canvas.setStrokeColor(kit.palette.line)
        canvas.setLineWidth(0.3)
        for fold in FOLDS:
            canvas.line(0, page_height - fold, 5 * mm, page_height - fold)

    return [draw]


class _StampBox(Block):
    """Where the stamp goes, top right of the address side."""

    def __init__(self, size: float, colour: Color) -> None:
        self.size = size
        self.colour = colour

    def measure(self, width: float) -> float:
        return self.size

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(x + width - self.size * 0.82, top - self.size, self.size * 0.82, self.size)
        canvas.setDash()


class _Rule(Block):
    """The upright line dividing a postcard's back into message and address halves."""

    def __init__(self, colour: Color) -> None:
        self.colour = colour

    def measure(self, width: float) -> float:
        return 0.0

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.5)
        canvas.line(x + width / 2, top, x + width / 2, top - height)
