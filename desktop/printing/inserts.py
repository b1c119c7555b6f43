"""Thank-you inserts: a personal card for each parcel, designed like a boutique's note, and the
A6 care cards that go in the same parcels, printed after them in the same document."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.units import mm

from desktop.printing import fonts
from desktop.printing.blocks import Block, Columns, Line, Ornament, Qr, Space, Stack, Text
from desktop.printing.branding import footer, masthead
from desktop.printing.care_cards import Pictures, design_care_card
from desktop.printing.coupon import coupon
from desktop.printing.document import (
    Kit,
    NothingToPrint,
    Progress,
    finish,
    new_canvas,
    place,
    render,
)
from desktop.printing.layouts import get_layout
from desktop.printing.text import ELLIPSIS, Align

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.guides import CareCard
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
    care_cards: Sequence[CareCard] = (),
) -> int:
    """Write one thank-you card per insert to `out` as a PDF; returns the number of pages.

    `care_cards` follow the inserts in the same document, one A6 card a page, so one print job
    puts everything for the parcels in the tray. `progress(done, total)` is called after each
    piece; if it raises (Cancel), printing stops, nothing is written and the exception goes on
    to the caller."""
    if care_cards:
        return _render_with_cards(inserts, care_cards, branding, out, layout, colour, progress)
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
    if insert.qr_url and insert.guide_url:
        # Two codes, a voucher and a long letter do not fit (on A6, say): the shop's own code
        # gives way, as its address is in the footer, while the guide is about what was bought.
        return design_insert(
            replace(
                insert,
                qr_url=insert.guide_url,
                qr_caption=insert.guide_caption,
                guide_url=None,
                guide_caption="",
            ),
            kit,
            width,
            height,
        )
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
    """What was chosen and the links, side by side where there is room, else one above the other.
    With two links, the shop's and the guide's pair up under what was chosen."""
    chosen = _chosen(insert.items, kit, density)
    links = [
        _link(url, caption, kit)
        for url, caption in (
            (insert.qr_url, insert.qr_caption),
            (insert.guide_url, insert.guide_caption),
        )
        if url
    ]
    narrow = kit.layout.piece_width - 2 * kit.layout.inset < 80 * mm
    if narrow and len(links) == 2:
        links = [Stack([links[0], Space(kit.size(2.5 * mm)), links[1]])]
    if chosen is None or not links or narrow:
        return [block for block in (chosen, *links) if block is not None]
    if len(links) == 1:
        return [Columns([(chosen, None), (links[0], kit.size(47 * mm))], gap=kit.size(4 * mm))]
    return [chosen, Columns([(link, None) for link in links], gap=kit.size(4 * mm))]


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


def _link(url: str, caption: str, kit: Kit) -> Block:
    size = kit.size(19 * mm)
    shown = url.removeprefix("https://").removeprefix("http://")
    words = Stack(
        [
            Text(
                caption or "Scan to visit us",
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
        [(Qr(url, size, kit.palette.ink, "left"), size), (words, None)],
        gap=kit.size(0.5 * mm),
        valign="middle",
    )


def _render_with_cards(
    inserts: Sequence[InsertContent],
    cards: Sequence[CareCard],
    branding: ShopBranding,
    out: BinaryIO | Path,
    layout: str,
    colour: bool,
    progress: Progress | None,
) -> int:
    """The inserts on their layout, then the care cards on A6 pages, in one PDF. On a receipt
    roll the cards follow on the roll: that printer takes no A6 card."""
    if not inserts:
        raise NothingToPrint("There are no thank-you inserts to print.")
    buffer = io.BytesIO()
    total = len(inserts) + len(cards)
    pictures = Pictures()

    def card_design(card: CareCard, kit: Kit, width: float, height: float | None) -> Block:
        return design_care_card(card, kit, width, height, pictures)

    canvas = new_canvas(buffer, "Thank-you inserts and care cards", branding)
    pages = place(
        canvas,
        inserts,
        design_insert,
        branding,
        layout=layout,
        colour=colour,
        progress=progress,
        total=total,
    )
    canvas.showPage()
    card_layout = layout if get_layout(layout).piece_height is None else "a6"
    pages += place(
        canvas,
        cards,
        card_design,
        branding,
        layout=card_layout,
        colour=colour,
        progress=progress,
        done=len(inserts),
        total=total,
    )
    finish(canvas, buffer, out)
    return pages
