"""Thank-you inserts and voucher slips as plain content, ready for printing/ to lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
