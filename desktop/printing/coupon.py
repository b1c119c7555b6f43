"""The voucher as it prints on a thank-you insert: a dashed coupon to cut out, with the value big,
the conditions, and the code as text, Code 128 and QR."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm

from desktop.printing import fonts
from desktop.printing.blocks import Barcode, Block, Columns, Framed, Line, Qr, Space, Stack, Text
from desktop.printing.document import Kit
from desktop.shop.codes import format_code

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import VoucherContent

# Narrow bars of 0.38 mm are 3 dots on a 203 dpi receipt printer and scan from a phone too;
# a 12-symbol code then needs 68 mm with its quiet zones, and takes less where less is free.
MAX_BAR = 0.38 * mm


def for_whom(voucher: VoucherContent) -> str:
    return f"For {voucher.customer_name}" if voucher.customer_name else "For the bearer"


def code_line(voucher: VoucherContent, kit: Kit, size: float) -> Line:
    """The code grouped for reading, in airy bold capitals: what a person types at the till."""
    style = kit.style(fonts.BOLD, size, align="centre", tracking=kit.size(size * 0.12))
    return Line(format_code(voucher.code), style)


def coupon(voucher: VoucherContent, kit: Kit, air: float) -> Block:
    """The coupon block for an insert; `air` scales the space between its parts."""
    ink, accent, soft = kit.palette.ink, kit.palette.accent, kit.palette.soft
    words = Stack(
        [
            Line(voucher.title.upper(), kit.style(fonts.BOLD, 6.5, colour=accent, tracking=1.1)),
            Space(kit.size(1 * mm)),
            Line(voucher.value, kit.style(fonts.BOLD, 16, leading_ratio=1.15)),
            Space(kit.size(0.8 * mm)),
            Text(voucher.conditions, kit.style(fonts.BODY, 6.3, colour=soft), kit.paragraphs, 3),
            Space(kit.size(0.8 * mm)),
            Line(for_whom(voucher), kit.style(fonts.ITALIC, 6.5, colour=ink)),
        ]
    )
    qr_size = kit.size(18 * mm)
    parts: list[Block] = [
        Columns(
            [(words, None), (Qr(voucher.code, qr_size, ink, "centre"), qr_size)],
            gap=kit.size(2 * mm),
            valign="middle",
        ),
        Space(kit.size(1.5 * mm) * air),
        Barcode(voucher.code, kit.size(7.5 * mm), MAX_BAR, ink),
        Space(kit.size(0.6 * mm)),
        code_line(voucher, kit, 8.5),
    ]
    if voucher.terms:
        parts += [
            Space(kit.size(0.8 * mm)),
            Text(
                voucher.terms,
                kit.style(fonts.BODY, 5.5, colour=soft, align="centre"),
                kit.paragraphs,
                2,
            ),
        ]
    scissors = ("✂ cut here", kit.style(fonts.BODY, 6, colour=kit.palette.line), kit.palette.paper)
    return Framed(
        Stack(parts),
        kit.size(3 * mm),
        kit.palette.line,
        dashed=True,
        radius=kit.size(2 * mm),
        mark=scissors,
    )
