"""Thank-you inserts and voucher slips as plain content, ready for printing/ to lay out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from desktop.shop.codes import format_code
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.purchases import get_purchase
from desktop.shop.settings import ShopProfile, get_logo, get_profile
from desktop.shop.templates import Template, fill_template, get_template
from desktop.shop.text import clean_line
from desktop.shop.vouchers import (
    DEFAULT_VALIDITY_DAYS,
    KINDS,
    MAX_VALIDITY_DAYS,
    VoucherTerms,
    check_terms,
    describe_conditions,
    describe_value,
    issue_voucher,
)
from desktop.store.models import Purchase, PurchaseLine, Setting, Voucher


@dataclass(frozen=True)
class ShopBranding:
    """What every printed piece carries about the shop."""

    name: str
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    logo: bytes | None = None  # PNG or JPEG
    locale: str = "en_GB"


@dataclass(frozen=True)
class VoucherContent:
    """A voucher as printed: the code in text, Code 128 and QR, its value and small print."""

    code: str  # as stored, e.g. "7G9C4X6RA6PM"; printed grouped ("7G9C-4X6R-A6PM")
    title: str  # "Thank you", "Welcome back", ...
    value: str  # "10% off" / "£5.00 off"
    conditions: str  # "When you spend £10.00 or more, valid until 31 December 2026, one use only."
    terms: str = ""
    customer_name: str = ""  # empty: for the bearer
    expires_on: date | None = None


@dataclass(frozen=True)
class InsertContent:
    """One personal thank-you insert for one purchase."""

    reference: str  # the purchase reference
    first_name: str  # "" for an anonymous purchase: the greeting then says "Hello"
    greeting: str  # "Dear Zoë," (already filled from the template)
    message: str  # the template's body, placeholders filled in; plain text, paragraphs by \n\n
    signature: str  # "With love, Anna" — printed in the handwritten-style font
    items: list[str] = field(default_factory=list)  # "2 × Blue mug", shown as "what you chose"
    voucher: VoucherContent | None = None
    qr_url: str | None = None  # a link carrying the purchase reference
    qr_caption: str = ""  # "Care tips for your new mug", "Tell us how we did"


QrTarget = Literal["site", "feedback"]
QR_TARGETS: dict[QrTarget, str] = {"site": "your website", "feedback": "your feedback form"}
QR_CAPTIONS: dict[QrTarget, str] = {
    "site": "Come and see what's new",
    "feedback": "Tell us how we did",
}
OPTIONS_KEY = "inserts.options"


@dataclass(frozen=True)
class InsertOptions:
    """How the shop likes its inserts, kept as a setting; the print dialog starts from these."""

    template: str = "warm"
    layout: str = "a6"  # a layout name known to desktop.printing
    colour: bool = True
    voucher: bool = False  # include a thank-you voucher for the next purchase
    voucher_kind: str = "thank_you"
    voucher_percent: int | None = 10
    voucher_amount: int | None = None
    voucher_min_spend: int = 0
    voucher_validity_days: int = DEFAULT_VALIDITY_DAYS
    qr: QrTarget | None = "site"
    feedback_url: str = ""
    signed_by: str = ""  # the name under the message; the shop's name when empty

    def voucher_terms(self, today: date | None = None) -> VoucherTerms | None:
        """The terms of the voucher each insert carries, or None when inserts carry none."""
        if not self.voucher:
            return None
        return VoucherTerms(
            kind=self.voucher_kind,
            percent=self.voucher_percent,
            amount=self.voucher_amount,
            min_spend=self.voucher_min_spend,
            expires_on=(today or date.today()) + timedelta(days=self.voucher_validity_days),
            reason="Thank-you insert",
        )


@dataclass(frozen=True)
class InsertBatch:
    """Inserts ready to print, and what to mark printed once they are."""

    inserts: list[InsertContent]
    purchase_ids: list[int]
    voucher_ids: list[int]


def shop_branding(session: Session) -> ShopBranding:
    """The shop's name, contact details and logo, as every printed piece carries them."""
    profile = get_profile(session)
    return ShopBranding(
        name=profile.name,
        address=profile.address,
        phone=profile.phone,
        website=profile.website,
        email=profile.email,
        logo=get_logo(session),
        locale=profile.locale,
    )


def insert_options(session: Session) -> InsertOptions:
    """The shop's insert options; defaults until changed."""
    row = session.get(Setting, OPTIONS_KEY)
    if row is None:
        return InsertOptions()
    stored = json.loads(row.value)
    known = {f.name for f in fields(InsertOptions)}
    return InsertOptions(**{k: v for k, v in stored.items() if k in known})


