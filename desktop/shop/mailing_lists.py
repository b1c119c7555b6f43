"""Mailing lists for the email services a shop already uses: Mailchimp (its audience import
columns), Klaviyo (its list import columns) and a plain CSV.

Files are safe to open in a spreadsheet: every cell quoted, and a text cell that starts like a
formula (= + - @ tab CR LF), or with the ' that marks one, gets a leading '. `read_cell` takes
exactly that one ' off again, so export then import gives back what was written.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.shop.campaigns import (
    Audience,
    audience,
    campaign_audience,
    get_campaign,
    issue_campaign_vouchers,
    record_contacts,
)
from desktop.shop.codes import format_code
from desktop.shop.errors import InvalidInput
from desktop.shop.segments import Definition, find_segment, segment_definition
from desktop.shop.vouchers import VoucherTerms
from desktop.store.models import Customer, Voucher
from desktop.store.models_campaigns import Contact

Format = Literal["mailchimp", "klaviyo", "csv"]
FORMATS: tuple[Format, ...] = ("mailchimp", "klaviyo", "csv")
# What a list export is recorded under when no campaign asked for it.
LIST_PURPOSE = "mailing_list"
_RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "'")

COLUMNS: dict[Format, tuple[str, ...]] = {
    "mailchimp": (
        "Email Address",
        "First Name",
        "Last Name",
        "Address",
        "Phone Number",
        "Birthday",
        "Tags",
    ),
    "klaviyo": (
        "Email",
        "First Name",
        "Last Name",
        "Phone Number",
        "Address 1",
        "Address 2",
        "City",
        "Zip Code",
        "Country",
        "Tags",
    ),
    "csv": (
        "customer_id",
        "name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "country",
        "email_consent",
        "post_consent",
        "tags",
    ),
}
VOUCHER_COLUMN: dict[Format, str] = {
    "mailchimp": "Voucher Code",
    "klaviyo": "Voucher Code",
    "csv": "voucher_code",
}


@dataclass
class MailingList:
    """The rows to write, and who was left out and why (reason -> how many)."""

    format: Format
    header: tuple[str, ...]
    rows: list[tuple[str | int, ...]] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    customer_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """'12 customers; 3 left out: 2 no email consent, 1 unsubscribed or objected.'"""
        count = len(self.rows)
        text = f"{count:,} customer{'' if count == 1 else 's'}"
        left = sum(self.left_out.values())
        if left:
            reasons = ", ".join(f"{n:,} {why}" for why, n in sorted(self.left_out.items()))
            text += f"; {left:,} left out: {reasons}"
        return text + "."


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet will show rather than run."""
    return "'" + text if text.startswith(_RISKY_STARTS) else text


def read_cell(text: str) -> str:
    """Undo `safe_cell` when reading a list back."""
    return text[1:] if text.startswith("'") else text


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name, "")


def _row(
    kind: Format, customer: Customer, tags: list[str], voucher: Voucher | None
) -> tuple[str | int, ...]:
    first, last = _split_name(customer.name)
    email, phone = customer.email or "", customer.phone or ""
    tag_text = ", ".join(tags)
    cells: tuple[str | int, ...]
    if kind == "mailchimp":
        # Mailchimp reads one address column, its parts separated by two spaces.
        parts = (
            customer.address_line1,
            customer.address_line2,
            customer.town,
            "",
            customer.postcode,
        )
        address = "  ".join((*parts, customer.country)) if customer.address_line1 else ""
        birthday = (
            f"{customer.birth_month:02d}/{customer.birth_day:02d}"
            if customer.birth_month and customer.birth_day
            else ""
        )
        cells = (email, first, last, address, phone, birthday, tag_text)
    elif kind == "klaviyo":
        cells = (
            email,
            first,
            last,
            phone,
            customer.address_line1,
            customer.address_line2,
            customer.town,
            customer.postcode,
            customer.country,
            tag_text,
        )
    else:
        cells = (
            customer.id,
            customer.name,
            first,
            last,
            email,
            phone,
            customer.address_line1,
            customer.address_line2,
            customer.town,
            customer.postcode,
            customer.country,
            "yes" if customer.email_marketing else "no",
            "yes" if customer.post_marketing else "no",
            tag_text,
        )
    if voucher is not None:
        cells = (*cells, format_code(voucher.code))
    return tuple(safe_cell(cell) if isinstance(cell, str) else cell for cell in cells)


