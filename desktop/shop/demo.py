"""The sample shop: a believable tea, coffee and pottery shop with years of customers and sales.

It serves trying the app and `make bench` (100,000 customers and a million purchases in well
under a minute), so rows are made as plain tuples and written by `store.bulk` in one
transaction. Every stored form and derived value is made by the shop's own functions or
computed as they compute it (`build_search_text`, `refresh_customer_totals`), and the tables
other capabilities derive from purchases are filled by their own bulk refresh.

Determinism: the content depends only on the seed and the day the history ends. The history runs
up to the start of `DemoOptions.today` (UTC; default: today), so no purchase lies in the future
and the same seed on the same day gives the same rows, in any process. Names come from Faker
pools, so the same shop also needs the same Faker and Python versions.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.consent import EMAIL_WORDING, POST_WORDING
from desktop.shop.customer_months import refresh_all_customer_months
from desktop.shop.customers import build_search_text, normalise_email, normalise_phone, postcode_key
from desktop.shop.demo_extras import add_extras
from desktop.shop.demo_people import People, Person
from desktop.shop.errors import ShopError
from desktop.shop.lapsed import refresh_all_rhythms
from desktop.shop.parcels import PARCEL_CHANNELS
from desktop.shop.purchases import REFERENCE_PREFIX
from desktop.shop.settings import ShopProfile, get_profile, is_set_up, save_profile
from desktop.shop.text import fold
from desktop.store.bulk import BulkLoader, bulk_load
from desktop.store.models import (
    Category,
    Consent,
    Counter,
    Customer,
    CustomerTag,
    Product,
    Purchase,
    PurchaseLine,
    Tag,
)
from desktop.store.shopfile import ShopDatabase

DAY = 86_400
CHUNK = 50_000
# From this many customers, their stored forms are worked out in a second process (the slowest
# part of the build) while this one writes the purchases.
PARALLEL_FROM = 5_000

PROFILE = ShopProfile(
    name="Hollybank Tea & Pottery",
    address="112 Gloucester Road\nBristol\nBS7 8BA",
    phone="0117 496 0321",
    website="hollybank.example",
    email="hello@hollybank.example",
    currency="GBP",
    locale="en_GB",
)

# "Category (SKU prefix)", then its products as "name | price in pence".
CATALOGUE_TEXT = """
Tea (TEA)
English Breakfast 250 g | 650
Earl Grey Blue Flower 100 g | 795
Darjeeling First Flush 100 g | 1150
Assam Golden Tips 100 g | 850
Lapsang Souchong 100 g | 825
Sencha 100 g | 900
Jasmine Pearls 50 g | 1250
Rooibos Vanilla 100 g | 675
Peppermint Leaf 50 g | 495
Chamomile Flowers 50 g | 550
Masala Chai Blend 100 g | 725
Milk Oolong 50 g | 1095
Coffee (COF)
House Espresso Beans 250 g | 850
Colombia Huila 250 g | 925
Ethiopia Yirgacheffe 250 g | 1050
Swiss Water Decaf 250 g | 900
Brazil Cerrado 250 g | 795
Guatemala Antigua 250 g | 975
Cafetière Blend 500 g | 1450
Sumatra Mandheling 250 g | 995
Kenya AA 250 g | 1095
Costa Rica Tarrazú 250 g | 1025
Ceramics (CER)
Stoneware Mug – Sage | 1800
Speckled Mug – Oat | 1800
Celadon Teapot, 4 cups | 4200
Tea Bowl – Tenmoku | 2200
Pour-over Dripper | 2800
Milk Jug | 1600
Side Plate | 1400
Sugar Bowl with Lid | 1900
Espresso Cup & Saucer | 1500
Serving Bowl | 3400
Gifts (GFT)
Tea Tasting Gift Box | 2400
Coffee Lover's Hamper | 4500
Beeswax Candle | 1250
Linen Tea Towel | 1100
Wildflower Honey 340 g | 850
Shortbread Tin | 900
Sea Salt Dark Chocolate | 450
Tea Infuser | 650
Gift Wrapping | 300
Greeting Card | 350
Plants (PLT)
Golden Pothos, 12 cm pot | 950
Snake Plant, 14 cm pot | 1600
Peace Lily | 1800
Mini Cactus Trio | 1200
Fiddle Leaf Fig | 3500
Basil Herb Pot | 350
White Orchid | 2200
Spider Plant | 850
Terracotta Pot 14 cm | 600
Stationery (STN)
A5 Dotted Notebook | 1200
Recycled Pocket Notebook | 450
Fountain Pen – Navy | 2500
Letterpress Card Set | 950
Washi Tape Trio | 650
Desk Calendar | 1400
Pencil Set | 550
Envelope Pack | 400
Pressed Flower Bookmark | 350
"""

TAGS = ("Regular", "Tea club", "Gift buyer", "Plant lover", "Trade", "Staff")
NOTES = (
    "Prefers loose-leaf to bags.",
    "Allergic to lilies.",
    "Collects the Tenmoku range.",
    "Likes a call when the first flush arrives.",
    "Hard of hearing: please speak up.",
)
SOFT_OPT_IN_WORDING = (
    "As a customer you'll get the occasional email about things like what you bought; "
    "untick this box, or unsubscribe any time, to stop them."
)
VOID_REASONS = ("Rung up twice", "Changed their mind", "Wrong item scanned", "Card declined")
GIFT_NOTES = ("Gift wrapped", "Gift message: Happy birthday, Mum!", "Please leave in the porch.")

CHANNELS = ("in_shop", "online", "phone")
# Per habit (mostly in the shop, online, by phone): the chance of in shop, and of not by phone.
CHANNEL_HABITS = ((0.86, 0.96), (0.10, 0.95), (0.35, 0.45))


def _parse_catalogue() -> list[tuple[str, str, list[tuple[str, int]]]]:
    shelves: list[tuple[str, str, list[tuple[str, int]]]] = []
    for line in CATALOGUE_TEXT.strip().splitlines():
        if " | " in line:
            name, price = line.split(" | ")
            shelves[-1][2].append((name, int(price)))
        else:
            category, prefix = line.removesuffix(")").split(" (")
            shelves.append((category, prefix, []))
    return shelves


CATALOGUE = _parse_catalogue()


@dataclass(frozen=True)
class DemoOptions:
    customers: int = 2000
    years: float = 3
    seed: int = 1
    today: date | None = None  # the history ends at the start of this day (UTC); None: today


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    purchases: int
    years: float

    def __str__(self) -> str:
        unit = "year" if self.years == 1 else "years"
        return (
            f"Sample shop: {self.customers:,} customers, {self.purchases:,} purchases "
            f"over {self.years:g} {unit}"
        )


def build_demo(shop: ShopDatabase, options: DemoOptions) -> DemoSummary:
    """Fill an empty shop file with the sample shop, all in one transaction.

    Refuses (ShopError) a shop that already has customers, purchases or products, so a real
    shop is never mixed with made-up people. Sets the shop's profile only if it has none.
    """
    if shop.path is None:
        raise ShopError("The sample shop can only be built in a shop file, not a server database.")
    rng = random.Random(options.seed)
    today = options.today or datetime.now(UTC).date()
    days = _Calendar.ending(today, options.years)
    with shop.write() as session:
        _refuse_existing_data(session)
        if not is_set_up(session):
            save_profile(session, PROFILE)
        currency = get_profile(session).currency
        shelves = _stock_catalogue(session)
        tags = [Tag(name=name) for name in TAGS]
        session.add_all(tags)
        session.flush()
        people = People(rng, options.seed, len(CATALOGUE)).make(options.customers)
        for person in people:
            person.visits = _visits(rng, person, days)
            # Someone who never bought signed up on a day of their own (the mailing list).
            person.joined = (
                person.visits[0] >> 2
                if person.visits
                else days.utc_seconds(rng.randrange(days.length), 43_200)
            )
        # Customer numbers follow the order people joined, as in a real shop.
        people.sort(key=lambda p: p.joined)
        typed = [(p.name, p.email or "", p.phone or "", p.address[3]) for p in people]
        with _stored_forms(typed) as stored_forms, bulk_load(session.connection()) as load:
            totals = _load_purchases(load, rng, people, days, shelves, currency)
            forms, tag_ids = stored_forms(), [tag.id for tag in tags]
            _load_customers(load, rng, people, forms, totals, tag_ids, days.end)
        # New purchases at the till continue the numbering after the sample ones.
        session.merge(Counter(name="purchase", value=totals.purchases))
        # Tables other capabilities derive from purchases, filled as after an import.
        refresh_all_rhythms(session)
        refresh_all_customer_months(session)
        # Guides, vouchers, loyalty, feedback, a campaign, today's parcels: every page alive.
        extras = add_extras(session, options.seed, today)
    return DemoSummary(len(people), totals.purchases + extras.purchases, options.years)


def _refuse_existing_data(session: Session) -> None:
    for model in (Customer, Purchase, Product, Category):
        if session.scalar(select(exists().select_from(model))):
            raise ShopError(
                "This shop file already has customers, purchases or products of its own. "
                "The sample shop goes into a new, empty file: choose another file name."
            )


def _stock_catalogue(session: Session) -> list[list[tuple[int, str, int, int]]]:
    """Products per category, as (product id, name, category id, price)."""
    shelves = []
    for category_name, prefix, items in CATALOGUE:
        category = add_category(session, category_name)
        shelf = []
        for number, (name, price) in enumerate(items, start=1):
            product = add_product(
                session, name, price, category_id=category.id, sku=f"{prefix}-{number:03d}"
            )
            shelf.append((product.id, product.name, category.id, price))
        shelves.append(shelf)
    return shelves


# --- The calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The days of the history (0 = the first), their UK clock offset and shop opening."""

    first_day: int  # Unix day number of day 0
    length: int
    offsets: list[int]  # seconds the UK clock is ahead of UTC that day (BST)
    open_day: list[int]  # the day itself when the shop is open, else the open day before
    seasons: list[tuple[int, int, int]]  # (first day, last day, most visits): Christmas, spring

    @classmethod
    def ending(cls, today: date, years: float) -> _Calendar:
        length = max(1, round(years * 365.25))
        dates = [today - timedelta(days=length - i) for i in range(length)]
        open_day, latest = [], next((i for i, d in enumerate(dates) if _shop_open(d)), 0)
        for i, d in enumerate(dates):
            latest = i if _shop_open(d) else latest
            open_day.append(latest)
        seasons = []
        for year in range(dates[0].year, today.year + 1):
            for first, last, most in (((11, 25), (12, 23), 3), ((3, 15), (5, 10), 2)):
                start = (date(year, *first) - dates[0]).days
                end = (date(year, *last) - dates[0]).days
                if end >= 0 and start < length:
                    seasons.append((max(0, start), min(length - 1, end), most))
        return cls(
            first_day=(dates[0] - date(1970, 1, 1)).days,
            length=length,
            offsets=[3600 if _british_summer_time(d) else 0 for d in dates],
            open_day=open_day,
            seasons=seasons,
        )

    @property
    def end(self) -> int:
        """The end of the history in UTC seconds: the start of the chosen day."""
        return (self.first_day + self.length) * DAY

    def utc_seconds(self, day: int, local_seconds: int) -> int:
        return (self.first_day + day) * DAY + local_seconds - self.offsets[day]


