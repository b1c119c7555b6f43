"""Thank-you inserts: a personal card for each parcel, designed like a boutique's note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.units import mm

from desktop.printing import fonts
from desktop.printing.blocks import Block, Columns, Line, Ornament, Qr, Space, Stack, Text
from desktop.printing.branding import footer, masthead
from desktop.printing.coupon import coupon
from desktop.printing.document import Kit, Progress, render
from desktop.printing.text import ELLIPSIS, Align

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import InsertContent, ShopBranding


@dataclass(frozen=True)
class Density:
    """How tightly a card is set: the first that fits its piece is used."""

    message: float  # points
    items: int  # item lines before "and 3 more"
    air: float  # scales the space between parts
    logo: float  # tallest logo, mm
    signature: float  # points


DENSITIES = (
    Density(9.0, 4, 1.0, 13, 23),
    Density(8.6, 3, 0.85, 13, 22),
    Density(8.2, 3, 0.7, 12, 21),
    Density(7.7, 3, 0.55, 11, 20),
    Density(7.2, 2, 0.45, 10, 18),
    Density(6.7, 2, 0.35, 9, 17),
)


def render_inserts(
    inserts: Sequence[InsertContent],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    layout: str = "a6",
    colour: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write one thank-you card per insert to `out` as a PDF; returns the number of pages.

    `progress(done, total)` is called after each insert; if it raises (Cancel), printing stops,
    nothing is written and the exception goes on to the caller."""
    return render(
        inserts,
        design_insert,
        branding,
        out,
        layout=layout,
        colour=colour,
        progress=progress,
        title="Thank-you inserts",
        nothing="There are no thank-you inserts to print.",
    )


def design_insert(insert: InsertContent, kit: Kit, width: float, height: float | None) -> Block:
    """The card for `insert`, set as loosely as fits `height` (None: any height, on a roll)."""
    if height is None:
        return _card(insert, kit, DENSITIES[0], insert.message)
    for density in DENSITIES:
        card = _card(insert, kit, density, insert.message)
        if card.measure(width) <= height:
            return card
    # Too long even in the smallest type: the message is cut short, ending in "…".
    short, long = 0, len(insert.message)
    while long - short > 1:
        middle = (short + long) // 2
        if _card(insert, kit, DENSITIES[-1], _cut(insert.message, middle)).measure(width) <= height:
            short = middle
        else:
            long = middle
    return _card(insert, kit, DENSITIES[-1], _cut(insert.message, short))


def _cut(message: str, length: int) -> str:
    """The first `length` characters of `message` and "…", after a whole word where there is one
    (a message in Chinese or Japanese has no spaces to cut at)."""
    kept = message[:length]
    if length < len(message) and " " in kept.strip():
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip() + ELLIPSIS


def _card(insert: InsertContent, kit: Kit, density: Density, message: str) -> Block:
    air = density.air
    note = _letter(insert, kit, density, message)
    details = _details(insert, kit, density)
    voucher = [] if insert.voucher is None else [coupon(insert.voucher, kit, air)]
    end = footer(kit)
    if kit.layout.wide:
        # Landscape: the letter on the left; what was chosen, the link and the coupon on the
        # right; the footer across the bottom.
        side: list[Block] = []
        for block in (*details, *voucher):
            side += [Space(kit.size(3.5 * mm) * air, flex=1), block] if side else [block]
        return Stack(
            [
                Columns(
                    [(Stack(note), None), (Stack(side), kit.size(92 * mm))],
                    gap=kit.size(8 * mm),
                ),
                Space(kit.size(3 * mm) * air, flex=1),
                end,
            ]
        )
    # The letter floats between the masthead and what follows it; the rest sits at the foot.
    body: list[Block] = [note[0], Space(kit.size(3 * mm) * air, flex=1), *note[1:]]
    for block in (*details, *voucher):
        body += [Space(kit.size(4.5 * mm) * air, flex=1), block]
    return Stack([*body, Space(kit.size(3 * mm) * air, flex=1), end])


def _letter(insert: InsertContent, kit: Kit, density: Density, message: str) -> list[Block]:
    """The masthead (first, on its own), then the greeting, the message and the signature."""
    air = density.air
    align: Align = "left" if kit.layout.wide else "centre"
    greeting = insert.greeting or (f"Dear {insert.first_name}," if insert.first_name else "Hello,")
    head: list[Block] = [masthead(kit, kit.size(density.logo * mm), align)]
    if not kit.layout.wide:
        head = [
            Stack(
                [
                    *head,
                    Space(kit.size(2.5 * mm) * air),
                    Ornament(kit.size(22 * mm), kit.palette.line, kit.size(3 * mm)),
                ]
            )
        ]
    signature = kit.style(
        fonts.HAND, density.signature, colour=kit.palette.accent, align=align, leading_ratio=1.1
    )
    return [
        *head,
        Space(kit.size(3 * mm) * air) if kit.layout.wide else Space(0),
        Line(greeting, kit.style(fonts.BODY, 12.5, colour=kit.palette.accent, align=align), 0.7),
        Space(kit.size(1.5 * mm) * air),
        Text(
            message,
            kit.style(fonts.BODY, density.message, align=align, leading_ratio=1.36),
            kit.paragraphs,
        ),
        Space(kit.size(2.5 * mm) * air),
        Line(insert.signature, signature, shrink=0.7),
    ]


def _details(insert: InsertContent, kit: Kit, density: Density) -> list[Block]:
    """What was chosen and the link, side by side where there is room, else one above the other."""
    chosen = _chosen(insert.items, kit, density)
    link = _link(insert, kit) if insert.qr_url else None
    if chosen is None or link is None:
        return [block for block in (chosen, link) if block is not None]
    if kit.layout.piece_width - 2 * kit.layout.inset < 80 * mm:
        return [chosen, link]
    return [Columns([(chosen, None), (link, kit.size(47 * mm))], gap=kit.size(4 * mm))]


def _chosen(items: Sequence[str], kit: Kit, density: Density) -> Block | None:
    if not items:
        return None
    heading = kit.style(fonts.BOLD, 6, colour=kit.palette.accent, tracking=1.3)
    item = kit.style(fonts.BODY, 8, leading_ratio=1.35)
    shown = items[: density.items]
    blocks: list[Block] = [
        Line("WHAT YOU CHOSE", heading),
        Space(kit.size(1 * mm)),
        *(Line(text, item) for text in shown),
    ]
    if len(items) > len(shown):
        more = kit.style(fonts.ITALIC, 7.5, colour=kit.palette.soft)
        blocks.append(Line(f"and {len(items) - len(shown)} more", more))
    return Stack(blocks)


def _link(insert: InsertContent, kit: Kit) -> Block:
    assert insert.qr_url is not None
    size = kit.size(19 * mm)
    shown = insert.qr_url.removeprefix("https://").removeprefix("http://")
    words = Stack(
        [
            Text(
                insert.qr_caption or "Scan to visit us",
                kit.style(fonts.BOLD, 7.5, leading_ratio=1.3),
                kit.paragraphs,
                3,
            ),
            Space(kit.size(1 * mm)),
            Text(
                shown,
                kit.style(fonts.BODY, 5.8, colour=kit.palette.soft, break_anywhere=True),
                kit.paragraphs,
                3,
            ),
        ]
    )
    return Columns(
        [(Qr(insert.qr_url, size, kit.palette.ink, "left"), size), (words, None)],
        gap=kit.size(0.5 * mm),
        valign="middle",
    )
