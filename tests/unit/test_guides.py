"""Care guides: the Markdown subset, the library's rules, the guide a purchase gets, and the care
card it prints as."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from desktop.printing.care_cards import render_care_cards
from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.guide_text import BodyBlock, Span, body_markdown, parse_body, plain_text
from desktop.shop.guides import (
    CareCard,
    GuideInput,
    care_card,
    care_cards_for_purchases,
    create_guide,
    delete_guide,
    guide_details,
    guide_for_purchase,
    guides_for_purchases,
    list_guides,
    update_guide,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.models import Purchase
from desktop.store.shopfile import ShopDatabase
from tests.unit.printing.samples import BRANDING, LOGO, fonts_used, page_sizes_mm, png

CARE = """# Caring for your mug

Hand-wash **only**, in warm _soapy_ water.
Dry it straight away.

- Never in the **microwave**
- Avoid *sudden* heat,
  like boiling water in a cold mug

1. Make a paste of bicarbonate of soda
2) Rub gently

## Questions?
Ask Zoë, Łukasz, Ελένη, Дмитрий or 李雷 🎁. <b>Smith & Co</b> [link](http://x) snake_case_name"""


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def test_the_body_reads_as_headings_paragraphs_and_lists() -> None:
    blocks = parse_body(CARE)

    assert [(b.kind, b.level) for b in blocks] == [
        ("heading", 1),
        ("paragraph", 0),
        ("bullets", 0),
        ("numbered", 0),
        ("heading", 2),
        ("paragraph", 0),
    ]
    assert blocks[1].lines[0] == (
        Span("Hand-wash "),
        Span("only", bold=True),
        Span(", in warm "),
        Span("soapy", italic=True),
        Span(" water. Dry it straight away."),  # lines of a paragraph join
    )
    bullets = ["".join(span.text for span in item) for item in blocks[2].lines]
    assert bullets == [
        "Never in the microwave",
        "Avoid sudden heat, like boiling water in a cold mug",
    ]
    assert len(blocks[3].lines) == 2
    last = "".join(span.text for span in blocks[5].lines[0])
    # No HTML, no links, no emphasis inside a word: all of it stays as typed.
    assert "<b>Smith & Co</b> [link](http://x) snake_case_name" in last


def test_marks_without_a_partner_or_escaped_stay_plain() -> None:
    (block,) = parse_body(r"2 * 3 = 6, \*not italic\*, and a lone ** stays")

    assert block.lines[0] == (Span("2 * 3 = 6, *not italic*, and a lone ** stays"),)


def test_markdown_for_the_screen_keeps_the_subset_and_nothing_else() -> None:
    written = body_markdown(parse_body(CARE))

    assert written.startswith("# Caring for your mug\n\nHand-wash **only**, in warm *soapy* water.")
    assert "- Never in the **microwave**" in written
    assert "1. Make a paste of bicarbonate of soda\n2. Rub gently" in written
    assert r"\<b\>Smith \& Co\</b\> \[link\](http://x) snake\_case\_name" in written
    # A paragraph that starts like a list item or a heading stays a paragraph.
    assert (
        body_markdown([BodyBlock("paragraph", ((Span("1. not a list"),),))]) == "1\\. not a list\n"
    )


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab *_#-+1.)\\\n\t <>&`~|[]!é李")))
def test_the_screen_markdown_reads_back_as_the_same_blocks(text: str) -> None:
    blocks = parse_body(text)

    assert parse_body(body_markdown(blocks)) == blocks


def test_qt_shows_the_markdown_with_its_formatting_and_no_html(qapp: object) -> None:
    from PySide6.QtGui import QTextCursor, QTextDocument

    document = QTextDocument()
    document.setMarkdown(
        body_markdown(parse_body(CARE)), QTextDocument.MarkdownFeature.MarkdownNoHTML
    )

    shown = document.toPlainText()
    assert "Hand-wash only, in warm soapy water." in shown
    assert "<b>Smith & Co</b> [link](http://x) snake_case_name" in shown
    cursor = document.find("only")
    assert cursor.charFormat().fontWeight() >= 700
    cursor = document.find("soapy")
    assert cursor.charFormat().fontItalic()
    assert not document.find("Hand-wash").charFormat().fontWeight() >= 700
    assert document.find("Caring").block().blockFormat().headingLevel() == 1
    assert isinstance(cursor, QTextCursor)


def test_plain_text_for_an_email() -> None:
    text = plain_text(parse_body(CARE))

    assert text.startswith("Caring for your mug\n\nHand-wash only, in warm soapy water.")
    assert "• Never in the microwave\n• Avoid sudden heat" in text
    assert "1. Make a paste of bicarbonate of soda\n2. Rub gently" in text


# --- The library ---------------------------------------------------------------------------


def test_a_guide_needs_a_title_unique_ignoring_case_and_accents(shop: ShopDatabase) -> None:
    with shop.write() as session:
        create_guide(session, GuideInput(title="Café care"))
        with pytest.raises(InvalidInput) as missing:
            create_guide(session, GuideInput(title="   "))
        with pytest.raises(InvalidInput) as twice:
            create_guide(session, GuideInput(title="CAFE CARE"))

    assert missing.value.field == "title"
    assert str(twice.value) == "There is already a guide called “CAFE CARE”."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://hollybank.example/care", "https://hollybank.example/care"),
        ("HTTP://hollybank.example", "http://hollybank.example"),
        ("hollybank.example/care/mugs", "https://hollybank.example/care/mugs"),
        ("hollybank.example:8080/care", "https://hollybank.example:8080/care"),
        ("", None),
    ],
)
def test_a_guide_address_is_a_web_address(
    shop: ShopDatabase, typed: str, stored: str | None
) -> None:
    with shop.write() as session:
        guide = create_guide(session, GuideInput(title="Mugs", url=typed))

    assert guide.url == stored


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "ftp://hollybank.example/care", "mailto:a@b.c", "a b.com"]
)
def test_other_addresses_are_refused(shop: ShopDatabase, typed: str) -> None:
    with shop.write() as session, pytest.raises(InvalidInput) as refused:
        create_guide(session, GuideInput(title="Mugs", url=typed))

    assert refused.value.field == "url"
    assert "http:// or https://" in str(refused.value)


