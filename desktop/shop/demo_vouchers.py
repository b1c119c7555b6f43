"""The sample shop's vouchers: thank-you vouchers from past parcel inserts, some used on a later
purchase, some left to expire; and a past win-back campaign whose welcome-back vouchers brought a
few customers back.

The shop's own issuing and redeeming check against the real clock (an expiry already past is
refused), so the history is written here as those functions write it: the same rows, the same
discount rule (`discount_for`), the purchase's total and discount moved together. Customers'
spend is brought up to date once at the end (`refresh_spent`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, func, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from desktop.shop.campaign_offers import Offer
from desktop.shop.campaigns import WIN_BACK, CampaignPlan, Template, audience, create_campaign
from desktop.shop.codes import ALPHABET, check_character
from desktop.shop.parcels import PARCEL_CHANNELS
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.segments import save_segment
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import CODE_LENGTH, discount_for
from desktop.store.models import (
    Base,
    Customer,
    Product,
    Purchase,
    UTCDateTime,
    Voucher,
    VoucherRedemption,
)
from desktop.store.models_campaigns import Contact

THANK_YOU_DAYS = 365  # how far back thank-you vouchers go: the Today chart's year
THANK_YOU_CAP = 1_200
THANK_YOU_PERCENT = 10
VALIDITY_DAYS = 90
REDEEMED_SHARE = 0.5  # of the thank-you vouchers whose owner came back in time
CAMPAIGN_DAYS_AGO = 45
CAMPAIGN_CAP = 300
WON_BACK_SHARE = 0.1
# Never NULL where it is read (filtered), so typed as a plain number.
_CUSTOMER = type_coerce(Purchase.customer_id, Integer)
LATE_SEGMENT = "Not seen lately (own rhythm)"
BEST = {"kind": "best_customers", "top": 100}
CAMPAIGN_TEMPLATE = Template(
    subject="It's been a while, {first_name}",
    text="Hello {first_name},\n\nThe new season's teas are in and the kettle is on. Here is "
    "{voucher_value} your next visit: show code {voucher_code} at the counter or use it "
    "online (valid until {voucher_expiry}).\n\nWarm wishes,\n{shop_name}",
)


class Codes:
    """Voucher and card codes as the shop makes them (Crockford base 32, a check character,
    unique), drawn from the sample's seeded generator so the same seed gives the same shop."""

    def __init__(self, rng: random.Random, taken: Iterable[str] = ()) -> None:
        self.rng = rng
        self.taken = set(taken)

    def new(self, length: int = CODE_LENGTH) -> str:
        while True:
            body = "".join(self.rng.choice(ALPHABET) for _ in range(length - 1))
            code = body + check_character(body)
            if code not in self.taken:
                self.taken.add(code)
                return code


@dataclass
class Ledger:
    """Vouchers and redemptions to write, with ids given up front so entries can point at them."""

    next_id: int
    vouchers: list[dict[str, object]] = field(default_factory=list)
    redemptions: list[dict[str, object]] = field(default_factory=list)
    paid: dict[int, tuple[int, int]] = field(default_factory=dict)  # purchase: (total, discount)
    customers: set[int] = field(default_factory=set)  # whose spend changed

    @classmethod
    def start(cls, session: Session) -> Ledger:
        return cls(int(session.scalar(select(func.max(Voucher.id))) or 0) + 1)

    def issue(self, codes: Codes, currency: str, **values: object) -> int:
        voucher_id, self.next_id = self.next_id, self.next_id + 1
        self.vouchers.append(
            {"id": voucher_id, "code": codes.new(), "currency": currency, "min_spend": 0}
            | {"percent": None, "amount": None, "terms": "", "printed_at": None}
            | {"purchase_id": None}
            | values
        )
        return voucher_id

    def redeem(
        self,
        voucher_id: int,
        purchase: tuple[int, int, int, int],  # id, customer, total paid and discount so far
        when: datetime,
        *,
        percent: int | None = None,
        amount: int | None = None,
    ) -> int:
        """Use the voucher on the purchase as `redeem_voucher` does; returns the discount."""
        purchase_id, customer_id, total, discount_before = purchase
        total, discount_before = self.paid.get(purchase_id, (total, discount_before))
        discount = discount_for(Voucher(percent=percent, amount=amount), total)
        self.redemptions.append(
            {
                "voucher_id": voucher_id,
                "purchase_id": purchase_id,
                "discount": discount,
                "redeemed_at": when,
            }
        )
        self.paid[purchase_id] = (total - discount, discount_before + discount)
        self.customers.add(customer_id)
        return discount

    def write(self, session: Session) -> None:
        add_rows(session, Voucher, self.vouchers)
        add_rows(session, VoucherRedemption, self.redemptions)
        if self.paid:
            session.execute(
                update(Purchase),
                [{"id": p, "total": t, "discount": d} for p, (t, d) in self.paid.items()],
            )
        refresh_spent(session, self.customers)
        self.vouchers, self.redemptions, self.paid, self.customers = [], [], {}, set()


def add_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, object]]) -> None:
    """Plain rows in one executemany (the ORM's bulk path costs seconds on a big sample); every
    row names the same columns."""
    if rows:
        session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]


def refresh_spent(session: Session, customer_ids: Iterable[int]) -> None:
    """Each customer's total spent from their live purchases, as `refresh_customer_totals`
    computes it (a voucher changes what was paid, never when they came)."""
    ids = sorted(customer_ids)
    spent = (
        select(func.coalesce(func.sum(Purchase.total), 0))
        .where(Purchase.customer_id == Customer.id, Purchase.voided_at.is_(None))
        .scalar_subquery()
    )
    for at in range(0, len(ids), 500):
        session.execute(
            update(Customer)
            .where(Customer.id.in_(ids[at : at + 500]))
            .values(total_spent=spent)
            .execution_options(synchronize_session=False)
        )


