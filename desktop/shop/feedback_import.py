"""Importing an online form's responses from its CSV export (a Google Forms export, say).

The columns are found by the words in their headers (overridable), each row is matched to a
purchase by its reference or to a customer by email, and `preview_import` shows what matched,
what did not and which rows are malformed, naming the line and field. `apply_import` writes every
matched row or none. Each response gets a key (its timestamp with the email and reference,
hashed), so importing the same file again adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import get_date_format
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.customers import normalise_email
from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.feedback import MAX_COMMENT, FeedbackInput, record_feedback
from desktop.shop.purchases import find_purchase
from desktop.shop.settings import get_profile
from desktop.shop.text import clean_text, fold
from desktop.store.models import Customer, utc_now
from desktop.store.models_feedback import Feedback

MAX_ROWS = 100_000
# What a safe export puts before a cell that a spreadsheet would read as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Header words for each field, tried in this order: "How likely are you to recommend us?" is
# the recommend score even though it might also say "order"; "stars for your order" a rating.
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("timestamp", ("timestamp", "submitted", "horodateur", "zeitstempel")),
    ("recommend", ("recommend", "likely", "nps")),
    ("rating", ("rating", "stars", "star", "rate", "score")),
    ("email", ("email", "e-mail", "mail")),
    ("reference", ("reference", "order", "ref", "purchase", "receipt")),
    ("comment", ("comment", "comments", "anything", "tell us", "feedback", "suggestion")),
)
_STARS = re.compile(r"(?P<number>\S+?)\s*(?:/\s*(?P<out_of>\d+)|stars?|★+)?")
_ZONE = re.compile(r"\s*(?:GMT|UTC)\s*(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (by its header, as in the file) holds each field; None: not in the file."""

    timestamp: str | None = None
    reference: str | None = None
    email: str | None = None
    rating: str | None = None
    recommend: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class MatchedRow:
    line: int
    received_at: datetime
    rating: int | None
    recommend: int | None
    comment: str
    purchase_id: int | None
    customer_id: int | None
    customer_name: str | None
    reference: str | None  # the purchase's reference, when matched by it
    matched_by: str  # "reference" or "email"
    response_key: str


@dataclass(frozen=True)
class UnmatchedRow:
    line: int
    reference: str
    email: str
    reason: str


@dataclass(frozen=True)
class MalformedRow:
    line: int
    field: str
    problem: str

    @property
    def message(self) -> str:
        """'line 7, rating: “abc” is not a number from 1 to 5'"""
        return f"line {self.line}, {self.field}: {self.problem}"


@dataclass(frozen=True)
class ImportPreview:
    matched: list[MatchedRow] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    malformed: list[MalformedRow] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # lines seen before
    mapping: ColumnMapping = field(default_factory=ColumnMapping)


def strip_safe_prefix(cell: str) -> str:
    """Undo a safe export: "'=SUM" -> "=SUM"; "'Twas lovely" stays as it is."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "file", "The file is not UTF-8 text: export it again as CSV (UTF-8)."
        ) from None


def detect_mapping(headers: Sequence[str]) -> ColumnMapping:
    """The columns whose headers carry each field's words; the first column wins a field."""
    found: dict[str, str] = {}
    for header in headers:
        words = fold(header)
        for name, hints in _HEADER_WORDS:
            if any(re.search(rf"\b{re.escape(hint)}\b", words) for hint in hints):
                if name not in found:
                    found[name] = header
                break
    return ColumnMapping(**found)


def _reader(csv_text: str) -> Any:
    """A CSV reader split by comma, else by the semicolon or tab the first line uses (a
    spreadsheet in a comma-decimal locale saves with semicolons)."""
    text = csv_text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def file_headers(csv_text: str) -> list[str]:
    """The column titles (the first row that is not blank), split as the import splits them."""
    try:
        for cells in _reader(csv_text):
            if any(cell.strip() for cell in cells):
                return [strip_safe_prefix(cell) for cell in cells]
    except csv.Error:
        pass  # the preview names the line that cannot be read
    return []


