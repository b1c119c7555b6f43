"""The building blocks a piece is stacked from: each measures its height for a width, then draws
itself below a top edge. Lighter than platypus flowables, which cost more than the whole budget
of a piece in a thousand-piece batch."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop.printing import barcodes, fonts
from desktop.printing.logo import Logo
from desktop.printing.text import (
    ELLIPSIS,
    TextStyle,
    draw_line,
    fit_line,
    line_box,
    paragraph,
)

Wrapping = tuple[str, TextStyle, float, int | None]  # text, style, width, most lines


class ParagraphCache:
    """Paragraphs wrapped lately. A batch repeats its captions and small print on every piece;
    the many paragraphs seen once (each customer's message) are let go again."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._wrapped: OrderedDict[Wrapping, tuple[Paragraph, float]] = OrderedDict()

    def get(
        self, key: Wrapping, wrap: Callable[[], tuple[Paragraph, float]]
    ) -> tuple[Paragraph, float]:
        if key in self._wrapped:
            self._wrapped.move_to_end(key)
        else:
            self._wrapped[key] = wrap()
            if len(self._wrapped) > self._size:
                self._wrapped.popitem(last=False)
        return self._wrapped[key]


class Block:
    flex = 0.0  # share of any spare height this block takes (spaces that push blocks apart)

    def measure(self, width: float) -> float:
        raise NotImplementedError

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        raise NotImplementedError


class Space(Block):
    def __init__(self, height: float, flex: float = 0.0) -> None:
        self.height = height
        self.flex = flex

    def measure(self, width: float) -> float:
        return self.height

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        return None


class Line(Block):
    """One line of text; too long, it first shrinks (down to `shrink` of its size), then is
    shortened with "…"."""

    def __init__(self, text: str, style: TextStyle, shrink: float = 1.0) -> None:
        self.text = text
        self.style = style
        self.shrink = shrink

    def measure(self, width: float) -> float:
        return line_box(self.style)[0]

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        style = self.style
        if self.shrink < 1.0:
            natural = fonts.width(fonts.runs(self.text, fonts.face(style.face)), 1.0, 0.0)
            fitting = (width - style.tracking * len(self.text)) / natural if natural else style.size
            style = style.sized(max(style.size * self.shrink, min(style.size, fitting)))
        runs = fit_line(self.text, style, width)
        # A shrunk line keeps the baseline it would have had at its full size.
        draw_line(canvas, runs, style, x, top - line_box(self.style)[1], width)


class Text(Block):
    """Wrapped text; a blank line starts a new paragraph, half a line further down. With
    `max_lines`, a paragraph longer than that is cut short with "…"."""

    def __init__(
        self, text: str, style: TextStyle, cache: ParagraphCache, max_lines: int | None = None
    ) -> None:
        self.paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
        self.style = style
        self.cache = cache
        self.max_lines = max_lines

    def _wrapped(self, width: float) -> list[tuple[Paragraph, float]]:
        wrapped = []
        for text in self.paragraphs:
            key = (text, self.style, width, self.max_lines)
            wrapped.append(self.cache.get(key, partial(self._wrap, text, width)))
        return wrapped

    def _wrap(self, text: str, width: float) -> tuple[Paragraph, float]:
        para = paragraph(text, self.style)
        height: float = para.wrap(width, 1e9)[1]
        if self.max_lines is None:
            return para, height
        limit = self.max_lines * self.style.leading + 0.01
        if height <= limit:
            return para, height
        # The longest beginning that fits with its "…", by bisection over its length.
        short, long = 0, len(text)
        while long - short > 1:
            middle = (short + long) // 2
            if (
                paragraph(text[:middle].rstrip() + ELLIPSIS, self.style).wrap(width, 1e9)[1]
                <= limit
            ):
                short = middle
            else:
                long = middle
        para = paragraph(text[:short].rstrip() + ELLIPSIS, self.style)
        return para, para.wrap(width, 1e9)[1]

    def measure(self, width: float) -> float:
        heights = [height for _, height in self._wrapped(width)]
        return sum(heights) + self.style.leading / 2 * max(0, len(heights) - 1)

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        for para, used in self._wrapped(width):
            para.drawOn(canvas, x, top - used)
            top -= used + self.style.leading / 2


class Stack(Block):
    """Blocks one under another; spare height goes to the flexible spaces among them."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self._heights: dict[float, float] = {}  # nested stacks are measured again and again

    def measure(self, width: float) -> float:
        if width not in self._heights:
            self._heights[width] = sum(block.measure(width) for block in self.blocks)
        return self._heights[width]

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        heights = [block.measure(width) for block in self.blocks]
        spare = max(0.0, height - sum(heights))
        flex = sum(block.flex for block in self.blocks)
        for block, own in zip(self.blocks, heights, strict=True):
            share = own + (spare * block.flex / flex if flex else 0.0)
            block.draw(canvas, x, top, width, share)
            top -= share


class Columns(Block):
    """Blocks side by side: fixed widths, and the rest of the width shared by the others."""

    def __init__(
        self,
        columns: Sequence[tuple[Block, float | None]],
        gap: float,
        valign: Literal["top", "middle"] = "top",
    ) -> None:
        self.columns = list(columns)
        self.gap = gap
        self.valign = valign
        self._heights: dict[float, float] = {}

    def _widths(self, width: float) -> list[float]:
        fixed = sum(own for _, own in self.columns if own is not None)
        shared = sum(1 for _, own in self.columns if own is None)
        rest = width - fixed - self.gap * (len(self.columns) - 1)
        return [own if own is not None else rest / shared for _, own in self.columns]

    def measure(self, width: float) -> float:
        if width not in self._heights:
            widths = zip(self.columns, self._widths(width), strict=True)
            self._heights[width] = max(block.measure(own) for (block, _), own in widths)
        return self._heights[width]

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        for (block, _), own in zip(self.columns, self._widths(width), strict=True):
            used = block.measure(own)
            offset = (height - used) / 2 if self.valign == "middle" else 0.0
            block.draw(canvas, x, top - offset, own, height - offset)
            x += own + self.gap


class Picture(Block):
    """The logo, as large as fits `max_height` and the width, its aspect kept."""

    def __init__(self, logo: Logo, max_height: float, align: Literal["left", "centre"]) -> None:
        self.logo = logo
        self.max_height = max_height
        self.align = align

    def measure(self, width: float) -> float:
        return min(self.max_height, width / self.logo.aspect)

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        own = self.measure(width)
        if self.align == "centre":
            x += (width - own * self.logo.aspect) / 2
        self.logo.draw(canvas, x, top - own, own)


class Qr(Block):
    """A QR code of side `size`, its quiet zone included."""

    def __init__(
        self, data: str, size: float, ink: Color, align: Literal["left", "centre"]
    ) -> None:
        self.data = data
        self.size = size
        self.ink = ink
        self.align = align

    def measure(self, width: float) -> float:
        return self.size

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        if self.align == "centre":
            x += (width - self.size) / 2
        barcodes.draw_qr(canvas, self.data, x, top - self.size, self.size, self.ink)


class Barcode(Block):
    """Code 128 centred in the width, its narrow bar as wide as fits up to `max_module`."""

    def __init__(self, value: str, height: float, max_module: float, ink: Color) -> None:
        self.value = value
        self.height = height
        self.max_module = max_module
        self.ink = ink

    def measure(self, width: float) -> float:
        return self.height

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        units = barcodes.code128_symbol(self.value).width
        module = min(self.max_module, width / units)
        x += (width - module * units) / 2
        barcodes.draw_code128(
            canvas, self.value, x, top - self.height, module, self.height, self.ink
        )


class Ornament(Block):
    """A short centred rule with a small diamond: the card's divider."""

    def __init__(self, length: float, colour: Color, height: float) -> None:
        self.length = length
        self.colour = colour
        self.height = height

    def measure(self, width: float) -> float:
        return self.height

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        middle, y = x + width / 2, top - self.height / 2
        half, gem = min(self.length, width) / 2, self.height / 5
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setFillColor(self.colour)
        canvas.setLineWidth(0.5)
        canvas.line(middle - half, y, middle - gem * 2.5, y)
        canvas.line(middle + gem * 2.5, y, middle + half, y)
        path = canvas.beginPath()
        path.moveTo(middle - gem, y)
        path.lineTo(middle, y + gem)
        path.lineTo(middle + gem, y)
        path.lineTo(middle, y - gem)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


class Framed(Block):
    """A block inside a border: dashed for a coupon to cut out, with a mark (✂) set into it."""

    def __init__(
        self,
        inner: Block,
        padding: float,
        colour: Color,
        *,
        dashed: bool = False,
        radius: float = 0.0,
        mark: tuple[str, TextStyle, Color] | None = None,  # text, its style, the paper under it
    ) -> None:
        self.inner = inner
        self.padding = padding
        self.colour = colour
        self.dashed = dashed
        self.radius = radius
        self.mark = mark

    def measure(self, width: float) -> float:
        return self.inner.measure(width - 2 * self.padding) + 2 * self.padding

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        own = max(height, self.measure(width))  # the frame fills the height it is given
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.7)
        if self.dashed:
            canvas.setDash(3, 2)
        canvas.roundRect(x, top - own, width, own, self.radius, stroke=1, fill=0)
        canvas.restoreState()
        if self.mark is not None:
            text, style, paper = self.mark
            runs = fit_line(text, style, width / 2)
            used = fonts.width(runs, style.size, style.tracking)
            left = x + self.radius + style.size
            canvas.setFillColor(paper)
            canvas.rect(left - 1.5, top - style.size / 2, used + 3, style.size, stroke=0, fill=1)
            draw_line(canvas, runs, style, left, top - style.size * 0.35, used)
        pad = self.padding
        self.inner.draw(canvas, x + pad, top - pad, width - 2 * pad, own - 2 * pad)
