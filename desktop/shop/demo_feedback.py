"""The sample shop's feedback: stars and recommend scores on a share of last year's purchases,
mostly happy, with comments that read like customers wrote them; low ones open follow-ups
(`needs_follow_up`), the older ones contacted or resolved with notes and now and then a
goodwill voucher."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.shop.demo_vouchers import VALIDITY_DAYS, Codes, Ledger, add_rows
from desktop.shop.feedback import needs_follow_up
from desktop.shop.settings import get_profile
from desktop.store.models import Customer, Purchase, PurchaseLine
from desktop.store.models_feedback import Feedback, FollowUp, FollowUpNote

SHARE = 0.08
_WEIGHT = re.compile(r"\s+\d+\s*(?:g|cm)\b.*$")
CAP = 3_000
STATES = ("new", "contacted", "resolved")
HAPPY = (
    "The {item} is lovely, thank you!",
    "Beautifully wrapped and arrived the next day.",
    "Always a pleasure to come in: the staff know their tea.",
    "The {item} was even better than last time.",
    "Lovely shop, kind people. I'll be back.",
    "Bought the {item} as a gift and it went down a treat.",
    "Thank you for the little note in the parcel 🌿",
    "",
    "",
)
MIDDLING = (
    "The {item} is nice, a bit pricey though.",
    "Good, but the parcel took a week to come.",
    "Fine. Would like more decaf choices.",
    "",
)
UNHAPPY = (
    "The {item} arrived chipped.",
    "Waited ten days for my parcel and nobody answered my email.",
    "The {item} tasted stale, not what I expected from you.",
    "Was charged twice for the {item}.",
    "The box was crushed and the {item} broken.",
)
NOTES = (
    "Rang {name}: very apologetic, offered a replacement.",
    "Emailed {name} to say sorry and explain the courier delay.",
    "Spoke to {name} in the shop, refunded the difference.",
    "Left a voicemail for {name}; will try again Thursday.",
)
CLOSING = (
    "Replacement sent, {name} happy now.",
    "{name} came back in and is happy: closed.",
    "Refund confirmed by the bank.",
)


def feedback(session: Session, rng: random.Random, codes: Codes, end: datetime) -> int:
    """Feedback on a share of last year's purchases with a customer; returns how many."""
    found = session.execute(
        select(
            Purchase.id,
            type_coerce(Purchase.customer_id, Integer),  # filtered: never NULL
            Purchase.channel,
            Purchase.purchased_at,
        )
        .where(
            Purchase.customer_id.is_not(None),
            Purchase.voided_at.is_(None),
            Purchase.purchased_at >= end - timedelta(days=365),
            Purchase.purchased_at < end - timedelta(days=1),
        )
        .order_by(Purchase.id)
    ).all()
    share = min(SHARE, CAP / max(len(found), 1))
    chosen = [row for row in found if rng.random() < share]
    items = _first_items(session, [row.id for row in chosen])
    names = _first_names(session, sorted({row.customer_id for row in chosen}))
    next_id = int(session.scalar(select(func.max(Feedback.id))) or 0) + 1
    rows: list[dict[str, object]] = []
    low: list[tuple[datetime, int, int]] = []  # (received, feedback, customer)
    for feedback_id, (purchase_id, customer_id, channel, bought) in enumerate(chosen, next_id):
        rating, recommend, pool = _scores(rng)
        received = min(bought + timedelta(days=rng.uniform(0.2, 12)), end - timedelta(hours=1))
        comment = rng.choice(pool).format(item=items.get(purchase_id, "order"))
        rows.append(
            {
                "id": feedback_id,
                "purchase_id": purchase_id,
                "customer_id": customer_id,
                "rating": rating,
                "recommend": recommend,
                "comment": comment,
                "channel": _channel(rng, channel),
                "received_at": received,
                "recorded_at": received,
            }
        )
        if needs_follow_up(rating, recommend):
            low.append((received, feedback_id, customer_id))
    add_rows(session, Feedback, rows)
    _follow_ups(session, rng, codes, low, names, end)
    return len(rows)