def save_insert_options(session: Session, options: InsertOptions) -> InsertOptions:
    """Check and store the insert options. Raises InvalidInput naming the field."""
    template = get_template(session, options.template).name
    layout = clean_line(options.layout, "layout", max_length=40, required=True)
    check_terms(
        VoucherTerms(
            kind=options.voucher_kind,
            percent=options.voucher_percent,
            amount=options.voucher_amount,
            min_spend=options.voucher_min_spend,
        )
    )
    if not 1 <= options.voucher_validity_days <= MAX_VALIDITY_DAYS:
        raise InvalidInput(
            "validity", f"A voucher's validity must be between 1 and {MAX_VALIDITY_DAYS} days."
        )
    if options.qr is not None and options.qr not in QR_TARGETS:
        raise InvalidInput("QR code", f"Unknown QR code link “{options.qr}”.")
    feedback_url = clean_line(options.feedback_url, "feedback address", max_length=300)
    if feedback_url:
        link_with_reference(feedback_url, "", field="feedback address")
    elif options.qr == "feedback":
        raise InvalidInput(
            "feedback address",
            "Enter your feedback form's web address, or choose another link for the QR code.",
        )
    cleaned = replace(
        options,
        template=template,
        layout=layout,
        feedback_url=feedback_url,
        signed_by=clean_line(options.signed_by, "signed by", max_length=80),
    )
    session.merge(Setting(key=OPTIONS_KEY, value=json.dumps(asdict(cleaned), ensure_ascii=False)))
    return cleaned