def _shop_open(d: date) -> bool:
    return d.weekday() != 6 and (d.month, d.day) not in {(12, 25), (12, 26), (1, 1)}


def _british_summer_time(d: date) -> bool:
    """Clocks go forward on the last Sunday of March and back on the last Sunday of October."""

    def last_sunday(month: int) -> date:
        end = date(d.year, month, calendar.monthrange(d.year, month)[1])
        return end - timedelta(days=(end.weekday() + 1) % 7)

    return last_sunday(3) <= d < last_sunday(10)


# (name, email, phone, postcode) as typed -> what the shop stores for them.
Typed = tuple[str, str, str, str]
StoredForm = tuple[str, str, str | None, str | None, str | None, str | None, str]


def _stored_forms_of(typed: list[Typed]) -> list[StoredForm]:
    """(sort name, search text, email, email key, phone, phone key, postcode key) per person,
    made by the shop's own functions exactly as `create_customer` makes them."""
    customer = Customer()  # one unsaved row to build the search text from, reused (faster)
    forms = []
    for name, email, phone, postcode in typed:
        customer.name, customer.postcode = name, postcode
        customer.email, email_key = normalise_email(email)
        customer.phone, customer.phone_key = normalise_phone(phone, "GB")
        customer.postcode_key = postcode_key(postcode)
        forms.append(
            (
                fold(name),
                build_search_text(customer),
                customer.email,
                email_key,
                customer.phone,
                customer.phone_key,
                customer.postcode_key,
            )
        )
    return forms


