"""Recording feedback, the follow-up rules at their thresholds, notes and goodwill vouchers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.feedback import (
    FeedbackInput,
    FollowUpRefused,
    add_follow_up_note,
    follow_up_notes,
    follow_ups,
    issue_goodwill_voucher,
    record_feedback,
    set_follow_up_state,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.vouchers import VoucherTerms, find_voucher, void_voucher
from desktop.store.models_feedback import Feedback, FollowUp
from desktop.store.shopfile import ShopDatabase


@pytest.fixture
def sale(shop: ShopDatabase) -> dict[str, int]:
    """Zoë's purchase of a mug, and Дмитрий with no purchase."""
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails("Zoë Ó'Brien", email="zoe@example.com")).id
        dmitry = create_customer(session, CustomerDetails("Дмитрий")).id
        purchase = record_purchase(
            session, PurchaseInput([LineInput("Blue mug", 1, 1800)], zoe, reference="WEB-1")
        ).id
    return {"zoe": zoe, "dmitry": dmitry, "purchase": purchase}


def _record(shop: ShopDatabase, **details: object) -> int:
    with shop.write() as session:
        return record_feedback(session, FeedbackInput(**details)).id  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rating", "recommend", "followed_up"),
    [
        (2, None, True),
        (3, None, False),
        (None, 6, True),
        (None, 7, False),
        (1, None, True),
        (None, 0, True),
        (5, 6, True),  # either score low is enough
        (2, 10, True),
        (3, 7, False),
    ],
)
def test_low_scores_open_a_follow_up_at_the_thresholds(
    shop: ShopDatabase,
    sale: dict[str, int],
    rating: int | None,
    recommend: int | None,
    followed_up: bool,
) -> None:
    feedback = _record(shop, rating=rating, recommend=recommend, purchase_id=sale["purchase"])

    with shop.read() as session:
        rows = follow_ups(session)
    assert [row.feedback_id for row in rows] == ([feedback] if followed_up else [])


