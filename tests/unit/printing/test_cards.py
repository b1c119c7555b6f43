"""Member cards read back: page sizes, names in every script, embedded fonts, and codes that scan
from a 300 dpi render as a till's scanner would read them."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.units import mm

from desktop.printing import NothingToPrint
from desktop.printing.cards import CARD_LAYOUTS, MemberCard, card_layout, render_cards
from desktop.shop.codes import check_character
from desktop.shop.errors import InvalidInput
from tests.conftest import require_program
from tests.unit.printing.samples import (
    BRANDING,
    NAMES,
    decoded,
    fonts_used,
    page_sizes_mm,
    page_texts,
)

DPI = 300


def number(seed: str) -> str:
    """A valid ten-character card number: nine symbols and their check character."""
    body = (seed * 9)[:9]
    return body + check_character(body)


def cards(count: int, name: str = "Zoë Fairweather") -> list[MemberCard]:
    letters = "KMQPXDZRAWHJ"
    return [
        MemberCard(number(f"{letters[i % 12]}{letters[(i * 5) % 12]}7G{i:05d}"), f"{name} {i}")
        for i in range(count)
    ]


def cut_out(pdf: Path, page: int, slot: int, layout: str, tmp_path: Path) -> list[str]:
    """What zbar reads from one card of a printed sheet, cut along its crop marks."""
    require_program("pdftoppm")
    zbarimg = require_program("zbarimg")
    chosen = CARD_LAYOUTS[layout]
    assert chosen.page_height is not None and chosen.piece_height is not None
    image = tmp_path / f"sheet-{page}"
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", *pages, str(pdf), str(image)],
        check=True,
    )
    left, bottom = chosen.piece_origin(slot, chosen.page_height)
    scale = DPI / 72
    top = chosen.page_height - bottom - chosen.piece_height
    box = (
        round(left * scale),
        round(top * scale),
        round((left + chosen.piece_width) * scale),
        round((top + chosen.piece_height) * scale),
    )
    card = tmp_path / f"card-{page}-{slot}.png"
    with Image.open(f"{image}.png") as sheet:
        sheet.crop(box).save(card)
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "--nodbus", str(card)], capture_output=True, text=True
    )
    return sorted(result.stdout.split())


@pytest.mark.needs_program("zbarimg")
@pytest.mark.parametrize("colour", [True, False])
def test_a_cards_barcode_and_qr_code_read_back_as_its_number(tmp_path: Path, colour: bool) -> None:
    pdf = tmp_path / "card.pdf"
    card = MemberCard(number("K3MQ9PX2D"), "Łukasz Ó'Brien")
    render_cards([card], BRANDING, pdf, layout="cr80", colour=colour)

    # Code 128 and the QR code both carry the number as stored, ungrouped.
    assert decoded(pdf, 1, grey=not colour, dpi=DPI) == [card.number, card.number]


@pytest.mark.needs_program("zbarimg")
def test_every_card_cut_from_a_sheet_scans(tmp_path: Path) -> None:
    # A scanner sees one card at a time; zbar reading a whole uncut sheet pairs the QR codes'
    # corner squares across neighbouring cards, which no counter ever shows it.
    pdf = tmp_path / "sheet.pdf"
    batch = cards(10)
    render_cards(batch, BRANDING, pdf)

    for slot, card in enumerate(batch):
        assert cut_out(pdf, 1, slot, "a4-10up", tmp_path) == [card.number, card.number], slot


def test_ten_cards_fill_one_a4_sheet_and_eleven_take_two(tmp_path: Path) -> None:
    ten, eleven = tmp_path / "ten.pdf", tmp_path / "eleven.pdf"
    assert render_cards(cards(10), BRANDING, ten) == 1
    assert render_cards(cards(11), BRANDING, eleven) == 2

    assert page_sizes_mm(ten) == [(210.0, 297.0)]
    assert page_sizes_mm(eleven) == [(210.0, 297.0)] * 2
    first, second = page_texts(eleven)
    assert all(f"Zoë Fairweather {i}" in first for i in range(10))
    assert "Zoë Fairweather 10" in second and "Zoë Fairweather 9" not in second


def test_single_cards_print_one_credit_card_size_page_each(tmp_path: Path) -> None:
    pdf = tmp_path / "cards.pdf"
    assert render_cards(cards(3), BRANDING, pdf, layout="cr80") == 3
    assert page_sizes_mm(pdf) == [(85.6, 54.0)] * 3


def test_a_sheet_holds_two_columns_of_five_cards_inside_its_crop_marks() -> None:
    sheet = card_layout("a4-10up")
    assert (sheet.columns, sheet.rows, sheet.crop_marks) == (2, 5, True)
    assert sheet.piece_width == pytest.approx(85.6 * mm)
    assert sheet.piece_height == pytest.approx(53.98 * mm)
    assert sheet.page_height is not None
    corners = [sheet.piece_origin(slot, sheet.page_height) for slot in range(sheet.per_page)]
    left = min(x for x, _ in corners)
    bottom = min(y for _, y in corners)
    # Room beyond the cards for the marks (1.5 mm gap and 3.5 mm long) and a printer's margin.
    assert left >= 10 * mm and bottom >= 10 * mm
    assert sheet.page_width - (left + 2 * sheet.piece_width) >= 10 * mm


def test_names_in_every_script_print_with_the_card_number_grouped(tmp_path: Path) -> None:
    pdf = tmp_path / "cards.pdf"
    batch = [MemberCard(number(f"{i}K3MQ9PX2"), name) for i, name in enumerate(NAMES)]
    batch.append(MemberCard(number("EM0J11234"), "Anna 🌻 Bloom", unit="stars"))
    render_cards(batch, BRANDING, pdf, layout="cr80")

    texts = page_texts(pdf)
    for card, text in zip(batch, texts, strict=True):
        # ReportLab maps a glyph beyond the BMP (the emoji) wrongly in the text layer, though
        # the glyph itself prints: the words around it are read back instead.
        assert all(part in text for part in card.name.split(" 🌻 "))
        assert f"{card.number[:4]}-{card.number[4:8]}-{card.number[8:]}" in text
    assert "MEMBER CARD" in texts[0]
    assert "collect points" in texts[0] and "collect stars" in texts[-1]
    used = fonts_used(pdf)
    assert all(used.values()), used
    assert not any("Helvetica" in name for name in used)
    # Greek, Cyrillic and Ł come from DejaVu, 李雷 from the CJK face, 🌻 from Symbola.
    assert any("DroidSansFallback" in name for name in used)
    assert any("Symbola" in name for name in used)


def test_without_a_logo_the_shops_name_heads_the_card(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    render_cards(cards(1), replace(BRANDING, logo=None), pdf, layout="cr80", colour=False)
    assert "MAPLE & MUG" in page_texts(pdf)[0]


def test_a_very_long_name_is_shortened_on_the_card_not_spilled(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    long_name = "Maria-Magdalena Montgomery-Wolstenholme-Fotheringham-Smythe of Little Snoring"
    render_cards([MemberCard(number("K3MQ9PX2D"), long_name)], BRANDING, pdf, layout="cr80")

    text = page_texts(pdf)[0]
    assert "Maria-Magdalena" in text and "…" in text
    assert long_name not in text


def test_an_unknown_layout_names_the_choices() -> None:
    with pytest.raises(InvalidInput, match="a4-10up, cr80") as error:
        render_cards(cards(1), BRANDING, io.BytesIO(), layout="a6")
    assert error.value.field == "layout"


def test_an_empty_batch_says_so() -> None:
    with pytest.raises(NothingToPrint, match="no member cards"):
        render_cards([], BRANDING, io.BytesIO())


def test_progress_is_reported_per_card_and_a_cancel_writes_nothing(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = io.BytesIO()
    render_cards(cards(3), BRANDING, out, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert out.getvalue().startswith(b"%PDF")

    class Cancelled(Exception):
        pass

    def cancel(done: int, _total: int) -> None:
        if done == 2:
            raise Cancelled

    pdf = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        render_cards(cards(3), BRANDING, pdf, progress=cancel)
    assert not pdf.exists()