def _rows(csv_text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = _reader(csv_text)
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for cells in reader:
            if len(rows) > MAX_ROWS:
                raise InvalidInput("file", f"The file has more than {MAX_ROWS:,} rows.")
            if any(cell.strip() for cell in cells):
                rows.append((start, [strip_safe_prefix(cell) for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput("file", f"Line {reader.line_num} could not be read: {error}.") from None
    if not rows:
        raise InvalidInput("file", "The file is empty.")
    return rows[0][1], rows[1:]


def _checked_mapping(mapping: ColumnMapping, headers: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for item in fields(mapping):
        header = getattr(mapping, item.name)
        if header is None:
            continue
        if header not in headers:
            raise InvalidInput("mapping", f"The file has no column “{header}”.")
        columns[item.name] = list(headers).index(header)
    if "rating" not in columns and "recommend" not in columns:
        raise InvalidInput(
            "mapping",
            "No column for a star rating or a recommend score was found: "
            "choose which column holds them.",
        )
    if "reference" not in columns and "email" not in columns:
        raise InvalidInput(
            "mapping",
            "No column for the order reference or the email address was found: "
            "choose which column holds them, so responses can be matched.",
        )
    return columns


class _Malformed(Exception):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field_name
        self.problem = problem


def _score(text: str, field_name: str, low: int, high: int) -> int | None:
    typed = text.strip()
    if not typed:
        return None
    if set(typed) == {"★"}:
        value: Decimal | None = Decimal(len(typed))
    else:
        match = _STARS.fullmatch(typed)
        value = None
        if match and (match["out_of"] is None or int(match["out_of"]) == high):
            try:
                value = Decimal(match["number"])
            except InvalidOperation:
                value = None
    if value is None or not value.is_finite() or value != value.to_integral_value():
        value = None
    if value is None or not low <= value <= high:
        raise _Malformed(field_name, f"“{typed}” is not a number from {low} to {high}")
    return int(value)


def _zone(text: str) -> tuple[str, timezone | None]:
    match = _ZONE.search(text)
    if match is None:
        if text.upper().endswith((" GMT", " UTC")):
            return text[:-4], UTC
        return text, None
    offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
    return text[: match.start()], timezone(-offset if match["sign"] == "-" else offset)


def _parsed_time(text: str, day_first: bool) -> datetime | None:
    if text[:4].isdigit() and text[4:5] in "-/":
        try:
            return datetime.fromisoformat(text.replace("/", "-", 2))
        except ValueError:
            pass
    slashed = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    for pattern in (f"{slashed} %H:%M:%S", f"{slashed} %H:%M", slashed, "%Y/%m/%d %I:%M:%S %p"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _timestamp(text: str, day_first: bool) -> datetime:
    """A form's timestamp: ISO, '2024/05/01 10:00:00 AM GMT+1' (Google Forms) or the way the
    shop's locale writes dates ('01/05/2024 10:00:00'); without a zone, in local time."""
    if not text:
        raise _Malformed("timestamp", "the date and time are missing")
    rest, zone = _zone(text)
    moment = _parsed_time(rest.strip(), day_first)
    if moment is None:
        raise _Malformed("timestamp", f"“{text}” is not a date and time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    if moment > utc_now() + timedelta(days=1):
        order = "day first" if day_first else "month first"
        raise _Malformed("timestamp", f"“{text}” is in the future (dates are read {order})")
    return moment


def _day_first(locale: str) -> bool:
    """Whether the locale writes the day before the month (en_GB) or after it (en_US)."""
    pattern = str(get_date_format("short", locale=locale).pattern).lower()
    return pattern.find("d") < pattern.find("m")


def response_key(timestamp: str, email: str, reference: str) -> str:
    """The fingerprint of one form response: the same row imported twice has the same key."""
    parts = "\x1f".join((timestamp.strip(), email.strip().casefold(), reference.strip().upper()))
    return hashlib.sha256(parts.encode()).hexdigest()


def _customer_by_email(session: Session, email: str) -> tuple[Customer | None, str]:
    try:
        _, key = normalise_email(email)  # the key customers' addresses are kept under
    except InvalidInput:
        return None, f"“{email.strip()}” is not an email address"
    found = list(session.scalars(select(Customer).where(Customer.email_key == key).limit(2)))
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, f"more than one customer has the email {email.strip()}"
    return None, f"no customer has the email {email.strip()}"


def _cell(cells: Sequence[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


def preview_import(
    session: Session, csv_text: str, mapping: ColumnMapping | None = None
) -> ImportPreview:
    """What importing `csv_text` would do, writing nothing. Without `mapping`, the columns are
    found by their headers' words. Raises InvalidInput when the file or mapping cannot work."""
    headers, rows = _rows(csv_text)
    chosen = mapping or detect_mapping(headers)
    columns = _checked_mapping(chosen, headers)
    day_first = _day_first(get_profile(session).locale)
    preview = ImportPreview(mapping=chosen)
    keys_seen: set[str] = set()
    for line, cells in rows:
        raw = {name: _cell(cells, columns, name).strip() for name in columns}
        try:
            received = (
                _timestamp(raw["timestamp"], day_first) if "timestamp" in columns else utc_now()
            )
            rating = _score(raw.get("rating", ""), "rating", 1, 5)
            recommend = _score(raw.get("recommend", ""), "recommend", 0, 10)
            if rating is None and recommend is None:
                raise _Malformed("rating", "neither a star rating nor a recommend score was given")
            comment = clean_text(raw.get("comment", ""), "comment", max_length=MAX_COMMENT)
        except _Malformed as problem:
            preview.malformed.append(MalformedRow(line, problem.field, problem.problem))
            continue
        except InvalidInput as problem:
            preview.malformed.append(MalformedRow(line, problem.field, str(problem)))
            continue
        reference, email = raw.get("reference", ""), raw.get("email", "")
        stamp = raw["timestamp"] if "timestamp" in columns else "\x1f".join(cells)
        key = response_key(stamp, email, reference)
        if key in keys_seen or _imported(session, key):
            preview.already_imported.append(line)
            continue
        keys_seen.add(key)
        found = _match(session, reference, email)
        if isinstance(found, str):
            preview.unmatched.append(UnmatchedRow(line, reference, email, found))
            continue
        purchase_id, customer, purchase_reference, matched_by = found
        preview.matched.append(
            MatchedRow(
                line=line,
                received_at=received,
                rating=rating,
                recommend=recommend,
                comment=comment,
                purchase_id=purchase_id,
                customer_id=customer.id if customer else None,
                customer_name=customer.name if customer else None,
                reference=purchase_reference,
                matched_by=matched_by,
                response_key=key,
            )
        )
    return preview


def _imported(session: Session, key: str) -> bool:
    return session.scalar(select(Feedback.id).where(Feedback.response_key == key)) is not None


def _match(
    session: Session, reference: str, email: str
) -> tuple[int | None, Customer | None, str | None, str] | str:
    """(purchase id, customer, purchase reference, matched by), or why nothing matched."""
    reasons = []
    if reference:
        try:
            purchase = find_purchase(session, reference)
        except (NotFound, InvalidInput):
            reasons.append(f"no purchase has the reference {reference}")
        else:
            if purchase.voided_at is None:
                return purchase.id, purchase.customer, purchase.reference, "reference"
            reasons.append(f"purchase {purchase.reference} was voided")
    if email:
        customer, why = _customer_by_email(session, email)
        if customer is not None:
            return None, customer, None, "email"
        reasons.append(why)
    return "; ".join(reasons) or "the row has neither an order reference nor an email address"


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # imported meanwhile (by another till, or an earlier run)


def apply_import(session: Session, preview: ImportPreview) -> ImportResult:
    """Write every matched row of `preview` as online-form feedback, in the caller's transaction:
    if any row fails, the error names its line and the caller's rollback leaves nothing behind."""
    added = skipped = 0
    for row in preview.matched:
        if _imported(session, row.response_key):
            skipped += 1
            continue
        details = FeedbackInput(
            rating=row.rating,
            recommend=row.recommend,
            comment=row.comment,
            channel="online_form",
            received_at=row.received_at,
            purchase_id=row.purchase_id,
            customer_id=row.customer_id,
        )
        try:
            record_feedback(session, details, response_key=row.response_key)
        except ShopError as error:
            raise InvalidInput("file", f"Line {row.line}: {error} Nothing was imported.") from None
        added += 1
    return ImportResult(added, skipped)