def thank_you_vouchers(session: Session, rng: random.Random, codes: Codes, end: datetime) -> int:
    """A 10% thank-you voucher in a share of the recent parcels, printed with their insert;
    about half of those whose owner came back in time were used. Returns how many issued."""
    currency = get_profile(session).currency
    parcels = session.execute(
        select(Purchase.id, _CUSTOMER, type_coerce(Purchase.insert_printed_at, UTCDateTime))
        .where(
            Purchase.channel.in_(PARCEL_CHANNELS),
            Purchase.customer_id.is_not(None),
            Purchase.voided_at.is_(None),
            Purchase.insert_printed_at.is_not(None),
            Purchase.purchased_at >= end - timedelta(days=THANK_YOU_DAYS),
        )
        .order_by(Purchase.id)
    ).all()
    share = min(0.4, THANK_YOU_CAP / max(len(parcels), 1))
    chosen = [row for row in parcels if rng.random() < share]
    later: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    owners = sorted({row.customer_id for row in chosen})
    for at in range(0, len(owners), 500):
        for customer_id, when, purchase_id, total in session.execute(
            select(_CUSTOMER, Purchase.purchased_at, Purchase.id, Purchase.total)
            .where(
                Purchase.customer_id.in_(owners[at : at + 500]),
                Purchase.voided_at.is_(None),
                Purchase.purchased_at >= end - timedelta(days=THANK_YOU_DAYS),
            )
            .order_by(Purchase.purchased_at, Purchase.id)
        ):
            later[customer_id].append((when, purchase_id, total))
    ledger, used = Ledger.start(session), set()
    for purchase_id, customer_id, printed in chosen:
        expires = printed.date() + timedelta(days=VALIDITY_DAYS)
        voucher_id = ledger.issue(
            codes,
            currency,
            kind="thank_you",
            percent=THANK_YOU_PERCENT,
            expires_on=expires,
            reason="Thank-you insert",
            customer_id=customer_id,
            purchase_id=purchase_id,
            issued_at=printed,
            printed_at=printed,
        )
        back = next(
            (
                (when, number, total)
                for when, number, total in later[customer_id]
                if when > printed and when.date() <= expires and number not in used
            ),
            None,
        )
        if back is not None and rng.random() < REDEEMED_SHARE:
            when, number, total = back
            used.add(number)
            ledger.redeem(
                voucher_id, (number, customer_id, total, 0), when, percent=THANK_YOU_PERCENT
            )
    ledger.write(session)
    return len(chosen)


def past_campaign(
    session: Session, rng: random.Random, codes: Codes, today: date, end: datetime
) -> tuple[int, int]:
    """The saved "not seen lately" segment, and a win-back email sent from it some weeks ago
    with a 15% welcome-back voucher each; a few customers came back and used theirs.
    Returns (customers contacted, customers won back)."""
    definition = {"kind": "not_seen_lately", "rule": "rhythm"}
    day = today - timedelta(days=CAMPAIGN_DAYS_AGO)
    sent = end - timedelta(days=CAMPAIGN_DAYS_AGO) + timedelta(hours=9, minutes=30)
    for name, saved in ((LATE_SEGMENT, definition), ("Best customers", BEST)):
        save_segment(session, name, saved).created_at = sent - timedelta(days=1)
    offer = Offer(percent=15, days=60)
    campaign = create_campaign(
        session,
        CampaignPlan(
            name="We miss you: new season teas",
            definition=definition,
            segment_name=LATE_SEGMENT,
            template=CAMPAIGN_TEMPLATE,
            offer=offer,
        ),
    )
    campaign.created_at = sent - timedelta(minutes=20)
    found = audience(session, definition, "email", purpose=WIN_BACK, today=day).customer_ids
    reached = sorted(rng.sample(found, min(CAMPAIGN_CAP, len(found))))
    currency = get_profile(session).currency
    ledger, vouchers = Ledger.start(session), {}
    for customer_id in reached:
        vouchers[customer_id] = ledger.issue(
            codes,
            currency,
            kind="welcome_back",
            percent=offer.percent,
            expires_on=day + timedelta(days=offer.days),
            reason=f"Campaign: {campaign.name}",
            customer_id=customer_id,
            issued_at=sent,
        )
    ledger.write(session)
    contacts = [
        {
            "customer_id": customer_id,
            "campaign_id": campaign.id,
            "voucher_id": vouchers[customer_id],
            "channel": "email",
            "purpose": campaign.purpose,
            "outcome": "sent",
            "created_at": sent - timedelta(minutes=5),
            "sent_at": sent + timedelta(seconds=index // 2),
        }
        for index, customer_id in enumerate(reached)
    ]
    add_rows(session, Contact, contacts)
    returners = [c for c in reached if rng.random() < WON_BACK_SHARE] or reached[:3]
    products = session.execute(select(Product.id, Product.unit_price).order_by(Product.id)).all()
    for customer_id in returners:
        when = sent + timedelta(days=2 + rng.random() * (CAMPAIGN_DAYS_AGO - 4))
        basket = rng.sample(products, rng.randint(1, 3))
        purchase = record_purchase(
            session,
            PurchaseInput(
                lines=[LineInput("", 1, price, product_id) for product_id, price in basket],
                customer_id=customer_id,
                channel="in_shop",
                purchased_at=when,
            ),
        )
        purchase.created_at = when  # as rung up, not as built
        if rng.random() < 0.85:
            ledger.redeem(
                vouchers[customer_id],
                (purchase.id, customer_id, purchase.total, 0),
                when,
                percent=offer.percent,
            )
    ledger.write(session)
    return len(reached), len(returners)
