"""Voucher slips read back from the PDF."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.printing import NothingToPrint, render_voucher_slips
from tests.unit.printing.samples import BRANDING, VOUCHER, fonts_used, page_sizes_mm, page_texts


def test_four_slips_to_an_a4_sheet_by_default(tmp_path: Path) -> None:
    pdf = tmp_path / "slips.pdf"
    vouchers = [replace(VOUCHER, code=f"ABCDEFGH{n:04d}") for n in range(5)]

    assert render_voucher_slips(vouchers, BRANDING, pdf) == 2
    assert page_sizes_mm(pdf) == [(210.0, 297.0)] * 2
    text = "".join(page_texts(pdf))
    assert all(f"ABCD-EFGH-{n:04d}" in text for n in range(5))


def test_a_slip_says_what_it_is_worth_and_to_whom(tmp_path: Path) -> None:
    pdf = tmp_path / "slips.pdf"
    vouchers = [
        VOUCHER,
        replace(VOUCHER, customer_name="", title="Welcome back", value="£5.00 off", terms=""),
        replace(VOUCHER, customer_name="李雷"),
        replace(VOUCHER, customer_name="<b>Smith & Co</b>"),
    ]
    render_voucher_slips(vouchers, BRANDING, pdf, layout="a6")

    first, bearer, cjk, markup = page_texts(pdf)
    assert "THANK YOU" in first and "10% off" in first
    assert "For Zoë Fairweather" in first
    assert "When you spend £10.00 or more" in first and "Not exchangeable for cash." in first
    assert "7G9C-4X6R-A6PM" in first
    assert "WELCOME BACK" in bearer and "£5.00 off" in bearer and "For the bearer" in bearer
    assert "李雷" in cjk
    assert "For <b>Smith & Co</b>" in markup
    assert all(fonts_used(pdf).values())


@pytest.mark.parametrize("layout", ["a5", "dl", "thermal-80"])
def test_long_small_print_is_cut_short_not_spilled(tmp_path: Path, layout: str) -> None:
    pdf = tmp_path / "slips.pdf"
    wordy = replace(VOUCHER, conditions="Valid in store and online. " * 20, terms="Terms. " * 80)
    render_voucher_slips([wordy], BRANDING, pdf, layout=layout)

    text = page_texts(pdf)[0]
    assert "…" in text
    assert "7G9C-4X6R-A6PM" in text and "Maple & Mug" in text
    assert len(PdfReader(pdf).pages) == 1


def test_an_empty_batch_says_so() -> None:
    with pytest.raises(NothingToPrint, match="no vouchers"):
        render_voucher_slips([], BRANDING, io.BytesIO())
