"""The shop on every piece: its logo (or its name set as a wordmark) and a small footer."""

from __future__ import annotations

from desktop.printing import fonts
from desktop.printing.blocks import Block, Line, Picture
from desktop.printing.document import Kit
from desktop.printing.text import Align


def masthead(kit: Kit, height: float, align: Align) -> Block:
    """The logo at most `height` tall, or without one the shop's name in spaced capitals."""
    if kit.logo is not None:
        return Picture(kit.logo, height, "left" if align == "left" else "centre")
    style = kit.style(fonts.BOLD, 10, colour=kit.palette.accent, align=align, tracking=2.2)
    return Line(kit.branding.name.upper(), style)


def footer(kit: Kit, align: Align = "centre") -> Block:
    """Name · website · phone, small and quiet."""
    brand = kit.branding
    parts = [part for part in (brand.name, brand.website, brand.phone) if part]
    style = kit.style(fonts.BODY, 6.3, colour=kit.palette.soft, align=align, tracking=0.3)
    return Line("  ·  ".join(parts), style)
