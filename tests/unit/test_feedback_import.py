"""Importing an online form's CSV export: matched, unmatched and malformed rows, all or nothing,
and never twice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import follow_ups
from desktop.shop.feedback_import import (
    ColumnMapping,
    apply_import,
    decode_csv,
    detect_mapping,
    preview_import,
    strip_safe_prefix,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models import Customer
from desktop.store.models_feedback import Feedback
from desktop.store.shopfile import ShopDatabase

HEADERS = [
    "Timestamp",
    "Your order reference",
    "Email address",
    "How many stars would you give your order?",
    "How likely are you to recommend us to a friend? (0-10)",
    "Anything else you'd like to tell us?",
]


def _csv(*rows: list[str], headers: list[str] = HEADERS, bom: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


@pytest.fixture
def people(shop: ShopDatabase) -> dict[str, int]:
    """Zoë with purchase P-000001, Дмитрий with P-000002, and two customers sharing an email."""
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails("Zoë Ó'Brien", email="Zoe@Example.com")).id
        dmitry = create_customer(session, CustomerDetails("Дмитрий", email="dmitry@example.com")).id
        for name in ("Ελένη", "李雷"):
            create_customer(session, CustomerDetails(name, email="family@example.com"))
        mug = [LineInput("Blue mug", 1, 1800)]
        first = record_purchase(session, PurchaseInput(mug, zoe)).id
        second = record_purchase(session, PurchaseInput(mug, dmitry)).id
    return {"zoe": zoe, "dmitry": dmitry, "first": first, "second": second}


FORM = _csv(
    ["2026/05/01 10:00:00 AM GMT+1", "P-000001", "", "4", "9", "Lovely mug 🎁"],
    ["2026/05/02 2:30:00 PM GMT+1", "", "zoe@example.com", "2", "", "'=Arrived chipped"],
    ["2026/05/03 09:00:00 AM GMT+1", "2", "", "", "10", "'Twas perfect"],
    ["2026/05/04 09:00:00 AM GMT+1", "P-999999", "nobody@example.com", "5", "", ""],
    ["2026/05/05 09:00:00 AM GMT+1", "", "family@example.com", "5", "", ""],
    ["2026/05/06 09:00:00 AM GMT+1", "P-000001", "", "abc", "", ""],
    ["2026/05/07 09:00:00 AM GMT+1", "P-000001", "", "", "11", ""],
    ["yesterday-ish", "P-000001", "", "3", "", ""],
    ["2026/05/09 09:00:00 AM GMT+1", "P-000001", "", "", "", "No scores at all"],
)


def test_the_preview_sorts_rows_into_matched_unmatched_and_malformed(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    with shop.read() as session:
        preview = preview_import(session, FORM)

    matched = [(r.line, r.purchase_id, r.customer_id, r.matched_by) for r in preview.matched]
    assert matched == [
        (2, people["first"], people["zoe"], "reference"),
        (3, None, people["zoe"], "email"),  # the address matches whatever its case
        (4, people["second"], people["dmitry"], "reference"),  # "2" is P-000002
    ]
    first = preview.matched[0]
    assert first.received_at == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert (first.rating, first.recommend, first.comment) == (4, 9, "Lovely mug 🎁")
    assert preview.matched[1].comment == "=Arrived chipped"  # the safe export's ' is gone
    assert preview.matched[2].comment == "'Twas perfect"  # a real apostrophe is kept
    assert [(r.line, r.reason) for r in preview.unmatched] == [
        (5, "no purchase has the reference P-999999; no customer has the email nobody@example.com"),
        (6, "more than one customer has the email family@example.com"),
    ]
    assert [r.message for r in preview.malformed] == [
        "line 7, rating: “abc” is not a number from 1 to 5",
        "line 8, recommend: “11” is not a number from 0 to 10",
        "line 9, timestamp: “yesterday-ish” is not a date and time",
        "line 10, rating: neither a star rating nor a recommend score was given",
    ]
    with shop.read() as session:
        assert session.scalar(select(func.count(Feedback.id))) == 0  # a preview writes nothing


def test_applying_writes_every_matched_row_once(shop: ShopDatabase, people: dict[str, int]) -> None:
    with shop.write() as session:
        result = apply_import(session, preview_import(session, FORM))
    with shop.write() as session:
        again = preview_import(session, FORM)
        second = apply_import(session, again)
    with shop.read() as session:
        stored = session.scalars(select(Feedback).order_by(Feedback.received_at)).all()
        low = follow_ups(session)

    assert (result.added, result.skipped) == (3, 0)
    assert [(f.rating, f.recommend, f.channel) for f in stored] == [
        (4, 9, "online_form"),
        (2, None, "online_form"),
        (None, 10, "online_form"),
    ]
    assert [row.comment for row in low] == ["=Arrived chipped"]  # 2 stars: followed up
    assert again.matched == [] and again.already_imported == [2, 3, 4]
    assert (second.added, second.skipped) == (0, 0)


def test_nothing_is_half_imported(shop: ShopDatabase, people: dict[str, int]) -> None:
    with shop.read() as session:
        preview = preview_import(session, FORM)
    with shop.write() as session:  # Дмитрий is erased after the preview was shown
        session.execute(delete(Customer).where(Customer.id == people["dmitry"]))
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        apply_import(session, preview)

    assert str(refused.value).startswith("Line 4: There is no customer number")
    assert str(refused.value).endswith("Nothing was imported.")
    with shop.read() as session:
        assert session.scalar(select(func.count(Feedback.id))) == 0


def test_the_same_response_twice_in_one_file_is_imported_once(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    row = ["2026/05/01 10:00:00", "P-000001", "", "5", "", ""]
    with shop.read() as session:
        preview = preview_import(session, _csv(row, row, bom=False))

    assert [r.line for r in preview.matched] == [2]
    assert preview.already_imported == [3]


def test_line_numbers_count_lines_of_the_file(shop: ShopDatabase, people: dict[str, int]) -> None:
    text = _csv(
        ["2026/05/01 10:00:00", "P-000001", "", "4", "", "First line\nsecond line\nthird"],
        [],
        ["2026/05/02 10:00:00", "P-000001", "", "six", "", ""],
    )
    with shop.read() as session:
        preview = preview_import(session, text)

    assert preview.matched[0].comment == "First line\nsecond line\nthird"
    assert [r.message for r in preview.malformed] == [
        "line 6, rating: “six” is not a number from 1 to 5"
    ]


@pytest.mark.parametrize(
    ("typed", "rating"), [("5", 5), (" 4 stars ", 4), ("3/5", 3), ("★★", 2), ("1.0", 1)]
)
def test_star_ratings_as_forms_write_them(
    shop: ShopDatabase, people: dict[str, int], typed: str, rating: int
) -> None:
    with shop.read() as session:
        preview = preview_import(session, _csv(["2026/05/01 10:00", "P-000001", "", typed, "", ""]))

    assert [r.rating for r in preview.matched] == [rating]


def test_dates_follow_the_shops_locale(shop: ShopDatabase, people: dict[str, int]) -> None:
    row = ["04/05/2026 10:00:00", "P-000001", "", "5", "", ""]
    with shop.read() as session:
        british = preview_import(session, _csv(row)).matched[0].received_at.astimezone()
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Maple & Mug", locale="en_US", currency="USD"))
    with shop.read() as session:
        american = preview_import(session, _csv(row)).matched[0].received_at.astimezone()
        future = datetime.now(UTC) + timedelta(days=40)
        ahead = _csv([f"{future:%m/%d/%Y} 10:00:00", "P-000001", "", "5", "", ""])
        (problem,) = preview_import(session, ahead).malformed

    assert (british.day, british.month) == (4, 5)
    assert (american.day, american.month) == (5, 4)
    assert problem.field == "timestamp"
    assert "is in the future (dates are read month first)" in problem.problem


def test_columns_are_found_by_their_words_or_chosen(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    odd = ["When", "Q1", "Q2", "Q3"]
    text = _csv(["2026/05/01 10:00:00", "zoe@example.com", "5", "Great"], headers=odd)
    mapping = ColumnMapping(timestamp="When", email="Q1", rating="Q2", comment="Q3")
    with shop.read() as session:
        with pytest.raises(InvalidInput) as unknown:
            preview_import(session, text)
        chosen = preview_import(session, text, mapping)
        with pytest.raises(InvalidInput) as missing:
            preview_import(session, text, ColumnMapping(email="Q1", rating="Stars"))
        with pytest.raises(InvalidInput) as unmatchable:
            preview_import(session, text, ColumnMapping(rating="Q2"))

    assert detect_mapping(HEADERS) == ColumnMapping(*HEADERS)
    assert unknown.value.field == "mapping"
    assert "No column for a star rating or a recommend score" in str(unknown.value)
    assert [(r.customer_id, r.rating, r.comment) for r in chosen.matched] == [
        (people["zoe"], 5, "Great")
    ]
    assert str(missing.value) == "The file has no column “Stars”."
    assert "No column for the order reference or the email address" in str(unmatchable.value)


def test_semicolons_and_files_without_a_bom(shop: ShopDatabase, people: dict[str, int]) -> None:
    text = "Timestamp;Order;Rating\n2026-05-01T10:00:00Z;P-000001;5\n"
    with shop.read() as session:
        preview = preview_import(session, text)

    assert [r.purchase_id for r in preview.matched] == [people["first"]]


def test_the_file_must_be_utf8_text() -> None:
    assert decode_csv("\ufeffTimestamp,Stars\n".encode()) == "Timestamp,Stars\n"
    with pytest.raises(InvalidInput) as refused:
        decode_csv("Zoë;5".encode("cp1252"))

    assert "not UTF-8" in str(refused.value)


@pytest.mark.parametrize(
    ("cell", "kept"),
    [("'=SUM(A1)", "=SUM(A1)"), ("'+44 7700", "+44 7700"), ("'@home", "@home"), ("'Twas", "'Twas")],
)
def test_a_safe_exports_apostrophe_comes_off_once(cell: str, kept: str) -> None:
    assert strip_safe_prefix(cell) == kept


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_any_text_gives_a_preview_or_a_clear_message(shop: ShopDatabase, text: str) -> None:
    with shop.read() as session:
        try:
            preview_import(session, text)
        except InvalidInput as refused:
            assert str(refused)


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["P-000001", "2", "zoe@example.com", "5", "11", "★★★", "4/5", "'=x"]),
    st.sampled_from(["2026/05/01 10:00:00 AM GMT+1", "01/05/2026", "2026-05-01T10:00:00Z"]),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, max_size=8), max_size=12))
def test_any_rows_under_a_form_header_never_crash_the_preview(
    shop: ShopDatabase, people: dict[str, int], rows: list[list[str]]
) -> None:
    with shop.read() as session:
        preview = preview_import(session, _csv(*rows))

    counted = (
        len(preview.matched)
        + len(preview.unmatched)
        + len(preview.malformed)
        + len(preview.already_imported)
    )
    assert counted == sum(1 for row in rows if any(cell.strip() for cell in row))


def test_an_address_that_is_no_email_is_not_matched(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    text = _csv(["2026/05/01 10:00", "", "zoe at example.com", "5", "", ""])
    with shop.read() as session:
        preview = preview_import(session, text)

    assert [r.reason for r in preview.unmatched] == ["“zoe at example.com” is not an email address"]