def _follow_ups(
    session: Session,
    rng: random.Random,
    codes: Codes,
    low: list[tuple[datetime, int, int]],
    names: dict[int, str],
    end: datetime,
) -> None:
    """A follow-up for each low score: the latest few still to do (the Today page's figure),
    older ones mostly dealt with, with notes, and now and then a goodwill voucher."""
    follow_ups: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    vouchers, currency = Ledger.start(session), get_profile(session).currency
    for rank, (received, feedback_id, customer_id) in enumerate(sorted(low, reverse=True)):
        age = (end - received).days
        weights = (0, 1, 2 + age // 15) if age > 30 else (1, 2, 2)
        state = "new" if rank < 2 else "contacted" if rank < 3 else rng.choices(STATES, weights)[0]
        changed = received + timedelta(days=rng.uniform(0.1, max(0.2, min(4, age))))
        name = names[customer_id]
        follow_up = {"feedback_id": feedback_id, "state": state, "opened_at": received}
        follow_up |= {"changed_at": changed if state != "new" else received, "voucher_id": None}
        if state != "new":
            notes.append(_note(feedback_id, rng.choice(NOTES), name, changed))
        if state == "resolved":
            if rng.random() < 0.3:
                follow_up["voucher_id"] = vouchers.issue(
                    codes,
                    currency,
                    kind="goodwill",
                    amount=500,
                    expires_on=changed.date() + timedelta(days=VALIDITY_DAYS),
                    reason="With our apologies",
                    customer_id=customer_id,
                    issued_at=changed,
                )
            notes.append(_note(feedback_id, rng.choice(CLOSING), name, changed))
        follow_ups.append(follow_up)
    vouchers.write(session)
    add_rows(
        session, FollowUp, sorted(follow_ups, key=lambda row: str(row["feedback_id"]).zfill(12))
    )
    add_rows(session, FollowUpNote, notes)


def _scores(rng: random.Random) -> tuple[int | None, int | None, tuple[str, ...]]:
    """Stars and recommend score (now and then only one of them), and the comments to fit."""
    pool: tuple[str, ...]
    mood = rng.random()
    if mood < 0.72:
        rating, recommend, pool = rng.choice((4, 5, 5)), rng.choice((8, 9, 10, 10)), HAPPY
    elif mood < 0.9:
        rating, recommend, pool = rng.choice((3, 4)), rng.choice((7, 8)), MIDDLING
    else:
        rating, recommend, pool = rng.choice((1, 2, 2)), rng.randint(0, 6), UNHAPPY
    shown = rng.random()
    return (None if shown < 0.08 else rating), (None if shown > 0.9 else recommend), pool


def _channel(rng: random.Random, purchase_channel: str) -> str:
    if purchase_channel == "in_shop":
        return "in_person" if rng.random() < 0.6 else "online_form"
    return rng.choice(("online_form", "online_form", "email", "phone"))


def _note(feedback_id: int, text: str, name: str, when: datetime) -> dict[str, object]:
    return {"feedback_id": feedback_id, "text": text.format(name=name), "written_at": when}


def _first_items(session: Session, purchase_ids: list[int]) -> dict[int, str]:
    """What the first line of each purchase was, as a customer would name it ("Sencha")."""
    found: dict[int, str] = {}
    for at in range(0, len(purchase_ids), 500):
        for purchase_id, description in session.execute(
            select(PurchaseLine.purchase_id, PurchaseLine.description).where(
                PurchaseLine.purchase_id.in_(purchase_ids[at : at + 500]),
                PurchaseLine.position == 1,
            )
        ):
            found[purchase_id] = _WEIGHT.sub("", description.split(",")[0].split(" – ")[0])
    return found


def _first_names(session: Session, customer_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for at in range(0, len(customer_ids), 500):
        for customer_id, name in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids[at : at + 500]))
        ):
            found[customer_id] = name
    return found
