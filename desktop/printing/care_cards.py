"""Care cards: a guide printed on an A6 card for the parcel, when the guide has no web page for
the insert's QR code to point at. Headings, lists, bold and italic print as the guide's text
sets them; a long guide is set smaller, and if it still does not fit it ends with "…"."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop.printing import fonts
from desktop.printing.blocks import Block, Line, Ornament, Space, Stack, Text
from desktop.printing.branding import footer, masthead
from desktop.printing.document import Kit, Progress, render
from desktop.printing.text import ELLIPSIS

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.guide_text import BodyBlock, Spans
    from desktop.shop.guides import CareCard
    from desktop.shop.inserts import ShopBranding

# Enough pixels for 300 dpi at the largest size a picture prints (about 90 mm wide on A5).
_MAX_PIXELS = 1100
_HEADING_SCALE = {1: 1.25, 2: 1.1, 3: 1.0}


@dataclass(frozen=True)
class Density:
    """How tightly a card is set: the first that fits its piece is used."""

    body: float  # points
    title: float  # points, handwritten (a set title is 60% of it)
    picture: float  # tallest picture, mm
    air: float  # scales the space between parts


DENSITIES = (
    Density(8.6, 24, 34, 1.0),
    Density(8.0, 22, 28, 0.8),
    Density(7.4, 20, 22, 0.6),
    Density(6.8, 18, 17, 0.45),
    Density(6.3, 17, 13, 0.35),
)


def render_care_cards(
    cards: Sequence[CareCard],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    layout: str = "a6",
    colour: bool = True,
    handwritten_title: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write one care card per item of `cards` to `out` as a PDF; returns the number of pages.

    The title is set in the handwritten face unless `handwritten_title` is False.
    `progress(done, total)` is called after each card; if it raises, nothing is written."""
    pictures = Pictures()

    def design(card: CareCard, kit: Kit, width: float, height: float | None) -> Block:
        return design_care_card(card, kit, width, height, pictures, handwritten_title)

    return render(
        cards,
        design,
        branding,
        out,
        layout=layout,
        colour=colour,
        progress=progress,
        title="Care cards",
        nothing="There are no care cards to print.",
    )


def design_care_card(
    card: CareCard,
    kit: Kit,
    width: float,
    height: float | None,
    pictures: Pictures,
    handwritten_title: bool = True,
) -> Block:
    """The card for `card`, set as loosely as fits `height` (None: any height, on a roll)."""
    picture = pictures.get(card.image, greyscale=not kit.colour)
    body = list(card.blocks)
    if height is None:
        return _card(card, kit, DENSITIES[0], body, picture, handwritten_title)
    for density in DENSITIES:
        block = _card(card, kit, density, body, picture, handwritten_title)
        if block.measure(width) <= height:
            return block
    # Too long even in the smallest type: whole blocks are left off the end, then "…".
    smallest = DENSITIES[-1]
    for kept in range(len(body) - 1, -1, -1):
        block = _card(card, kit, smallest, body[:kept], picture, handwritten_title, cut=True)
        if block.measure(width) <= height:
            return block
    return _card(card, kit, smallest, [], None, handwritten_title, cut=True)


def _card(
    card: CareCard,
    kit: Kit,
    density: Density,
    body: Sequence[BodyBlock],
    picture: _Picture | None,
    handwritten_title: bool,
    *,
    cut: bool = False,
) -> Block:
    air = density.air
    if handwritten_title:
        title_style = kit.style(
            fonts.HAND, density.title, colour=kit.palette.accent, align="centre", leading_ratio=1.1
        )
    else:
        title_style = kit.style(
            fonts.BOLD, density.title * 0.6, colour=kit.palette.accent, align="centre"
        )
    parts: list[Block] = [
        masthead(kit, kit.size(9 * mm), "centre"),
        Space(kit.size(2 * mm) * air),
        Ornament(kit.size(18 * mm), kit.palette.line, kit.size(2.5 * mm)),
        Space(kit.size(2.5 * mm) * air),
        Text(card.title, title_style, kit.paragraphs, 2),
        Space(kit.size(3 * mm) * air),
    ]
    if picture is not None:
        parts += [Picture(picture, kit.size(density.picture * mm)), Space(kit.size(3 * mm) * air)]
    parts.append(RichText(body, kit, density.body, cut=cut))
    parts.append(Space(kit.size(3 * mm) * air, flex=1))
    if card.reference:
        small = kit.style(fonts.BODY, 6, colour=kit.palette.soft, align="centre")
        parts += [Line(f"For your order {card.reference}", small), Space(kit.size(1 * mm))]
    parts.append(footer(kit))
    return Stack(parts)


