"""Barcodes must scan: pages rendered at 300 dpi as a printer would print them, read by zbar."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop.printing import LAYOUTS, render_inserts, render_voucher_slips
from desktop.printing.barcodes import code128_symbol, qr_symbol
from tests.unit.printing.samples import BRANDING, VOUCHER, decoded, insert

pytestmark = pytest.mark.needs_program("zbarimg")


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_insert_codes_scan_on_every_layout(tmp_path: Path, layout: str) -> None:
    pdf = tmp_path / "inserts.pdf"
    card = insert("Ελένη", 42)
    render_inserts([card], BRANDING, pdf, layout=layout)

    assert card.voucher is not None and card.qr_url is not None
    # The voucher's QR and Code 128 both read as the code; the link's QR as the link.
    assert decoded(pdf, 1) == sorted([card.voucher.code, card.voucher.code, card.qr_url])


@pytest.mark.parametrize("layout", ["a6", "thermal-80"])
def test_insert_codes_scan_printed_in_grey(tmp_path: Path, layout: str) -> None:
    pdf = tmp_path / "inserts.pdf"
    card = insert("Дмитрий", 7)
    render_inserts([card], BRANDING, pdf, layout=layout, colour=False)

    assert card.voucher is not None and card.qr_url is not None
    assert decoded(pdf, 1, grey=True) == sorted([card.voucher.code, card.voucher.code, card.qr_url])


def test_every_slip_on_a_sheet_scans(tmp_path: Path) -> None:
    pdf = tmp_path / "slips.pdf"
    codes = ["0123456789AB", "ZZZZYYYYXXXX", "7K3MQ9PX2D4W", "A1B2C3D4E5F6"]
    render_voucher_slips([replace(VOUCHER, code=code) for code in codes], BRANDING, pdf)

    assert decoded(pdf, 1) == sorted(codes * 2)


def test_slips_scan_on_the_receipt_roll_in_grey(tmp_path: Path) -> None:
    pdf = tmp_path / "slips.pdf"
    render_voucher_slips([VOUCHER], BRANDING, pdf, layout="thermal-80", colour=False)
    assert decoded(pdf, 1, grey=True) == [VOUCHER.code, VOUCHER.code]


def test_symbols_carry_their_quiet_zones() -> None:
    qr = qr_symbol("7G9C4X6RA6PM")
    assert qr.width == qr.height == 21 + 2 * 4  # version 1, four blank modules each side
    bars = code128_symbol("7G9C4X6RA6PM")
    # Start, 12 symbols, check and stop (13 wide), with ten blank units each side.
    assert bars.width == 11 * 14 + 13 + 2 * 10
    first = bars.path.split(" re")[0].split()
    assert first[0] == "10"  # the first bar starts after the quiet zone