@contextmanager
def _stored_forms(typed: list[Typed]) -> Iterator[Callable[[], list[StoredForm]]]:
    """The stored forms, to be asked for when needed. For a big shop they are worked out in a
    second process meanwhile (a fresh one: forking a process holding a database is unsafe)."""
    if len(typed) < PARALLEL_FROM:
        yield lambda: _stored_forms_of(typed)
        return
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as executor:
        yield executor.submit(_stored_forms_of, typed).result


# --- Visits ---------------------------------------------------------------------------------------


def _visits(rng: random.Random, person: Person, days: _Calendar) -> list[int]:
    """When the person came and how: sorted (UTC seconds << 2) | channel."""
    shop_share, not_phone_share = CHANNEL_HABITS[person.habit]
    visits = []
    for day in _visit_days(rng, person.segment, days):
        r = rng.random()
        if shop_share <= r < not_phone_share:
            channel, local = 1, 25_200 + int(rng.random() * 59_400)  # online, 07:00–23:30
        elif r < shop_share:
            day = days.open_day[day]
            channel, local = 0, 32_400 + int((rng.random() + rng.random()) * 15_300)  # 9–17:30
        else:
            day = days.open_day[day]
            channel, local = 2, 34_200 + int(rng.random() * 27_000)  # phone, 09:30–17:00
        visits.append(days.utc_seconds(day, local) << 2 | channel)
    visits.sort()
    return visits


