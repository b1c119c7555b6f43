"""One PDF of many pieces: pieces placed on pages by the layout, progress reported per piece,
and the file written whole at the end (a cancelled or failed run leaves no half file)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from reportlab.pdfgen.canvas import Canvas

from desktop.printing import fonts
from desktop.printing.blocks import Block, ParagraphCache
from desktop.printing.layouts import Layout, get_layout
from desktop.printing.logo import Logo, load_logo
from desktop.printing.palette import Palette, palette
from desktop.printing.text import TextStyle
from desktop.shop.errors import ShopError

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import ShopBranding

Item = TypeVar("Item")
Progress = Callable[[int, int], None]


class NothingToPrint(ShopError):
    """The batch was empty."""


class Kit:
    """What every piece of one document shares: the layout's scale, the colours, the logo
    (embedded once), and wrapped text that repeats from piece to piece."""

    def __init__(self, canvas: Canvas, layout: Layout, colour: bool, branding: ShopBranding):
        self.layout = layout
        self.branding = branding
        self.colour = colour and not layout.monochrome
        self.palette: Palette = palette(self.colour, layout.monochrome)
        self.logo: Logo | None = load_logo(canvas, branding.logo, greyscale=not self.colour)
        self.paragraphs = ParagraphCache()

    def size(self, points: float) -> float:
        """A design size (for the A6 card) at this layout's scale."""
        return points * self.layout.scale

    def style(self, face: str, size: float, **options: Any) -> TextStyle:
        options.setdefault("colour", self.palette.ink)
        return TextStyle(face, self.size(size), **options)


# Builds the block for one item to fit (width, height); height None: as tall as it needs.
Designer = Callable[[Item, Kit, float, float | None], Block]


def render(
    items: Sequence[Item],
    design: Designer[Item],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    layout: str,
    colour: bool,
    progress: Progress | None,
    title: str,
    nothing: str,
) -> int:
    """Every item as a piece on the layout's pages, written to `out`; returns the page count."""
    if not items:
        raise NothingToPrint(nothing)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title, branding)
    pages = place(canvas, items, design, branding, layout=layout, colour=colour, progress=progress)
    finish(canvas, buffer, out)
    return pages


def new_canvas(buffer: BinaryIO, title: str, branding: ShopBranding) -> Canvas:
    """A canvas for one document; `place` sizes its pages."""
    # Not Helvetica: each page names its starting font, and that one would not be embedded.
    canvas = Canvas(buffer, initialFontName=fonts.face(fonts.BODY))
    canvas.setTitle(title)
    canvas.setAuthor(branding.name)
    canvas.setCreator("Aftercare")
    return canvas


def place(
    canvas: Canvas,
    items: Sequence[Item],
    design: Designer[Item],
    branding: ShopBranding,
    *,
    layout: str,
    colour: bool,
    progress: Progress | None,
    done: int = 0,
    total: int | None = None,
) -> int:
    """Lay `items` out on `layout`'s pages of `canvas`, from a fresh page; returns the page
    count. Progress counts from `done` of `total` (several kinds in one document)."""
    chosen = get_layout(layout)
    kit = Kit(canvas, chosen, colour, branding)
    content_width = chosen.piece_width - 2 * chosen.inset
    pages = 0
    for index, item in enumerate(items):
        slot = index % chosen.per_page
        if slot == 0 and pages:
            canvas.showPage()
        if chosen.piece_height is None:
            block = design(item, kit, content_width, None)
            content_height = block.measure(content_width)
            page_height = content_height + 2 * chosen.inset
        else:
            content_height = chosen.piece_height - 2 * chosen.inset
            block = design(item, kit, content_width, content_height)
            page_height = chosen.page_height or chosen.piece_height
        if slot == 0:
            canvas.setPageSize((chosen.page_width, page_height))
            pages += 1
            if chosen.crop_marks:
                canvas.setStrokeColor(kit.palette.line)
                canvas.setLineWidth(0.3)
                chosen.draw_crop_marks(canvas, page_height)
        left, bottom = chosen.piece_origin(slot, page_height)
        top = bottom + page_height if chosen.piece_height is None else bottom + chosen.piece_height
        block.draw(canvas, left + chosen.inset, top - chosen.inset, content_width, content_height)
        if progress is not None:
            progress(done + index + 1, total or len(items))
    return pages


def finish(canvas: Canvas, buffer: io.BytesIO, out: BinaryIO | Path) -> None:
    """End the last page and hand the whole PDF to `out`."""
    canvas.showPage()
    canvas.save()
    write_pdf(buffer.getvalue(), out)


def write_pdf(data: bytes, out: BinaryIO | Path) -> None:
    """Hand a finished PDF to a stream, or to a file written aside and renamed into place."""
    if not isinstance(out, Path):
        out.write(data)
        return
    # A file another program may be watching never holds half a PDF: write aside, then rename.
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
