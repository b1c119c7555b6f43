"""How the shop likes its thank-you inserts (a setting the print dialog starts from), and the
link their QR code carries."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.shop.templates import get_template
from desktop.shop.text import clean_line
from desktop.shop.vouchers import (
    DEFAULT_VALIDITY_DAYS,
    MAX_VALIDITY_DAYS,
    VoucherTerms,
    check_terms,
)
from desktop.store.models import Setting

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