def test_feedback_about_a_purchase_belongs_to_its_customer(
    shop: ShopDatabase, sale: dict[str, int]
) -> None:
    when = datetime(2026, 5, 3, 14, 2, tzinfo=UTC)
    feedback = _record(
        shop,
        rating=5,
        comment="  Lovely mug, beautifully wrapped 🎁  ",
        channel="phone",
        received_at=when,
        purchase_id=sale["purchase"],
    )

    with shop.read() as session:
        stored = session.get_one(Feedback, feedback)
        assert (stored.customer_id, stored.rating, stored.recommend) == (sale["zoe"], 5, None)
        assert stored.comment == "Lovely mug, beautifully wrapped 🎁"
        assert (stored.channel, stored.received_at) == ("phone", when)


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({}, "rating", "Give a star rating, a recommend score, or both."),
        ({"rating": 0}, "rating", "The rating must be from 1 to 5 stars."),
        ({"rating": 6}, "rating", "The rating must be from 1 to 5 stars."),
        ({"recommend": 11}, "recommend", "The recommend score must be from 0 to 10."),
        ({"recommend": -1}, "recommend", "The recommend score must be from 0 to 10."),
        ({"rating": 4, "channel": "pigeon"}, "channel", "Unknown way feedback came in: “pigeon”."),
        (
            {"rating": 4, "received_at": datetime.now(UTC) + timedelta(days=3)},
            "received",
            "The feedback's date is in the future.",
        ),
    ],
)
def test_impossible_feedback_is_refused_naming_the_field(
    shop: ShopDatabase,
    sale: dict[str, int],
    details: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _record(shop, purchase_id=sale["purchase"], **details)

    assert (refused.value.field, str(refused.value)) == (field, message)
    with shop.read() as session:
        assert session.scalar(select(func.count(Feedback.id))) == 0


def test_feedback_must_be_about_someone_and_agree_with_its_purchase(
    shop: ShopDatabase, sale: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput) as nobody:
        _record(shop, rating=4)
    with pytest.raises(InvalidInput) as mismatch:
        _record(shop, rating=4, purchase_id=sale["purchase"], customer_id=sale["dmitry"])
    with pytest.raises(NotFound):
        _record(shop, rating=4, purchase_id=999)
    general = _record(shop, recommend=9, customer_id=sale["dmitry"])

    assert str(nobody.value) == "Choose the customer or the purchase the feedback is about."
    assert str(mismatch.value) == "Purchase WEB-1 was made by another customer."
    with shop.read() as session:
        assert session.get_one(Feedback, general).purchase_id is None


def test_a_follow_up_moves_through_its_states_with_notes_kept_in_order(
    shop: ShopDatabase, sale: dict[str, int]
) -> None:
    feedback = _record(
        shop, rating=1, comment="Arrived broken.", purchase_id=sale["purchase"], channel="email"
    )
    with shop.write() as session:
        add_follow_up_note(session, feedback, "Rang Zoë: she'd like a replacement.")
        set_follow_up_state(session, feedback, "contacted")
        add_follow_up_note(session, feedback, "Replacement posted.\nTracking sent by email.")
    with shop.read() as session:
        (row,) = follow_ups(session)
        notes = follow_up_notes(session, feedback)

    assert (row.state, row.customer_name, row.reference, row.notes) == (
        "contacted",
        "Zoë Ó'Brien",
        "WEB-1",
        2,
    )
    assert (row.email, row.comment, row.channel) == ("zoe@example.com", "Arrived broken.", "email")
    assert [note.text for note in notes] == [
        "Rang Zoë: she'd like a replacement.",
        "Replacement posted.\nTracking sent by email.",
    ]
    assert notes[0].written_at <= notes[1].written_at

    with shop.write() as session:
        set_follow_up_state(session, feedback, "resolved")
    with shop.read() as session:
        assert follow_ups(session) == []  # only open ones by default
        assert [r.state for r in follow_ups(session, "resolved")] == ["resolved"]
        assert [r.feedback_id for r in follow_ups(session, "all")] == [feedback]


def test_follow_up_mistakes_are_refused(shop: ShopDatabase, sale: dict[str, int]) -> None:
    happy = _record(shop, rating=5, purchase_id=sale["purchase"])
    unhappy = _record(shop, rating=2, purchase_id=sale["purchase"])
    with shop.write() as session:
        with pytest.raises(NotFound) as no_follow_up:
            add_follow_up_note(session, happy, "Nothing to follow up")
        with pytest.raises(InvalidInput) as empty:
            add_follow_up_note(session, unhappy, "   ")
        with pytest.raises(InvalidInput) as state:
            set_follow_up_state(session, unhappy, "forgotten")  # type: ignore[arg-type]

    assert "only low scores are followed up" in str(no_follow_up.value)
    assert str(empty.value) == "Please write the note."
    assert str(state.value) == "Unknown follow-up state “forgotten”."


def test_a_goodwill_voucher_is_issued_once_and_recorded_on_the_follow_up(
    shop: ShopDatabase, sale: dict[str, int]
) -> None:
    feedback = _record(shop, recommend=3, purchase_id=sale["purchase"])
    with shop.write() as session:
        voucher = issue_goodwill_voucher(
            session, feedback, VoucherTerms(kind="thank_you", amount=500, terms="Any purchase")
        )
        code = voucher.code
        with pytest.raises(FollowUpRefused) as twice:
            issue_goodwill_voucher(session, feedback, VoucherTerms(kind="goodwill", percent=10))
    with shop.read() as session:
        found = find_voucher(session, code)
        assert (found.kind, found.amount, found.customer_id) == ("goodwill", 500, sale["zoe"])
        assert found.reason.startswith("Goodwill after feedback of")
        (row,) = follow_ups(session)
        notes = [note.text for note in follow_up_notes(session, feedback)]

    assert row.voucher_code == code
    assert notes == [f"Goodwill voucher {code} issued."]
    assert str(twice.value) == f"A goodwill voucher ({code}) was already given for this feedback."

    with shop.write() as session:
        void_voucher(session, found.id, "Wrong amount")
        again = issue_goodwill_voucher(session, feedback, VoucherTerms("goodwill", percent=15))
        assert session.get_one(FollowUp, feedback).voucher_id == again.id