class RichText(Block):
    """A guide's body: headings, paragraphs and lists, wrapped to the width."""

    def __init__(self, blocks: Sequence[BodyBlock], kit: Kit, size: float, cut: bool) -> None:
        self.size = kit.size(size)
        self.kit = kit
        self.blocks = list(blocks)
        self.cut = cut
        self._wrapped: dict[float, list[tuple[Paragraph, float, float]]] = {}

    def _paragraphs(self) -> list[tuple[Paragraph, float]]:
        """Each paragraph with the space above it."""
        size, ink, accent = self.size, self.kit.palette.ink, self.kit.palette.accent
        body = _style("body", size, ink)
        made: list[tuple[Paragraph, float]] = []
        for block in self.blocks:
            before = size * 0.55 if made else 0.0
            if block.kind == "heading":
                heading = _style(f"h{block.level}", size * _HEADING_SCALE[block.level], accent)
                text = _markup(block.lines[0], fonts.BOLD)
                made.append((Paragraph(text, heading), before + size * 0.25 if made else 0.0))
            elif block.kind == "paragraph":
                made.append((Paragraph(_markup(block.lines[0], fonts.BODY), body), before))
            else:
                item = _style("item", size, ink, indent=size * 1.4)
                for number, spans in enumerate(block.lines, start=1):
                    bullet = f"{number}." if block.kind == "numbered" else "•"
                    markup = _markup(spans, fonts.BODY)
                    made.append((Paragraph(markup, item, bulletText=bullet), before))
                    before = size * 0.2
        if self.cut:
            made.append((Paragraph(ELLIPSIS, body), size * 0.3 if made else 0.0))
        return made

    def _wraps(self, width: float) -> list[tuple[Paragraph, float, float]]:
        if width not in self._wrapped:
            self._wrapped[width] = [
                (para, para.wrap(width, 1e9)[1], before) for para, before in self._paragraphs()
            ]
        return self._wrapped[width]

    def measure(self, width: float) -> float:
        return sum(height + before for _, height, before in self._wraps(width))

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        for para, used, before in self._wraps(width):
            top -= before
            para.drawOn(canvas, x, top - used)
            top -= used


def _style(name: str, size: float, colour: object, indent: float = 0.0) -> ParagraphStyle:
    return ParagraphStyle(
        f"care-{name}-{size:.2f}",
        fontName=fonts.face(fonts.BODY),
        fontSize=size,
        leading=size * 1.35,
        textColor=colour,
        leftIndent=indent,
        bulletIndent=indent * 0.15,
        bulletFontName=fonts.face(fonts.BODY),
        bulletFontSize=size,
        splitLongWords=True,
    )


def _markup(spans: Spans, primary: str) -> str:
    """Paragraph markup: each span escaped, in its face, glyph fallback included."""
    parts = []
    for span in spans:
        face = (
            fonts.BOLD
            if span.bold or primary == fonts.BOLD
            else fonts.ITALIC
            if span.italic
            else fonts.BODY
        )
        text = fonts.markup(span.text, fonts.face(face))
        parts.append(text if face == fonts.BODY else f'<font name="{face}">{text}</font>')
    return "".join(parts)


class _Picture:
    def __init__(self, image: Image.Image) -> None:
        self.aspect = image.width / image.height
        self.reader = ImageReader(image)


class Pictures:
    """Each guide's picture decoded once per document (a batch repeats the same few guides);
    ReportLab then embeds one copy of each however many cards show it."""

    def __init__(self) -> None:
        self._decoded: dict[tuple[bytes, bool], _Picture | None] = {}

    def get(self, data: bytes | None, *, greyscale: bool) -> _Picture | None:
        if not data:
            return None
        key = (hashlib.sha256(data).digest(), greyscale)
        if key not in self._decoded:
            self._decoded[key] = _decode(data, greyscale)
        return self._decoded[key]


def _decode(data: bytes, greyscale: bool) -> _Picture | None:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)  # photos from a phone come in sideways
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None  # checked when the guide was saved; a damaged one is left off the card
    image.thumbnail((_MAX_PIXELS, _MAX_PIXELS))
    if image.mode in ("RGBA", "LA", "PA", "P"):
        # Cards are white: flatten transparency onto paper rather than onto black.
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        image = paper
    return _Picture(image.convert("L" if greyscale else "RGB"))


class Picture(Block):
    """A guide's picture, centred, as large as fits `max_height` and the width."""

    def __init__(self, picture: _Picture, max_height: float) -> None:
        self.picture = picture
        self.max_height = max_height

    def measure(self, width: float) -> float:
        return min(self.max_height, width / self.picture.aspect)

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        own = self.measure(width)
        shown = own * self.picture.aspect
        canvas.drawImage(self.picture.reader, x + (width - shown) / 2, top - own, shown, own)
