"""Thank-you inserts read back from the PDF: pages, text in every script, fonts, logo, fitting."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing import LAYOUTS, NothingToPrint, render_inserts
from desktop.printing.document import Kit
from desktop.printing.inserts import design_insert
from desktop.shop.inserts import ShopBranding
from tests.unit.printing.samples import BRANDING, NAMES, fonts_used, insert, page_texts


def test_every_name_item_and_code_prints_as_text(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    inserts = [insert(name, number) for number, name in enumerate(NAMES, start=1)]

    assert render_inserts(inserts, BRANDING, pdf) == len(NAMES)

    texts = page_texts(pdf)
    for number, (name, text) in enumerate(zip(NAMES, texts, strict=True), start=1):
        assert f"Dear {name}," in text
        assert "2 × Blue speckled mug" in text and "Honey jar" in text
        assert f"7G9C-4X6R-{number:04d}" in text  # the code grouped for reading
        assert f"For {name}" in text
        assert "With love, Anna" in text
        assert "Maple & Mug" in text
    assert "Dear <b>Smith & Co</b>," in texts[-1]  # markup typed by a customer prints as typed


def test_every_font_is_embedded(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    names = [*NAMES, "Amara 🎁💐"]
    render_inserts([insert(name, signature=f"Love, {name}") for name in names], BRANDING, pdf)

    used = fonts_used(pdf)
    assert used and all(used.values()), used
    faces = {name.split("+")[-1] for name in used}
    # Kristi for the signature, DejaVu for Ł in it, Droid for 李雷 and Symbola for the emoji.
    assert {"DejaVuSans", "DejaVuSans-Bold", "Kristi", "DroidSansFallback", "Symbola"} <= faces


@pytest.mark.parametrize(
    ("layout", "count", "pages"),
    [
        ("a6", 9, 9),
        ("a4-4up", 9, 3),
        ("a4-4up", 8, 2),
        ("a5", 2, 2),
        ("dl", 3, 3),
        ("thermal-80", 3, 3),
    ],
)
def test_pieces_per_page(tmp_path: Path, layout: str, count: int, pages: int) -> None:
    pdf = tmp_path / f"{layout}.pdf"
    inserts = [insert(f"Customer {number}", number) for number in range(count)]

    assert render_inserts(inserts, BRANDING, pdf, layout=layout) == pages
    assert len(PdfReader(pdf).pages) == pages
    # Every insert is there, in order, whatever the number per page.
    text = "".join(page_texts(pdf))
    positions = [text.index(f"Dear Customer {number},") for number in range(count)]
    assert positions == sorted(positions)


def test_the_logo_is_embedded_once_for_the_whole_batch(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    render_inserts([insert(number=number) for number in range(5)], BRANDING, pdf)

    images = set()
    pages: list[Any] = list(PdfReader(pdf).pages)
    for page in pages:
        for form in page["/Resources"]["/XObject"].values():
            for image in form.get_object()["/Resources"]["/XObject"].values():
                images.add(image.idnum)
    assert len(images) == 1


def test_without_a_readable_logo_the_shop_name_heads_the_card(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    for logo in (None, b"not a picture"):
        render_inserts([insert()], replace(BRANDING, logo=logo), pdf)
        assert "MAPLE & MUG" in page_texts(pdf)[0]


def test_long_messages_and_many_items_fit_every_fixed_layout(tmp_path: Path) -> None:
    long = insert(
        "Łukasz Ó'Brien-Wojciechowski",
        message=" ".join(["Thank you for coming back to us again and again."] * 40),
        items=[f"{number} × Hand-thrown stoneware mug, speckled glaze" for number in range(1, 10)],
        qr_caption="Care tips for your new mug, and how to keep its glaze bright for years",
    )
    for name, layout in LAYOUTS.items():
        if layout.piece_height is None:
            continue
        kit = Kit(Canvas(io.BytesIO()), layout, True, BRANDING)
        width = layout.piece_width - 2 * layout.inset
        height = layout.piece_height - 2 * layout.inset
        assert design_insert(long, kit, width, height).measure(width) <= height, name

        pdf = tmp_path / f"{name}.pdf"
        render_inserts([long], BRANDING, pdf, layout=name)
        text = page_texts(pdf)[0]
        assert "…" in text  # the message was cut short, visibly
        assert "and 7 more" in text or "and 6 more" in text or "and 8 more" in text
        assert "7G9C-4X6R-0001" in text and "01632 960 123" in text  # nothing pushed off


def test_text_stays_inside_the_piece_margins(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    long = insert(message=" ".join(["A rather long and heartfelt thank-you."] * 30))
    render_inserts(
        [long, insert(number=2), insert(number=3), insert(number=4)], BRANDING, pdf, layout="a4-4up"
    )

    layout = LAYOUTS["a4-4up"]
    width, height = layout.piece_width, layout.piece_height
    assert height is not None
    page = PdfReader(pdf).pages[0]
    pieces = [layout.piece_origin(slot, float(page.mediabox.height)) for slot in range(4)]
    outside: list[tuple[str, float, float]] = []

    def check(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        inside = any(
            left + 5 * mm <= x <= left + width - 5 * mm
            and bottom + 5 * mm <= y <= bottom + height - 5 * mm
            for left, bottom in pieces
        )
        if not inside:
            outside.append((text, x, y))

    page.extract_text(visitor_text=check)
    assert outside == []


def test_progress_is_reported_per_insert(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    render_inserts(
        [insert(number=n) for n in range(3)],
        BRANDING,
        io.BytesIO(),
        progress=lambda *a: seen.append(a),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_cancelling_stops_and_writes_nothing(tmp_path: Path) -> None:
    class Cancelled(Exception):
        pass

    def cancel_after_two(done: int, total: int) -> None:
        if done == 2:
            raise Cancelled

    pdf = tmp_path / "inserts.pdf"
    with pytest.raises(Cancelled):
        render_inserts(
            [insert(number=n) for n in range(5)], BRANDING, pdf, progress=cancel_after_two
        )
    assert list(tmp_path.iterdir()) == []


def test_an_empty_batch_says_so() -> None:
    with pytest.raises(NothingToPrint, match="no thank-you inserts"):
        render_inserts([], BRANDING, io.BytesIO())


def test_minimal_insert_prints_without_optional_blocks(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    bare = insert("", greeting="", items=[], voucher=None, qr_url=None, signature="Anna")
    render_inserts([bare], ShopBranding(name="Maple & Mug"), pdf)

    text = page_texts(pdf)[0]
    assert "Hello," in text and "Anna" in text
    assert "WHAT YOU CHOSE" not in text and "cut here" not in text


def test_a_long_message_without_spaces_is_cut_not_dropped(tmp_path: Path) -> None:
    pdf = tmp_path / "inserts.pdf"
    render_inserts([insert("李雷", message="感谢您的惠顾。" * 200)], BRANDING, pdf)

    text = page_texts(pdf)[0]
    assert "感谢您的惠顾。感谢您的惠顾。" in text
    assert "…" in text