def link_with_reference(address: str, reference: str, *, field: str = "web address") -> str:
    """`address` as a full link carrying `?ref=<reference>`, every part properly encoded:
    'shop.example/thanks' + 'P-000042' -> 'https://shop.example/thanks?ref=P-000042'."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        host, port = "", None
    if parts.scheme not in ("http", "https") or not host or " " in text:
        raise InvalidInput(field, f"“{text}” is not a web address (like www.yourshop.co.uk).")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    if reference:
        query.append(("ref", reference))
    return urlunsplit(
        (
            parts.scheme,
            host if port is None else f"{host}:{port}",
            quote(parts.path or "/", safe=_URL_SAFE),
            urlencode(query, quote_via=quote),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


# Characters a path may carry as they are (RFC 3986), with "%" so an address that is already
# encoded is not encoded twice.
_URL_SAFE = "/%:@!$&'()*+,;=-._~"


def voucher_content(voucher: Voucher, locale: str = "en_GB") -> VoucherContent:
    """A voucher as its slip (or an insert's voucher block) shows it."""
    return VoucherContent(
        code=voucher.code,
        title=KINDS.get(voucher.kind, "Voucher"),
        value=describe_value(voucher, locale),
        conditions=describe_conditions(voucher, locale),
        terms=voucher.terms,
        customer_name=voucher.customer.name if voucher.customer is not None else "",
        expires_on=voucher.expires_on,
    )


def _item(line: PurchaseLine) -> str:
    return line.description if line.quantity == 1 else f"{line.quantity} × {line.description}"


def _earned_voucher(session: Session, purchase: Purchase, terms: VoucherTerms) -> Voucher | None:
    # Printing the same insert again must not give a second voucher: reuse what this purchase
    # earned. One the shop cancelled, or already used, is left off the card.
    earned = session.scalars(
        select(Voucher).where(Voucher.purchase_id == purchase.id).order_by(Voucher.id.desc())
    ).first()
    if earned is None:
        return issue_voucher(
            session, replace(terms, customer_id=purchase.customer_id, purchase_id=purchase.id)
        )
    if earned.voided_at is not None or earned.redemption is not None:
        return None
    return earned


@dataclass(frozen=True)
class _Wording:
    """What every insert of one print run shares."""

    template: Template
    voucher_terms: VoucherTerms | None
    qr: QrTarget | None
    options: InsertOptions
    profile: ShopProfile


def _wording(
    session: Session,
    options: InsertOptions,
    *,
    template: str,
    voucher_terms: VoucherTerms | None,
    qr: QrTarget | None,
    on: date | None,
) -> _Wording:
    if qr == "feedback" and not options.feedback_url:
        raise InvalidInput(
            "feedback address", "The QR code should link to your feedback form: set its address."
        )
    return _Wording(
        get_template(session, template, on), voucher_terms, qr, options, get_profile(session)
    )


def _insert(
    session: Session, purchase: Purchase, wording: _Wording
) -> tuple[InsertContent, Voucher | None]:
    if purchase.voided_at is not None:
        raise InvalidInput(
            "purchase", f"Purchase {purchase.reference} is void, so it gets no thank-you insert."
        )
    profile = wording.profile
    terms = wording.voucher_terms
    voucher = _earned_voucher(session, purchase, terms) if terms else None
    first_name = purchase.customer.name.split()[0] if purchase.customer else ""
    items = [_item(line) for line in purchase.lines]
    shop_name = profile.name or "our shop"
    values = {
        "first_name": first_name,
        "shop_name": shop_name,
        "signed_by": wording.options.signed_by or shop_name,
        "items": ", ".join(items),
        "reference": purchase.reference,
        "purchase_date": _long_date(purchase.purchased_at.astimezone().date(), profile.locale),
        "website": profile.website,
        "voucher_value": describe_value(voucher, profile.locale) if voucher else "",
        "voucher_code": format_code(voucher.code) if voucher else "",
        "voucher_expiry": (
            _long_date(voucher.expires_on, profile.locale) if voucher and voucher.expires_on else ""
        ),
    }
    message = fill_template(wording.template, values, with_voucher=voucher is not None)
    qr_url = None
    if wording.qr == "feedback":
        qr_url = link_with_reference(wording.options.feedback_url, purchase.reference)
    elif wording.qr == "site" and profile.website:
        qr_url = link_with_reference(profile.website, purchase.reference, field="website")
    content = InsertContent(
        reference=purchase.reference,
        first_name=first_name,
        greeting=message.greeting,
        message=message.body,
        signature=message.signature,
        items=items,
        voucher=voucher_content(voucher, profile.locale) if voucher else None,
        qr_url=qr_url,
        qr_caption=QR_CAPTIONS[wording.qr] if qr_url and wording.qr else "",
    )
    return content, voucher


def _long_date(day: date, locale: str) -> str:
    return str(format_date(day, "d MMMM y", locale=locale))


def insert_for_purchase(
    session: Session,
    purchase_id: int,
    *,
    template: str = "warm",
    with_voucher: VoucherTerms | None = None,
    qr: QrTarget | None = None,
    on: date | None = None,
) -> InsertContent:
    """The thank-you insert for one purchase.

    With `with_voucher`, the insert carries a voucher for the customer's next purchase, issued in
    this transaction the first time and reused ever after. `qr` links to the shop's website (no
    code when it has none) or its feedback form, carrying the purchase reference. The seasonal
    template is worded for `on` (default today)."""
    purchase = get_purchase(session, purchase_id)
    wording = _wording(
        session,
        insert_options(session),
        template=template,
        voucher_terms=with_voucher,
        qr=qr,
        on=on,
    )
    return _insert(session, purchase, wording)[0]


def _purchases(session: Session, purchase_ids: Sequence[int]) -> list[Purchase]:
    found = {
        purchase.id: purchase
        for purchase in session.scalars(
            select(Purchase)
            .where(Purchase.id.in_(purchase_ids))
            .options(selectinload(Purchase.lines), selectinload(Purchase.customer))
        )
    }
    for purchase_id in purchase_ids:
        if purchase_id not in found:
            raise NotFound(f"There is no purchase number {purchase_id}.")
    return [found[purchase_id] for purchase_id in purchase_ids]


def prepare_inserts(
    session: Session,
    purchase_ids: Sequence[int],
    *,
    options: InsertOptions | None = None,
    on: date | None = None,
) -> InsertBatch:
    """The inserts for a batch of purchases with the shop's options (or `options`), issuing the
    vouchers they carry. Commit before printing: a reprint then reuses those vouchers."""
    chosen = options or insert_options(session)
    wording = _wording(
        session,
        chosen,
        template=chosen.template,
        voucher_terms=chosen.voucher_terms(on),
        qr=chosen.qr,
        on=on,
    )
    inserts: list[InsertContent] = []
    voucher_ids: list[int] = []
    for purchase in _purchases(session, purchase_ids):
        content, voucher = _insert(session, purchase, wording)
        inserts.append(content)
        if voucher is not None:
            voucher_ids.append(voucher.id)
    return InsertBatch(inserts, list(purchase_ids), voucher_ids)


def mark_inserts_printed(session: Session, purchase_ids: Sequence[int], when: datetime) -> int:
    """Record that these purchases' inserts were printed at `when`; returns how many."""
    marked = session.execute(
        update(Purchase)
        .where(Purchase.id.in_(purchase_ids))
        .values(insert_printed_at=when)
        .returning(Purchase.id)
        .execution_options(synchronize_session="fetch")
    )
    return len(marked.all())


def mark_vouchers_printed(session: Session, voucher_ids: Sequence[int], when: datetime) -> int:
    """Record that these vouchers were printed (on a slip or an insert) at `when`."""
    marked = session.execute(
        update(Voucher)
        .where(Voucher.id.in_(voucher_ids))
        .values(printed_at=when)
        .returning(Voucher.id)
        .execution_options(synchronize_session="fetch")
    )
    return len(marked.all())