def test_a_guide_picture_is_a_readable_png_or_jpeg_of_modest_size(shop: ShopDatabase) -> None:
    gif = b"GIF89a" + b"\x00" * 100
    broken = LOGO[:60]
    huge = png(50, 50, lambda x, y: (x, y, 0, 255)) + b"\x00" * (2 * 1024 * 1024)
    with shop.write() as session:
        assert create_guide(session, GuideInput("Logo", image=LOGO)).image_type == "image/png"
        assert create_guide(session, GuideInput("Photo", image=_jpeg())).image_type == "image/jpeg"
        messages = []
        for picture in (gif, broken, huge):
            with pytest.raises(InvalidInput) as refused:
                create_guide(session, GuideInput("Refused", image=picture))
            assert refused.value.field == "image"
            messages.append(str(refused.value))

    assert messages == [
        "The picture must be a PNG or JPEG file.",
        "This picture could not be read (is the file whole?).",
        "The picture is too large (at most 2 MB).",
    ]


def test_links_are_kept_listed_and_replaced(shop: ShopDatabase) -> None:
    with shop.write() as session:
        tea = add_category(session, "Tea")
        pottery = add_category(session, "Pottery")
        mug = add_product(session, "Blue mug", 1800, category_id=pottery.id)
        guide = create_guide(
            session,
            GuideInput("Mug care", CARE, category_ids=[pottery.id], product_ids=[mug.id, mug.id]),
        )
        create_guide(session, GuideInput("Brewing tea", category_ids=[tea.id], url="x.example"))
        details = guide_details(session, guide.id)
        details.category_ids = [tea.id]
        details.product_ids = []
        update_guide(session, guide.id, details)
        with pytest.raises(NotFound):
            create_guide(session, GuideInput("Ghost", product_ids=[999]))
        rows = list_guides(session)

    assert [(r.title, r.categories, r.products, r.url is not None) for r in rows] == [
        ("Brewing tea", ["Tea"], [], True),
        ("Mug care", ["Tea"], [], False),
    ]


def test_deleting_a_guide_removes_it_and_its_links(shop: ShopDatabase) -> None:
    with shop.write() as session:
        pottery = add_category(session, "Pottery")
        guide = create_guide(session, GuideInput("Mug care", category_ids=[pottery.id]))
        delete_guide(session, guide.id)
        with pytest.raises(NotFound):
            delete_guide(session, guide.id)
        assert list_guides(session) == []


# --- The guide for a purchase --------------------------------------------------------------


@pytest.fixture
def catalogue(shop: ShopDatabase) -> dict[str, int]:
    """Pottery (mugs, a teapot) and tea, with guides: one per category, one for the teapot."""
    with shop.write() as session:
        pottery = add_category(session, "Pottery").id
        tea = add_category(session, "Tea").id
        ids = {
            "mug": add_product(session, "Blue mug", 1800, category_id=pottery).id,
            "teapot": add_product(session, "Teapot", 4200, category_id=pottery).id,
            "earl grey": add_product(session, "Earl Grey", 795, category_id=tea).id,
            "sencha": add_product(session, "Sencha", 900, category_id=tea).id,
        }
        ids["pottery guide"] = create_guide(
            session, GuideInput("Caring for pottery", CARE, category_ids=[pottery])
        ).id
        ids["tea guide"] = create_guide(
            session, GuideInput("Brewing tea", url="hollybank.example/tea", category_ids=[tea])
        ).id
        ids["teapot guide"] = create_guide(
            session, GuideInput("Your teapot", product_ids=[ids["teapot"]])
        ).id
        ids["customer"] = create_customer(session, CustomerDetails("Zoë Ó'Brien")).id
    return ids


def _bought(shop: ShopDatabase, ids: dict[str, int], *lines: tuple[str, int, int]) -> int:
    with shop.write() as session:
        purchase = record_purchase(
            session,
            PurchaseInput(
                [LineInput("", quantity, price, ids[name]) for name, quantity, price in lines],
                ids["customer"],
            ),
        )
        return purchase.id