def _build(
    session: Session,
    kind: Format,
    reached: Audience,
    tags: Sequence[str],
    vouchers: dict[int, Voucher] | None = None,
) -> MailingList:
    if kind not in FORMATS:
        raise InvalidInput("format", f"Choose one of: {', '.join(FORMATS)}.")
    header = COLUMNS[kind] + ((VOUCHER_COLUMN[kind],) if vouchers else ())
    result = MailingList(kind, header, left_out=reached.left_out)
    ids = reached.customer_ids
    # In slices: SQLite takes only so many parameters in one IN (...).
    for start in range(0, len(ids), 500):
        customers = session.scalars(
            select(Customer)
            .where(Customer.id.in_(ids[start : start + 500]))
            .options(selectinload(Customer.tags))
            .order_by(Customer.id)
        )
        for customer in customers:
            own = [*tags, *(tag.name for tag in customer.tags)]
            voucher = (vouchers or {}).get(customer.id)
            result.rows.append(_row(kind, customer, own, voucher))
            result.customer_ids.append(customer.id)
    return result


def segment_mailing_list(
    session: Session,
    segment_name: str,
    kind: Format,
    *,
    consent_only: bool = True,
    record: bool = True,
) -> MailingList:
    """The saved segment's customers as a mailing list, tagged with the segment's name. Those
    without an email address or consent (unless `consent_only` is off) and anyone who
    unsubscribed (always) are left out and counted. `record` notes a contact per customer."""
    segment = find_segment(session, segment_name)
    definition: Definition = segment_definition(segment)
    reached = audience(session, definition, "export", consent_only=consent_only)
    result = _build(session, kind, reached, [segment.name])
    if record:
        _record_list_export(session, result.customer_ids)
    return result


def _record_list_export(session: Session, customer_ids: Iterable[int]) -> None:
    session.add_all(
        Contact(customer_id=i, channel="export", purpose=LIST_PURPOSE, outcome="exported")
        for i in customer_ids
    )
    session.flush()


def campaign_mailing_list(
    session: Session, campaign_id: int, kind: Format, voucher: VoucherTerms | None = None
) -> MailingList:
    """The campaign's list for an email service: consented, not suppressed, not in the
    cooldown; with each customer's own welcome-back voucher code when `voucher` is given.
    Records an "exported" contact per customer, in the caller's transaction."""
    campaign = get_campaign(session, campaign_id)
    reached = campaign_audience(session, campaign, "export")
    vouchers = (
        issue_campaign_vouchers(session, campaign, reached.customer_ids, voucher)
        if voucher is not None
        else {}
    )
    tags = [campaign.segment_name or campaign.name]
    result = _build(session, kind, reached, tags, vouchers)
    record_contacts(session, campaign, "export", "exported", result.customer_ids, vouchers)
    return result


def write_mailing_list(mailing_list: MailingList, path: Path, *, bom: bool = False) -> None:
    """Write the list as CSV (UTF-8; with a BOM so Excel shows £ and Дмитрий). The file
    appears whole or not at all."""
    path = path.expanduser()
    handle, temporary = tempfile.mkstemp(prefix=".aftercare-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(mailing_list.header)
            writer.writerows(mailing_list.rows)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_mailing_list(path: Path) -> list[dict[str, str]]:
    """A list written by `write_mailing_list`, cells as they were before `safe_cell`."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        return [
            {read_cell(key): read_cell(value) for key, value in row.items()}
            for row in csv.DictReader(source)
        ]