def _visit_days(rng: random.Random, segment: str, days: _Calendar) -> list[int]:
    """The days (0 = first of the history) a person of `segment` came in."""
    length, r = days.length, rng.random
    if segment == "never":
        return []
    if segment == "weekly":
        return _regular(rng, int(r() * length * 0.5), length, 5, 5)
    if segment == "monthly":
        return _regular(rng, int(r() * length * 0.7), length, 21, 20)
    if segment == "lapsed":
        # A regular who stopped coming at least six months before the end.
        stop = length - 183 - int(r() * min(365, length * 0.3))
        if stop > 60:
            return _regular(rng, int(r() * (stop - 60) * 0.6), stop, 8, 12)
    if segment == "seasonal":
        start = int(r() * length * 0.6)
        found = [
            rng.randint(max(first, start), last)
            for first, last, most in days.seasons
            if last >= start
            for _ in range(int(r() * (most + 1)))
        ]
        if found:
            return found
    if segment == "occasional":
        day, found = int(r() * length), []
        while day < length:
            found.append(day)
            day += 20 + int(rng.expovariate(1 / 110))
        return found
    return [int(r() * length)]


def _regular(rng: random.Random, start: int, stop: int, shortest: int, spread: int) -> list[int]:
    found, day = [], start
    while day < stop:
        found.append(day)
        day += shortest + int(rng.random() * spread)
        if rng.random() < 0.03:
            day += 14  # away on holiday
    return found


# --- Writing --------------------------------------------------------------------------------------

PURCHASE_COLUMNS = (
    *("id", "reference", "customer_id", "channel", "purchased_at", "currency", "total"),
    *("note", "created_at", "voided_at", "void_reason", "insert_printed_at"),
)
LINE_COLUMNS = (
    *("purchase_id", "position", "description", "product_id", "category_id", "quantity"),
    "unit_price",
)
CUSTOMER_COLUMNS = (
    *("id", "name", "sort_name", "search_text", "email", "email_key", "phone", "phone_key"),
    *("postcode_key", "address_line1", "address_line2", "town", "postcode", "country"),
    *("birth_day", "birth_month", "notes", "created_at", "email_marketing", "post_marketing"),
    *("first_seen_at", "last_seen_at", "visit_count", "total_spent"),
)
CONSENT_COLUMNS = ("customer_id", "channel", "granted", "basis", "source", "wording", "recorded_at")


@dataclass
class _Totals:
    """What each customer's live (not voided) purchases add up to, by customer number."""

    purchases: int  # all of them, voided ones too
    first: list[int]
    last: list[int]
    visits: list[int]
    spent: list[int]


