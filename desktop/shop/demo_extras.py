"""What the sample shop does beyond customers and purchases, so every page has something to
show: care guides, thank-you and welcome-back vouchers, a loyalty programme with members,
feedback and follow-ups, saved segments and a past campaign, and parcels to pack today.

Made through the shop's own functions where they take a past date, and otherwise written as
they write it (see demo_vouchers, demo_loyalty, demo_feedback), so every invariant holds.
Everything depends only on the seed and the day the history ends; counts are capped so a
100,000-customer shop stays quick to build.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.shop.demo_feedback import feedback
from desktop.shop.demo_guides import add_guides
from desktop.shop.demo_loyalty import loyalty
from desktop.shop.demo_vouchers import Codes, past_campaign, thank_you_vouchers
from desktop.shop.insert_options import insert_options, save_insert_options
from desktop.shop.parcels import local_day_bounds
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.models import Customer, Product
from desktop.store.models_loyalty import LoyaltyEntry

FEEDBACK_FORM = "hollybank.example/feedback"
GIFT_NOTE = "Gift: please leave the price off."
ORDERS_BETWEEN = (0.5, 8.0)  # hours after local midnight: overnight and early orders


@dataclass(frozen=True)
class Extras:
    """What the extras added, for the build's summary."""

    guides: int
    vouchers: int  # thank-you vouchers issued from inserts
    members: int
    feedback: int
    contacted: int  # by the past campaign
    won_back_purchases: int
    parcels: int  # to pack today

    @property
    def purchases(self) -> int:
        """Purchases the extras recorded: the returners' and today's parcels."""
        return self.won_back_purchases + self.parcels


def add_extras(session: Session, seed: int, today: date) -> Extras:
    """Fill the sample shop's other capabilities, in the caller's transaction, after its
    customers and purchases (which end at the start of `today`, UTC)."""
    rng = random.Random(f"aftercare-demo-extras:{seed}")
    codes = Codes(rng)
    end = datetime.combine(today, time(), tzinfo=UTC)
    save_insert_options(
        session, replace(insert_options(session), voucher=True, feedback_url=FEEDBACK_FORM)
    )
    guides = add_guides(session, end - timedelta(days=300))
    vouchers = thank_you_vouchers(session, rng, codes, end)
    contacted, returned = past_campaign(session, rng, codes, today, end)
    members = loyalty(session, rng, codes, end)
    said = feedback(session, rng, codes, end)
    parcels = todays_parcels(session, rng, today)
    return Extras(guides, vouchers, members, said, contacted, returned, parcels)


def todays_parcels(session: Session, rng: random.Random, today: date) -> int:
    """A few online orders placed overnight and early this morning (local time), their inserts
    not printed yet, recorded by the till's own path (members earn their points). Fixed hours,
    not "before now": the same seed on the same day gives the same shop."""
    start, _ = local_day_bounds(today)
    addressed = list(
        session.scalars(
            select(Customer.id)
            .where(Customer.address_line1 != "", Customer.email.is_not(None))
            .order_by(Customer.id)
        )
    )
    products = session.execute(select(Product.id, Product.unit_price).order_by(Product.id)).all()
    count = min(rng.randint(3, 6), len(addressed))
    moments = sorted(rng.uniform(*ORDERS_BETWEEN) for _ in range(count))
    for customer_id, hours in zip(rng.sample(addressed, count), moments, strict=True):
        basket = rng.sample(products, rng.randint(1, 3))
        when = start + timedelta(hours=hours)
        purchase = record_purchase(
            session,
            PurchaseInput(
                lines=[
                    LineInput("", rng.choice((1, 1, 1, 2)), price, product_id)
                    for product_id, price in basket
                ],
                customer_id=customer_id,
                channel="online",
                purchased_at=when,
                note=GIFT_NOTE if rng.random() < 0.2 else "",
            ),
        )
        # As rung up, not as built: the same seed makes the same rows.
        purchase.created_at = when
        session.execute(
            update(LoyaltyEntry)
            .where(LoyaltyEntry.purchase_id == purchase.id)
            .values(created_at=when)
        )
    return count
