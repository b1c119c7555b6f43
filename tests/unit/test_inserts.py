"""Thank-you inserts as content: personal, one voucher however often printed, and a link."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.insert_options import (
    InsertOptions,
    insert_options,
    link_with_reference,
    save_insert_options,
)
from desktop.shop.inserts import (
    insert_for_purchase,
    mark_inserts_printed,
    mark_vouchers_printed,
    prepare_inserts,
    sample_insert,
    shop_branding,
    voucher_content,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.settings import ShopProfile, get_profile, save_profile, set_logo
from desktop.shop.templates import get_template
from desktop.shop.vouchers import VoucherTerms, find_voucher, void_voucher
from desktop.store.models import Purchase, Voucher
from desktop.store.shopfile import ShopDatabase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
THANKS = VoucherTerms(kind="thank_you", percent=10, min_spend=1500, expires_on=date(2099, 3, 31))


def _set_up(session: Session, website: str = "hollybank.example") -> None:
    save_profile(
        session,
        ShopProfile(
            name="Hollybank Tea & Pottery",
            address="14 Walcot Street\nBath",
            phone="01225 444555",
            website=website,
            email="hello@hollybank.example",
        ),
    )


def _purchase(
    session: Session, customer: str | None, reference: str = "", channel: str = "online"
) -> int:
    customer_id = create_customer(session, CustomerDetails(name=customer)).id if customer else None
    lines = [LineInput("Blue mug", 2, 1200), LineInput("Tea towel", 1, 800)]
    purchase = record_purchase(
        session, PurchaseInput(lines, customer_id, channel=channel, reference=reference)
    )
    return purchase.id


def test_the_branding_carries_the_profile_and_logo(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session)
        set_logo(session, PNG)
        branding = shop_branding(session)
    assert branding.name == "Hollybank Tea & Pottery"
    assert (branding.website, branding.phone) == ("hollybank.example", "01225 444555")
    assert branding.logo == PNG and branding.locale == "en_GB"


@pytest.mark.parametrize(
    ("name", "first"),
    [("Łukasz Ó'Brien", "Łukasz"), ("  Ελένη   Παπαδοπούλου", "Ελένη"), ("李雷", "李雷")],
)
def test_an_insert_greets_the_customer_by_first_name_and_lists_the_items(
    shop: ShopDatabase, name: str, first: str
) -> None:
    with shop.write() as session:
        _set_up(session)
        purchase_id = _purchase(session, name, reference="WEB-1001")
        insert = insert_for_purchase(session, purchase_id)
    assert insert.first_name == first
    assert insert.greeting == f"Dear {first},"
    assert insert.items == ["2 × Blue mug", "Tea towel"]
    assert insert.reference == "WEB-1001"
    assert "Hollybank Tea & Pottery" in insert.message
    assert insert.signature == "With love, Hollybank Tea & Pottery"
    assert insert.voucher is None and insert.qr_url is None
    assert "code" not in insert.message


def test_braces_and_markup_in_a_name_survive(shop: ShopDatabase) -> None:
    with shop.write() as session:
        purchase_id = _purchase(session, "{Zoë}} <b>Smith & Co</b>")
        insert = insert_for_purchase(session, purchase_id, template="short")
    assert insert.greeting == "Hi {Zoë}},"


def test_an_anonymous_purchase_gets_a_hello_and_a_voucher_for_the_bearer(
    shop: ShopDatabase,
) -> None:
    with shop.write() as session:
        _set_up(session)
        purchase_id = _purchase(session, None)
        insert = insert_for_purchase(session, purchase_id, with_voucher=THANKS)
    assert (insert.first_name, insert.greeting) == ("", "Hello,")
    assert insert.voucher is not None and insert.voucher.customer_name == ""
    assert insert.voucher.value == "10% off"
    assert insert.voucher.conditions == (
        "When you spend £15.00 or more, valid until 31 March 2099, one use only."
    )


def test_printing_an_insert_twice_issues_one_voucher(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session)
        purchase_id = _purchase(session, "Zoë Ó'Brien")
        first = insert_for_purchase(session, purchase_id, with_voucher=THANKS)
    with shop.write() as session:
        again = insert_for_purchase(session, purchase_id, with_voucher=THANKS, template="short")
    assert first.voucher is not None and again.voucher == first.voucher
    code = first.voucher.code
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert grouped in first.message and "10% off" in first.message
    assert "31 March 2099" in first.message
    with shop.read() as session:
        assert session.scalar(select(func.count(Voucher.id))) == 1
        voucher = find_voucher(session, code)
        assert voucher.purchase_id == purchase_id
        assert voucher.customer is not None and voucher.customer.name == "Zoë Ó'Brien"
        assert voucher.kind == "thank_you" and voucher.min_spend == 1500
        assert voucher_content(voucher).customer_name == "Zoë Ó'Brien"


def test_a_cancelled_voucher_is_not_printed_again_nor_replaced(shop: ShopDatabase) -> None:
    with shop.write() as session:
        purchase_id = _purchase(session, "Дмитрий")
        first = insert_for_purchase(session, purchase_id, with_voucher=THANKS)
        assert first.voucher is not None
        void_voucher(session, find_voucher(session, first.voucher.code).id, "Customer returned it")
    with shop.write() as session:
        again = insert_for_purchase(session, purchase_id, with_voucher=THANKS)
        assert again.voucher is None
        assert "code" not in again.message
        assert session.scalar(select(func.count(Voucher.id))) == 1


def test_a_voided_purchase_gets_no_insert(shop: ShopDatabase) -> None:
    with shop.write() as session:
        purchase_id = _purchase(session, "Zoë")
        void_purchase(session, purchase_id, "Rung up twice")
    with shop.write() as session, pytest.raises(InvalidInput, match="is void"):
        insert_for_purchase(session, purchase_id, with_voucher=THANKS)
    with shop.read() as session:
        assert session.scalar(select(func.count(Voucher.id))) == 0
    with shop.write() as session, pytest.raises(NotFound):
        insert_for_purchase(session, 999)


def test_the_qr_link_carries_the_reference_properly_encoded(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session, website="https://Hollybank.example/thanks?utm=card&ref=old#top")
        purchase_id = _purchase(session, "Zoë", reference="Etsy #12 & co/ß")
        insert = insert_for_purchase(session, purchase_id, qr="site")
    assert insert.qr_url == (
        "https://hollybank.example/thanks?utm=card&ref=Etsy%20%2312%20%26%20co%2F%C3%9F#top"
    )
    assert insert.qr_caption


@pytest.mark.parametrize(
    ("address", "link"),
    [
        ("hollybank.example", "https://hollybank.example/?ref=P-000042"),
        ("http://shop.example:8080/pots/", "http://shop.example:8080/pots/?ref=P-000042"),
        ("café.example/thé", "https://xn--caf-dma.example/th%C3%A9?ref=P-000042"),
        (
            "https://shop.example/already%20encoded",
            "https://shop.example/already%20encoded?ref=P-000042",
        ),
    ],
)
def test_web_addresses_become_full_links(address: str, link: str) -> None:
    assert link_with_reference(address, "P-000042") == link


@pytest.mark.parametrize(
    "address", ["not a web address", "shop.example/a b", "ftp://shop.example", "https://", ":::"]
)
def test_what_is_not_a_web_address_is_refused(address: str) -> None:
    with pytest.raises(InvalidInput, match="is not a web address"):
        link_with_reference(address, "P-1")


def test_no_website_no_qr_code_and_feedback_needs_its_address(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session, website="")
        purchase_id = _purchase(session, "Zoë")
        assert insert_for_purchase(session, purchase_id, qr="site").qr_url is None
        with pytest.raises(InvalidInput, match="feedback form"):
            insert_for_purchase(session, purchase_id, qr="feedback")
        save_insert_options(
            session, InsertOptions(qr="feedback", feedback_url="forms.example/hollybank")
        )
        insert = insert_for_purchase(session, purchase_id, qr="feedback")
    reference = insert.reference
    assert insert.qr_url == f"https://forms.example/hollybank?ref={reference}"
    assert insert.qr_caption == "Tell us how we did"


def test_insert_options_are_kept_and_checked(shop: ShopDatabase) -> None:
    with shop.write() as session:
        assert insert_options(session) == InsertOptions()
        saved = save_insert_options(
            session,
            InsertOptions(
                template="SHORT",
                layout="a4-4up",
                colour=False,
                voucher=True,
                voucher_percent=None,
                voucher_amount=500,
                voucher_min_spend=2000,
                voucher_validity_days=60,
                qr=None,
                signed_by="Anna ✿",
            ),
        )
    with shop.read() as session:
        assert insert_options(session) == saved
        assert saved.template == "short" and saved.signed_by == "Anna ✿"
    bad = [
        (InsertOptions(template="fancy"), NotFound, "no insert template called “fancy”"),
        (InsertOptions(layout=" "), InvalidInput, "Please enter the layout"),
        (InsertOptions(voucher_percent=0), InvalidInput, "between 1 and 100"),
        (InsertOptions(voucher_amount=300), InvalidInput, "either a percentage or an amount"),
        (InsertOptions(voucher_validity_days=0), InvalidInput, "validity"),
        (InsertOptions(qr="feedback"), InvalidInput, "feedback form's web address"),
        (InsertOptions(feedback_url="no spaces please"), InvalidInput, "not a web address"),
    ]
    for options, error, says in bad:
        with shop.write() as session, pytest.raises(error, match=says):
            save_insert_options(session, options)
    with shop.read() as session:
        assert insert_options(session) == saved


def test_a_batch_uses_the_options_and_marks_what_was_printed(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session)
        ids = [_purchase(session, name) for name in ("Zoë", "Ελένη", None)]
        save_insert_options(
            session, InsertOptions(voucher=True, voucher_validity_days=30, signed_by="Anna")
        )
        batch = prepare_inserts(session, ids, on=date(2026, 12, 10))
    assert [i.greeting for i in batch.inserts] == ["Dear Zoë,", "Dear Ελένη,", "Hello,"]
    assert all(i.signature == "With love, Anna" for i in batch.inserts)
    assert all(
        i.qr_url and i.qr_url.startswith("https://hollybank.example/?ref=P-") for i in batch.inserts
    )
    assert len(batch.voucher_ids) == 3
    assert {i.voucher.expires_on for i in batch.inserts if i.voucher} == {date(2027, 1, 9)}
    with shop.write() as session:
        seasonal = prepare_inserts(
            session,
            ids[:1],
            options=replace(insert_options(session), template="seasonal"),
            on=date(2026, 12, 10),
        )
        assert seasonal.inserts[0].greeting == "Merry Christmas, Zoë!"
        assert seasonal.voucher_ids == batch.voucher_ids[:1]
    when = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    with shop.write() as session:
        assert mark_inserts_printed(session, ids[:2], when) == 2
        assert mark_vouchers_printed(session, batch.voucher_ids, when) == 3
    with shop.read() as session:
        printed = {p.id: p.insert_printed_at for p in session.scalars(select(Purchase))}
        assert printed == {ids[0]: when, ids[1]: when, ids[2]: None}
        assert {v.printed_at for v in session.scalars(select(Voucher))} == {when}


def test_a_sample_insert_reads_like_a_real_one_and_issues_nothing(shop: ShopDatabase) -> None:
    options = InsertOptions(
        voucher=True,
        voucher_percent=None,
        voucher_amount=500,
        voucher_min_spend=2000,
        voucher_validity_days=30,
        signed_by="Anna & Łucja",
    )
    with shop.write() as session:
        _set_up(session)
        profile = get_profile(session)
        warm = get_template(session, "warm")
        sample = sample_insert(profile, options, warm, today=date(2026, 5, 3))
        real = prepare_inserts(session, [_purchase(session, "Zoë Ó'Brien")], options=options)
    (printed,) = real.inserts
    assert (sample.first_name, sample.greeting) == ("Zoë", "Dear Zoë,")
    assert sample.signature == printed.signature == "With love, Anna & Łucja"
    assert sample.items == ["Blue stoneware mug", "2 × Linen tea towel"]
    assert sample.voucher is not None and printed.voucher is not None
    assert sample.voucher.value == printed.voucher.value == "£5.00 off"
    assert sample.voucher.expires_on == date(2026, 6, 2)
    code = format_code(sample.voucher.code)
    assert f"£5.00 off your next order: just use the code {code} by 2 June 2026." in sample.message
    # Word for word the real insert, but for the made-up code and day.
    real_expiry = printed.voucher.expires_on
    assert real_expiry is not None
    assert sample.message == printed.message.replace(
        format_code(printed.voucher.code), code
    ).replace(f"{real_expiry.day} {real_expiry:%B %Y}", "2 June 2026")
    assert sample.qr_url == "https://hollybank.example/?ref=P-000123"
    assert sample.qr_caption == printed.qr_caption == "Come and see what's new"
    with shop.read() as session:
        # Only the real insert's voucher was issued.
        assert session.scalar(select(func.count(Voucher.id))) == 1


def test_a_sample_without_a_voucher_or_a_link_leaves_them_out(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _set_up(session, website="")
        profile = get_profile(session)
        short = get_template(session, "short")
    for qr in ("site", "feedback", None):
        sample = sample_insert(profile, InsertOptions(qr=qr), short)  # type: ignore[arg-type]
        assert sample.voucher is None and sample.qr_url is None and sample.qr_caption == ""
        assert sample.message == "Thank you for your order! We hope you love it."
    linked = sample_insert(
        profile, InsertOptions(qr="feedback", feedback_url="forms.example/hollybank"), short
    )
    assert linked.qr_url == "https://forms.example/hollybank?ref=P-000123"
    assert linked.qr_caption == "Tell us how we did"
