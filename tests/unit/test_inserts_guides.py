"""The guide to what was bought, on its thank-you insert: a QR code to the guide's web page, or
an A6 care card after the inserts when the guide has none; read back from the PDF and scanned."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from desktop.cli import main
from desktop.printing import render_inserts
from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.guides import GuideInput, care_cards_for_purchases, create_guide
from desktop.shop.insert_options import InsertOptions, save_insert_options
from desktop.shop.inserts import insert_for_purchase, prepare_inserts, shop_branding
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.shopfile import ShopDatabase
from tests.unit.printing.samples import BRANDING, decoded, insert, page_texts

LEATHER_URL = "https://hollybank.example/guides/leather-care?lang=ελ"
CARE = "# Уход за кожей\n- Wipe with a **damp** cloth\n- Feed it balm, *never* oil 🧴"


def _words(text: str) -> str:
    """Text as read, lines joined: a caption may wrap anywhere."""
    return " ".join(text.split())


@pytest.fixture
def bought(shop: ShopDatabase) -> dict[str, int]:
    """Three parcels: a satchel (its guide has a web page), a mug (its guide has none) and
    a candle (no guide at all)."""
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Hollybank", website="hollybank.example"))
        leather = add_category(session, "Leather").id
        pottery = add_category(session, "Pottery").id
        products = {
            "satchel": add_product(session, "Satchel", 8900, category_id=leather).id,
            "mug": add_product(session, "Blue mug", 1800, category_id=pottery).id,
            "candle": add_product(session, "Candle", 1200).id,
        }
        create_guide(
            session, GuideInput("Leather care 👜", url=LEATHER_URL, category_ids=[leather])
        )
        create_guide(
            session, GuideInput("Caring for Ελένη's pottery", CARE, category_ids=[pottery])
        )
        ids = {}
        for name, what in (("Zoë Ó'Brien", "satchel"), ("李雷", "mug"), ("Дмитрий", "candle")):
            customer = create_customer(session, CustomerDetails(name=name)).id
            line = LineInput(what.title(), 1, 1000, products[what])
            ids[what] = record_purchase(
                session, PurchaseInput([line], customer, channel="online")
            ).id
    return ids


def test_a_guide_with_a_web_page_adds_a_second_link(
    shop: ShopDatabase, bought: dict[str, int]
) -> None:
    with shop.write() as session:
        with_guide = insert_for_purchase(session, bought["satchel"], qr="site")
        without = insert_for_purchase(session, bought["candle"], qr="site")
        printed_card = insert_for_purchase(session, bought["mug"], qr="site")

    assert with_guide.qr_url == "https://hollybank.example/?ref=" + with_guide.reference
    assert with_guide.guide_url == LEATHER_URL
    assert with_guide.guide_caption == "How to care for it: Leather care 👜"
    # No guide, or one printed on a card instead: the insert is as it always was.
    for plain in (without, printed_card):
        assert plain.guide_url is None and plain.guide_caption == ""
        assert plain.qr_caption == "Come and see what's new"


def test_with_the_shop_code_off_the_guide_is_the_insert_code(
    shop: ShopDatabase, bought: dict[str, int]
) -> None:
    with shop.write() as session:
        content = insert_for_purchase(session, bought["satchel"], qr=None)
        nothing = insert_for_purchase(session, bought["candle"], qr=None)

    assert content.qr_url == LEATHER_URL
    assert content.qr_caption == "How to care for it: Leather care 👜"
    assert content.guide_url is None
    assert nothing.qr_url is None and nothing.guide_url is None


@pytest.mark.parametrize("layout", ["a6", "a5", "a4-4up", "dl", "thermal-80"])
def test_the_guide_code_prints_and_scans_on_every_layout(
    shop: ShopDatabase, bought: dict[str, int], tmp_path: Path, layout: str
) -> None:
    with shop.write() as session:
        save_insert_options(session, InsertOptions(layout=layout, voucher=True))
        batch = prepare_inserts(session, [bought["satchel"]])
        branding = shop_branding(session)
    pdf = tmp_path / "inserts.pdf"

    render_inserts(batch.inserts, branding, pdf, layout=layout)

    text = _words(page_texts(pdf)[0])
    assert "How to care for it: Leather care" in text
    assert "Come and see what's new" in text  # the shop's own code is still there
    site = batch.inserts[0].qr_url
    assert site is not None
    assert {LEATHER_URL, site} <= set(decoded(pdf, 1))


def test_when_two_codes_do_not_fit_the_shop_code_gives_way(tmp_path: Path) -> None:
    crowded = replace(
        insert("Łukasz Ó'Brien", message="Thank you for choosing us. " * 40),
        guide_url=LEATHER_URL,
        guide_caption="How to care for it: Leather care",
    )
    pdf = tmp_path / "a6.pdf"

    render_inserts([crowded], BRANDING, pdf, layout="a6")

    text = _words(page_texts(pdf)[0])
    assert "How to care for it: Leather care" in text
    assert crowded.qr_caption not in text
    scanned = decoded(pdf, 1)
    assert LEATHER_URL in scanned and crowded.qr_url not in scanned


def test_a_guide_without_a_web_page_adds_a_care_card_to_the_batch(
    shop: ShopDatabase, bought: dict[str, int], tmp_path: Path
) -> None:
    ids = [bought["satchel"], bought["mug"], bought["candle"]]
    with shop.write() as session:
        batch = prepare_inserts(session, ids)
        cards = care_cards_for_purchases(session, ids)
        branding = shop_branding(session)
    pdf = tmp_path / "batch.pdf"

    pages = render_inserts(batch.inserts, branding, pdf, layout="a4-4up", care_cards=cards)

    assert pages == 2
    texts = page_texts(pdf)
    assert "Caring for Ελένη's pottery" not in texts[0]
    assert "Caring for Ελένη's pottery" in texts[1]
    assert (
        "Уход за кожей" in texts[1] and f"For your order {batch.inserts[1].reference}" in texts[1]
    )
    sizes = [
        (round(float(page.mediabox.width) / mm), round(float(page.mediabox.height) / mm))
        for page in PdfReader(pdf).pages
    ]
    assert sizes == [(210, 297), (105, 148)]  # the inserts' sheet, then an A6 card


def test_on_a_receipt_roll_the_care_card_follows_on_the_roll(
    shop: ShopDatabase, bought: dict[str, int], tmp_path: Path
) -> None:
    ids = [bought["mug"]]
    with shop.write() as session:
        batch = prepare_inserts(session, ids)
        cards = care_cards_for_purchases(session, ids)
        branding = shop_branding(session)
    pdf = tmp_path / "roll.pdf"

    assert render_inserts(batch.inserts, branding, pdf, layout="thermal-80", care_cards=cards) == 2

    widths = [round(float(page.mediabox.width) / mm) for page in PdfReader(pdf).pages]
    assert widths == [80, 80]
    assert "Caring for Ελένη's pottery" in page_texts(pdf)[1]


def test_a_batch_without_guides_is_unchanged(shop: ShopDatabase, bought: dict[str, int]) -> None:
    with shop.write() as session:
        batch = prepare_inserts(session, [bought["candle"]])
        branding = shop_branding(session)
    alone, with_nothing = io.BytesIO(), io.BytesIO()

    render_inserts(batch.inserts, branding, alone)
    render_inserts(batch.inserts, branding, with_nothing, care_cards=[])

    assert len(PdfReader(alone).pages) == 1
    assert page_texts_of(alone) == page_texts_of(with_nothing)
    assert "How to care for it" not in page_texts_of(alone)[0]


def page_texts_of(pdf: io.BytesIO) -> list[str]:
    pdf.seek(0)
    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_the_command_line_appends_the_care_cards(
    shop: ShopDatabase,
    bought: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "today.pdf"

    code = main(["print", "inserts", "--today", "--db", str(shop.path), "--out", str(out)])

    assert code == 0
    assert "Wrote 3 inserts and 1 care card (4 pages)" in capsys.readouterr().out
    assert "Caring for Ελένη's pottery" in page_texts(out)[-1]