def _guide_title(shop: ShopDatabase, purchase_id: int) -> str | None:
    with shop.read() as session:
        guide = guide_for_purchase(session, purchase_id)
        return None if guide is None else guide.title


def test_a_product_guide_beats_a_category_guide(
    shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    # The tea costs more than the teapot on this sale, but only the teapot has its own guide.
    purchase = _bought(shop, catalogue, ("earl grey", 10, 795), ("teapot", 1, 4200))

    assert _guide_title(shop, purchase) == "Your teapot"


def test_the_most_expensive_line_chooses_among_category_guides(
    shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    cheap_mugs = _bought(shop, catalogue, ("mug", 1, 1800), ("sencha", 3, 900))
    many_mugs = _bought(shop, catalogue, ("sencha", 3, 900), ("mug", 2, 1800))
    # A tie goes to the line rung up first.
    tie = _bought(shop, catalogue, ("sencha", 2, 900), ("mug", 1, 1800))

    assert _guide_title(shop, cheap_mugs) == "Brewing tea"  # £27 of tea beats an £18 mug
    assert _guide_title(shop, many_mugs) == "Caring for pottery"
    assert _guide_title(shop, tie) == "Brewing tea"


def test_a_purchase_without_a_guided_product_gets_none(
    shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    with shop.write() as session:
        loose = record_purchase(session, PurchaseInput([LineInput("Gift wrap", 1, 150)])).id
        with pytest.raises(NotFound):
            guide_for_purchase(session, 999)

    assert _guide_title(shop, loose) is None


def test_the_same_guide_wins_however_the_batch_is_asked(
    shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    with shop.write() as session:
        second = create_guide(
            session, GuideInput("Another teapot guide", product_ids=[catalogue["teapot"]])
        )
    purchases = [_bought(shop, catalogue, ("teapot", 1, 4200)) for _ in range(3)]
    with shop.read() as session:
        forwards = guides_for_purchases(session, purchases)
        backwards = guides_for_purchases(session, purchases[::-1])

    assert {p: g.title for p, g in forwards.items()} == {p: "Your teapot" for p in purchases}
    assert {p: g.id for p, g in backwards.items()} == {p: g.id for p, g in forwards.items()}
    assert second.id not in {g.id for g in forwards.values()}


def test_care_cards_go_with_guides_that_have_no_web_page(
    shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    mug = _bought(shop, catalogue, ("mug", 1, 1800))
    tea = _bought(shop, catalogue, ("sencha", 1, 900))
    teapot = _bought(shop, catalogue, ("teapot", 1, 4200))
    with shop.read() as session:
        cards = care_cards_for_purchases(session, [teapot, tea, mug])
        references = {p: session.get_one(Purchase, p).reference for p in (mug, teapot)}

    assert [(c.title, c.reference) for c in cards] == [
        ("Your teapot", references[teapot]),
        ("Caring for pottery", references[mug]),
    ]
    assert cards[1].blocks == parse_body(CARE)


# --- The printed card ----------------------------------------------------------------------


def _text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_a_care_card_prints_its_text_lists_and_every_script(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    with shop.write() as session:
        guide = create_guide(session, GuideInput("Caring for your mug", CARE, image=_jpeg()))
        card = care_card(guide, "P-000123")
    pdf = tmp_path / "care.pdf"

    assert render_care_cards([card, card], BRANDING, pdf) == 2

    texts = _text(pdf)
    assert page_sizes_mm(pdf) == [(105.0, 148.0)] * 2
    for text in texts:
        flat = " ".join(text.split())
        assert "Caring for your mug" in flat
        assert "• Never in the microwave" in flat
        assert "1. Make a paste of bicarbonate of soda" in flat
        assert "Ask Zoë, Łukasz, Ελένη, Дмитрий or 李雷" in flat
        assert "<b>Smith & Co</b>" in flat
        assert "For your order P-000123" in flat
        assert "Maple & Mug" in flat
    used = fonts_used(pdf)
    assert used and all(used.values()), used
    assert not any("Helvetica" in name for name in used)
    # The picture is stored once however many cards show it.
    pages: list[Any] = list(PdfReader(pdf).pages)
    images = {
        reference.idnum
        for page in pages
        for reference in page["/Resources"]["/XObject"].values()
        if reference.get_object()["/Subtype"] == "/Image"
    }
    assert len(images) == 1


def test_a_guide_too_long_for_the_card_ends_with_an_ellipsis(tmp_path: Path) -> None:
    blocks = parse_body("\n\n".join(f"Paragraph {n}: " + "steep and sip " * 30 for n in range(30)))
    pdf = tmp_path / "long.pdf"
    assert (
        render_care_cards(
            [CareCard("A very long guide", blocks)], BRANDING, pdf, handwritten_title=False
        )
        == 1
    )

    text = _text(pdf)[0]
    assert "Paragraph 0:" in text
    assert "Paragraph 29:" not in text
    assert "…" in text
    assert "Maple & Mug" in text  # the footer still fits
