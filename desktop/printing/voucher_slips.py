"""Voucher slips: a gift-voucher style piece per voucher, to hand over or post."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.units import mm

from desktop.printing import fonts
from desktop.printing.blocks import (
    Barcode,
    Block,
    Columns,
    Framed,
    Line,
    Ornament,
    Qr,
    Space,
    Stack,
    Text,
)
from desktop.printing.branding import footer, masthead
from desktop.printing.coupon import MAX_BAR, code_line, for_whom
from desktop.printing.document import Kit, Progress, render
from desktop.printing.text import Align

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import ShopBranding, VoucherContent


def render_voucher_slips(
    vouchers: Sequence[VoucherContent],
    branding: ShopBranding,
    out: BinaryIO | Path,
    *,
    layout: str = "a4-4up",
    colour: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write one slip per voucher to `out` as a PDF; returns the number of pages.

    Four to an A4 sheet by default, with crop marks. `progress(done, total)` is called after
    each slip; if it raises, printing stops, nothing is written and the exception goes on."""
    return render(
        vouchers,
        design_slip,
        branding,
        out,
        layout=layout,
        colour=colour,
        progress=progress,
        title="Voucher slips",
        nothing="There are no vouchers to print.",
    )


def design_slip(voucher: VoucherContent, kit: Kit, width: float, height: float | None) -> Block:
    """The slip for `voucher` inside a fine frame, roomy if it fits `height`, else compact."""
    for roomy in (True, False):
        slip = _slip(voucher, kit, roomy)
        if height is None or slip.measure(width) <= height:
            break
    return slip


def _slip(voucher: VoucherContent, kit: Kit, roomy: bool) -> Block:
    air = 1.0 if roomy else 0.5
    align: Align = "left" if kit.layout.wide else "centre"
    offer = [
        Line(
            voucher.title.upper(),
            kit.style(fonts.BOLD, 8, colour=kit.palette.accent, align=align, tracking=2.0),
        ),
        Space(kit.size(1.5 * mm) * air),
        Line(voucher.value, kit.style(fonts.BOLD, 26 if roomy else 22, align=align), shrink=0.6),
        Line(
            for_whom(voucher),
            kit.style(fonts.HAND, 24 if roomy else 20, colour=kit.palette.accent, align=align),
            shrink=0.6,
        ),
        Space(kit.size(2 * mm) * air),
        Text(
            voucher.conditions,
            kit.style(fonts.BODY, 7.5, align=align, leading_ratio=1.4),
            kit.paragraphs,
            3,
        ),
    ]
    terms = kit.style(fonts.BODY, 6, colour=kit.palette.soft, align=align, leading_ratio=1.35)
    small_print = [Text(voucher.terms, terms, kit.paragraphs, 3)] if voucher.terms else []
    qr_size = kit.size((25 if roomy else 20) * mm)
    codes = [
        Qr(voucher.code, qr_size, kit.palette.ink, "centre"),
        Space(kit.size(1 * mm) * air),
        Barcode(voucher.code, kit.size(9 * mm), MAX_BAR, kit.palette.ink),
        Space(kit.size(0.8 * mm)),
        code_line(voucher, kit, 10),
    ]
    logo = masthead(kit, kit.size((14 if roomy else 11) * mm), align)
    if kit.layout.wide:
        centred = [Space(0, flex=1), *codes, Space(0, flex=1)]
        left = Stack(
            [logo, Space(kit.size(4 * mm), flex=1), *offer, Space(0, flex=1), *small_print]
        )
        inner = Stack(
            [
                Columns([(left, None), (Stack(centred), kit.size(76 * mm))], gap=kit.size(8 * mm)),
                Space(kit.size(2 * mm), flex=1),
                footer(kit),
            ]
        )
    else:
        rest = [Space(kit.size(2 * mm) * air), *small_print] if small_print else []
        inner = Stack(
            [
                logo,
                Space(kit.size(4 * mm) * air, flex=1),
                *offer[:4],
                Ornament(kit.size(18 * mm), kit.palette.line, kit.size(3 * mm)),
                *offer[5:],
                Space(kit.size(4 * mm) * air, flex=1),
                *codes,
                *rest,
                Space(kit.size(3 * mm) * air, flex=1),
                footer(kit),
            ]
        )
    return Framed(inner, kit.size(5 * mm), kit.palette.line, radius=kit.size(2.5 * mm))