def _load_purchases(
    load: BulkLoader,
    rng: random.Random,
    people: list[Person],
    days: _Calendar,
    shelves: list[list[tuple[int, str, int, int]]],
    currency: str,
) -> _Totals:
    """Every visit as a purchase of 1–4 lines from the shelves, numbered in time order."""
    shift = len(people).bit_length()
    keys = sorted(
        visit << shift | number
        for number, person in enumerate(people, start=1)
        for visit in person.visits
    )
    mask, random_, stored = (1 << shift) - 1, rng.random, load.stored_time
    everything = [product for shelf in shelves for product in shelf]
    favourites = [everything, *(shelves[person.favourite] for person in people)]
    size = len(people) + 1
    totals = _Totals(len(keys), [0] * size, [0] * size, [0] * size, [0] * size)
    printed_before = days.end - 2 * DAY  # the last two days' parcel inserts are still to print
    purchases: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    for purchase_id, key in enumerate(keys, start=1):
        number, when, channel = key & mask, key >> shift + 2, key >> shift & 3
        r = random_()
        total, chosen = 0, []
        for _ in range(1 + (r >= 0.62) + (r >= 0.88) + (r >= 0.97)):
            shelf = favourites[number] if random_() < 0.55 else everything
            product = shelf[int(random_() * len(shelf))]
            if product in chosen:
                continue
            chosen.append(product)
            r = random_()
            quantity = 1 if r < 0.86 else 2 if r < 0.97 else 3
            product_id, name, category_id, price = product
            lines.append((purchase_id, len(chosen), name, product_id, category_id, quantity, price))
            total += quantity * price
        stamp, voided, reason = stored(when), None, None
        if random_() < 0.004:
            voided = stored(min(when + 60 + int(random_() * 3600), days.end - 1))
            reason = rng.choice(VOID_REASONS)
        else:
            totals.first[number] = totals.first[number] or when
            totals.last[number] = when
            totals.visits[number] += 1
            totals.spent[number] += total
        note = rng.choice(GIFT_NOTES) if channel == 1 and random_() < 0.03 else ""
        printed = None
        if CHANNELS[channel] in PARCEL_CHANNELS and when < printed_before:
            printed = stored(when + 300 + int(random_() * 7200))
        reference = f"{REFERENCE_PREFIX}{purchase_id:06d}"
        sale = (purchase_id, reference, number, CHANNELS[channel], stamp, currency, total)
        purchases.append((*sale, note, stamp, voided, reason, printed))
        if len(purchases) == CHUNK:
            load.insert(Purchase, PURCHASE_COLUMNS, purchases)
            load.insert(PurchaseLine, LINE_COLUMNS, lines)
            purchases, lines = [], []
    load.insert(Purchase, PURCHASE_COLUMNS, purchases)
    load.insert(PurchaseLine, LINE_COLUMNS, lines)
    return totals


def _load_customers(
    load: BulkLoader,
    rng: random.Random,
    people: list[Person],
    forms: list[StoredForm],
    totals: _Totals,
    tags: list[int],
    end: int,
) -> None:
    consents: list[tuple[object, ...]] = []
    tagged: list[tuple[int, int]] = []
    stored = load.stored_time

    def rows() -> Iterator[tuple[object, ...]]:
        for number, (person, form) in enumerate(zip(people, forms, strict=True), start=1):
            emailing, posting = _consents(load, rng, number, person, end, consents)
            if person.segment == "weekly" and rng.random() < 0.8:
                tagged.append((number, tags[0]))
            elif rng.random() < 0.08:
                tagged.append((number, rng.choice(tags[1:-1])))
            elif rng.random() < 0.002:
                tagged.append((number, tags[-1]))
            month = rng.randint(1, 12) if rng.random() < 0.35 else None
            day = rng.randint(1, calendar.monthrange(2024, month)[1]) if month else None
            note = rng.choice(NOTES) if rng.random() < 0.03 else ""
            seen, spent = totals.visits[number], totals.spent[number]
            first = stored(totals.first[number]) if seen else None
            last = stored(totals.last[number]) if seen else None
            head = (number, person.name, *form, *person.address, "GB", day, month, note)
            yield (*head, stored(person.joined), emailing, posting, first, last, seen, spent)

    load.insert(Customer, CUSTOMER_COLUMNS, rows())
    load.insert(Consent, CONSENT_COLUMNS, consents)
    load.insert(CustomerTag, ("customer_id", "tag_id"), tagged)


def _consents(
    load: BulkLoader,
    rng: random.Random,
    number: int,
    person: Person,
    end: int,
    rows: list[tuple[object, ...]],
) -> tuple[bool, bool]:
    """Ledger rows for what the person agreed to when they joined; (emailing, posting) now."""
    joined = person.joined
    source, when = ("form" if person.habit == 1 else "counter"), load.stored_time(joined)
    emailing = person.email is not None and rng.random() < 0.65
    if emailing:
        soft = rng.random() < 0.2
        basis, wording = (
            ("soft_opt_in", SOFT_OPT_IN_WORDING) if soft else ("consent", EMAIL_WORDING)
        )
        rows.append((number, "email", True, basis, source, wording, when))
        if rng.random() < 0.08:
            left = load.stored_time(joined + 1 + int(rng.random() * max(0, end - joined - 2)))
            rows.append((number, "email", False, "withdrawn", "unsubscribe", EMAIL_WORDING, left))
            emailing = False
    posting = bool(person.address[0]) and rng.random() < 0.3
    if posting:
        basis = "consent" if rng.random() < 0.5 else "legitimate_interest"
        rows.append((number, "post", True, basis, source, POST_WORDING, when))
    return emailing, posting
