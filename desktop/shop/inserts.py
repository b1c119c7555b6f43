"""Thank-you inserts and voucher slips as plain content, ready for printing/ to lay out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from desktop.shop.codes import format_code, new_code
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.guides import guides_for_purchases
from desktop.shop.insert_options import QR_CAPTIONS, InsertOptions, QrTarget, insert_options

# Re-exported: desktop.shop.feedback builds its links with it from here.
from desktop.shop.insert_options import link_with_reference as link_with_reference
from desktop.shop.purchases import get_purchase
from desktop.shop.settings import ShopProfile, get_logo, get_profile
from desktop.shop.templates import Template, fill_template, get_template
from desktop.shop.voucher_kinds import KINDS
from desktop.shop.vouchers import (
    CODE_LENGTH,
    VoucherTerms,
    describe_conditions,
    describe_value,
    issue_voucher,
)
from desktop.store.models import Purchase, PurchaseLine, Voucher
from desktop.store.models_feedback import Guide

# The made-up purchase a sample insert is for. Its code is made once per run, so a sample that
# follows the shopkeeper's typing keeps the same code.
SAMPLE_FIRST_NAME = "Zoë"
SAMPLE_REFERENCE = "P-000123"
SAMPLE_ITEMS = ("Blue stoneware mug", "2 × Linen tea towel")
SAMPLE_CODE = new_code(CODE_LENGTH)


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
    guide_url: str | None = None  # a second QR: the web page of the guide to what was bought
    guide_caption: str = ""  # "How to care for it: Leather care"


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


def guide_caption(title: str) -> str:
    """The words beside a guide's QR code on an insert."""
    return f"How to care for it: {title}"


def _insert(
    session: Session, purchase: Purchase, wording: _Wording, guide: Guide | None
) -> tuple[InsertContent, Voucher | None]:
    if purchase.voided_at is not None:
        raise InvalidInput(
            "purchase", f"Purchase {purchase.reference} is void, so it gets no thank-you insert."
        )
    terms = wording.voucher_terms
    voucher = _earned_voucher(session, purchase, terms) if terms else None
    content = _content(
        wording,
        voucher,
        reference=purchase.reference,
        first_name=purchase.customer.name.split()[0] if purchase.customer else "",
        items=[_item(line) for line in purchase.lines],
        day=purchase.purchased_at.astimezone().date(),
        guide=(guide.title, guide.url) if guide is not None and guide.url else None,
    )
    return content, voucher


def _content(
    wording: _Wording,
    voucher: Voucher | None,
    *,
    reference: str,
    first_name: str,
    items: list[str],
    day: date,
    guide: tuple[str, str] | None = None,
) -> InsertContent:
    """The insert for one purchase (real or made up), its placeholders filled in; `guide` is the
    title and web address of the guide to what was bought."""
    profile = wording.profile
    shop_name = profile.name or "our shop"
    values = {
        "first_name": first_name,
        "shop_name": shop_name,
        "signed_by": wording.options.signed_by or shop_name,
        "items": ", ".join(items),
        "reference": reference,
        "purchase_date": _long_date(day, profile.locale),
        "website": profile.website,
        "voucher_value": describe_value(voucher, profile.locale) if voucher else "",
        "voucher_code": format_code(voucher.code) if voucher else "",
        "voucher_expiry": (
            _long_date(voucher.expires_on, profile.locale) if voucher and voucher.expires_on else ""
        ),
    }
    message = fill_template(wording.template, values, with_voucher=voucher is not None)
    qr_url = _qr_link(wording, reference)
    qr_caption = QR_CAPTIONS[wording.qr] if qr_url and wording.qr else ""
    guide_url, guide_words = (guide[1], guide_caption(guide[0])) if guide else (None, "")
    if qr_url is None and guide_url is not None:
        # No link of the shop's own on this insert: the guide's takes its place.
        qr_url, qr_caption, guide_url, guide_words = guide_url, guide_words, None, ""
    return InsertContent(
        reference=reference,
        first_name=first_name,
        greeting=message.greeting,
        message=message.body,
        signature=message.signature,
        items=items,
        voucher=voucher_content(voucher, profile.locale) if voucher else None,
        qr_url=qr_url,
        qr_caption=qr_caption,
        guide_url=guide_url,
        guide_caption=guide_words,
    )


def _qr_link(wording: _Wording, reference: str) -> str | None:
    if wording.qr == "feedback" and wording.options.feedback_url:
        return link_with_reference(
            wording.options.feedback_url, reference, field="feedback address"
        )
    if wording.qr == "site" and wording.profile.website:
        return link_with_reference(wording.profile.website, reference, field="website")
    return None


def sample_insert(
    profile: ShopProfile,
    options: InsertOptions,
    template: Template,
    *,
    today: date | None = None,
    guide: tuple[str, str] | None = None,
) -> InsertContent:
    """The insert a made-up customer, Zoë, would get with these (perhaps unsaved) options and
    this template: for showing the wording and previewing the card, with `guide` (title, web
    address) as the guide to what she bought. Its voucher is never added to a session, so
    nothing is issued."""
    day = today or date.today()
    voucher = None
    if options.voucher:
        voucher = Voucher(
            code=SAMPLE_CODE,
            kind=options.voucher_kind,
            percent=options.voucher_percent,
            amount=options.voucher_amount,
            currency=profile.currency,
            min_spend=options.voucher_min_spend,
            expires_on=day + timedelta(days=options.voucher_validity_days),
            terms="",
        )
    wording = _Wording(template, None, options.qr, options, profile)
    return _content(
        wording,
        voucher,
        reference=SAMPLE_REFERENCE,
        first_name=SAMPLE_FIRST_NAME,
        items=list(SAMPLE_ITEMS),
        day=day,
        guide=guide,
    )


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
    code when it has none) or its feedback form, carrying the purchase reference; the guide to
    what was bought adds a second code to its web page, or is the only one when `qr` gives none.
    The seasonal template is worded for `on` (default today)."""
    purchase = get_purchase(session, purchase_id)
    wording = _wording(
        session,
        insert_options(session),
        template=template,
        voucher_terms=with_voucher,
        qr=qr,
        on=on,
    )
    guide = guides_for_purchases(session, [purchase.id]).get(purchase.id)
    return _insert(session, purchase, wording, guide)[0]


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
    vouchers they carry, each with the QR code of its guide where that has a web page. Commit
    before printing: a reprint then reuses those vouchers."""
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
    guides = guides_for_purchases(session, purchase_ids)
    for purchase in _purchases(session, purchase_ids):
        content, voucher = _insert(session, purchase, wording, guides.get(purchase.id))
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
