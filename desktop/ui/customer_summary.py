"""The words a customer's page shows, read from their overview while the session is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from sqlalchemy.orm import Session

from desktop.shop.history import HISTORY_LIMIT, CustomerOverview, PastPurchase, describe_gap
from desktop.shop.purchases import CHANNELS
from desktop.store.models import Consent, Customer
from desktop.ui.customer_format import ShopFormat

BASES = {
    "consent": "Consent",
    "soft_opt_in": "Soft opt-in",
    "legitimate_interest": "Legitimate interest",
    "withdrawn": "Withdrawn",
}
SOURCES = {
    "counter": "At the counter",
    "phone": "By phone",
    "email": "By email",
    "form": "Written form",
    "import": "Imported",
    "merge": "Merged record",
    "edit": "Details changed",
    "unsubscribe": "Unsubscribed",
}
ITEMS_SHOWN = 2


@dataclass(frozen=True)
class CustomerSummary:
    name: str
    subtitle: str
    stats: tuple[str, str, str, str, str]  # visits, spent, first seen, last seen, usual gap
    email: str
    phone: str
    address: str
    birthday: str
    tags: str
    notes: str
    email_permission: str
    post_permission: str
    purchases: list[tuple[str, ...]]
    voided: list[bool]
    ledger: list[tuple[str, ...]]
    history_note: str


def items_summary(purchase: PastPurchase) -> str:
    """'2 × Mug, Candle and 3 more'."""
    parts = [
        f"{quantity} × {description}" if quantity > 1 else description
        for quantity, description in purchase.items[:ITEMS_SHOWN]
    ]
    more = len(purchase.items) - ITEMS_SHOWN
    text = ", ".join(parts)
    return f"{text} and {more} more" if more > 0 else text


def _address(customer: Customer) -> str:
    lines = [customer.address_line1, customer.address_line2, customer.town, customer.postcode]
    shown = "\n".join(line for line in lines if line)
    if shown and customer.country != "GB":
        shown += f"\n{customer.country}"
    return shown or "—"


def _birthday(customer: Customer, locale: str) -> str:
    if customer.birth_day is None or customer.birth_month is None:
        return "—"
    # 2000 was a leap year, so 29 February can be written too.
    return str(
        format_skeleton(
            "MMMMd", date(2000, customer.birth_month, customer.birth_day), locale=locale
        )
    )


def _permission(granted: bool, entries: list[Consent], channel: str, shown: ShopFormat) -> str:
    latest = next((entry for entry in entries if entry.channel == channel), None)
    if latest is None:
        return "No — never asked"
    when = shown.day(latest.recorded_at)
    if granted:
        return f"Yes — {BASES.get(latest.basis, latest.basis).lower()}, since {when}"
    return f"No — withdrawn {when}"


def _ledger_row(entry: Consent, shown: ShopFormat) -> tuple[str, ...]:
    return (
        shown.moment(entry.recorded_at),
        entry.channel.capitalize(),
        "Granted" if entry.granted else "Withdrawn",
        BASES.get(entry.basis, entry.basis),
        SOURCES.get(entry.source, entry.source.capitalize()),
        entry.wording,
    )


def _purchase_row(purchase: PastPurchase, shown: ShopFormat) -> tuple[str, ...]:
    voided = f"Voided: {purchase.void_reason}" if purchase.voided_at is not None else ""
    return (
        shown.moment(purchase.purchased_at),
        purchase.reference,
        CHANNELS.get(purchase.channel, purchase.channel),
        items_summary(purchase),
        shown.money(purchase.total, purchase.currency),
        voided,
    )


def summarise(session: Session, overview: CustomerOverview) -> CustomerSummary:
    """Everything as text, so nothing is read lazily after the session closes."""
    shown = ShopFormat.of(session)
    customer = overview.customer
    tags = [tag.name for tag in customer.tags]
    subtitle = f"Customer since {shown.day(customer.created_at)}"
    if tags:
        subtitle += " · " + ", ".join(tags)
    stats = (
        str(overview.purchase_count),
        shown.money(overview.total_spent),
        shown.day(overview.first_seen_at, "—"),
        shown.day(overview.last_seen_at, "—"),
        describe_gap(overview.usual_gap_days),
    )
    note = ""
    if len(overview.purchases) >= HISTORY_LIMIT:
        note = f"Showing the newest {HISTORY_LIMIT} purchases."
    return CustomerSummary(
        name=customer.name,
        subtitle=subtitle,
        stats=stats,
        email=customer.email or "—",
        phone=customer.phone or "—",
        address=_address(customer),
        birthday=_birthday(customer, shown.locale),
        tags=", ".join(tags) or "—",
        notes=customer.notes or "—",
        email_permission=_permission(customer.email_marketing, overview.consents, "email", shown),
        post_permission=_permission(customer.post_marketing, overview.consents, "post", shown),
        purchases=[_purchase_row(p, shown) for p in overview.purchases],
        voided=[p.voided_at is not None for p in overview.purchases],
        ledger=[_ledger_row(entry, shown) for entry in overview.consents],
        history_note=note,
    )
