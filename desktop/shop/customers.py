"""Customers: adding, changing and reading the people a shop sells to."""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers
from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.consent import ConsentChoice, has_postal_address, record_consent
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.text import clean_line, clean_text, fold, inner_words, typed_digits, words
from desktop.store.models import Customer, Tag


@dataclass
class CustomerDetails:
    """What a person types about a customer; checked by `create_customer`/`update_customer`."""

    name: str
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    country: str = "GB"
    birth_day: int | None = None
    birth_month: int | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, customer: Customer) -> CustomerDetails:
        return cls(
            name=customer.name,
            email=customer.email or "",
            phone=customer.phone or "",
            address_line1=customer.address_line1,
            address_line2=customer.address_line2,
            town=customer.town,
            postcode=customer.postcode,
            country=customer.country,
            birth_day=customer.birth_day,
            birth_month=customer.birth_month,
            notes=customer.notes,
            tags=[t.name for t in customer.tags],
        )


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def normalise_email(value: str) -> tuple[str | None, str | None]:
    """(email as typed but checked, lower-case key) or (None, None) when empty."""
    value = clean_line(value, "email", max_length=320)
    if not value:
        return None, None
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput("email", f"“{value}” is not a valid email address: {error}") from None
    return checked.normalized, checked.normalized.casefold()


def normalise_phone(value: str, country: str) -> tuple[str | None, str | None]:
    """(phone in international format, E.164 key) or (None, None) when empty."""
    value = clean_line(value, "phone", max_length=40)
    if not value:
        return None, None
    try:
        number = phonenumbers.parse(value, country or "GB")
    except phonenumbers.NumberParseException:
        raise InvalidInput("phone", f"“{value}” is not a phone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput("phone", f"“{value}” does not look like a complete phone number.")
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return shown, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def countries(locale: str = "en_GB") -> list[tuple[str, str]]:
    """(code, name) of every country a customer can live in, by name in the shop's language."""
    try:
        names = Locale.parse(locale).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    found = [(code, names.get(code, code)) for code in phonenumbers.SUPPORTED_REGIONS]
    return sorted(found, key=lambda pair: fold(pair[1]))


def _checked_country(value: str) -> str:
    country = clean_line(value or "GB", "country", max_length=2).upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput("country", f"“{value}” is not a country code (like GB or IE).")
    return country


def phone_search_words(phone: str | None, e164: str | None) -> list[str]:
    """Digits as people type them: international (447700…) and national (07700…)."""
    if not phone or not e164:
        return []
    digits = e164.lstrip("+")
    national = phonenumbers.national_significant_number(phonenumbers.parse(e164))
    return [digits, "0" + national, national]


def build_search_text(customer: Customer) -> str:
    name_words = words(customer.name)
    parts = [*name_words, *(inner for word in name_words for inner in inner_words(word))]
    # "O'Brien" and "Smith-Jones" are also found typed as one word.
    parts += ["".join(words(token)) for token in fold(customer.name).split()]
    # Searching treats digits typed like a phone number as one run; so must the index.
    parts += [d for typed in (customer.name, *name_words) if (d := typed_digits(typed))]
    if customer.email:
        local, _, domain = customer.email.casefold().partition("@")
        parts += [customer.email.casefold(), *words(local.replace(".", " ")), domain]
    parts += phone_search_words(customer.phone, customer.phone_key)
    if customer.postcode:
        # "SW1A 1AA", "sw1a1aa" and "00-950" typed as "00950" all find it.
        parts += [*words(customer.postcode), "".join(words(customer.postcode))]
    unique = dict.fromkeys(p for p in parts if p)
    return " ".join(unique)


def _checked_birthday(day: int | None, month: int | None) -> tuple[int | None, int | None]:
    if day is None and month is None:
        return None, None
    if day is None or month is None:
        raise InvalidInput("birthday", "Please give both the day and the month of the birthday.")
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise InvalidInput("birthday", f"{day}/{month} is not a day of the year.")
    return day, month


def _tags(session: Session, names: list[str]) -> list[Tag]:
    cleaned = {clean_line(n, "tag", max_length=60) for n in names}
    cleaned.discard("")
    if not cleaned:
        return []
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(cleaned)))}
    for name in cleaned - existing.keys():
        existing[name] = Tag(name=name)
        session.add(existing[name])
    return sorted(existing.values(), key=lambda t: fold(t.name))


def _apply_fields(customer: Customer, details: CustomerDetails) -> None:
    country = _checked_country(details.country)
    customer.name = clean_line(details.name, "name", required=True)
    customer.sort_name = fold(customer.name)
    customer.email, customer.email_key = normalise_email(details.email)
    customer.phone, customer.phone_key = normalise_phone(details.phone, country)
    customer.address_line1 = clean_line(details.address_line1, "address")
    customer.address_line2 = clean_line(details.address_line2, "address")
    customer.town = clean_line(details.town, "town", max_length=120)
    customer.postcode = clean_line(details.postcode, "postcode", max_length=20).upper()
    customer.postcode_key = postcode_key(customer.postcode)
    customer.country = country
    customer.birth_day, customer.birth_month = _checked_birthday(
        details.birth_day, details.birth_month
    )
    customer.notes = clean_text(details.notes, "notes")
    customer.search_text = build_search_text(customer)


def _apply(session: Session, customer: Customer, details: CustomerDetails) -> None:
    _apply_fields(customer, details)
    customer.tags = _tags(session, details.tags)


def unsaved_customer(details: CustomerDetails) -> Customer:
    """The customer `details` would make, checked but not added to any session: for asking
    `duplicates.possible_duplicates` before saving. Raises InvalidInput like `create_customer`."""
    customer = Customer()
    _apply_fields(customer, details)
    for name in details.tags:
        clean_line(name, "tag", max_length=60)
    return customer


def create_customer(
    session: Session,
    details: CustomerDetails,
    *,
    email_consent: ConsentChoice | None = None,
    post_consent: ConsentChoice | None = None,
    source: str = "counter",
) -> Customer:
    """Add a customer, recording any marketing choice they made in the consent ledger."""
    customer = Customer()
    _apply(session, customer, details)
    session.add(customer)
    session.flush()
    if email_consent is not None:
        record_consent(session, customer, "email", email_consent, source=source)
    if post_consent is not None:
        record_consent(session, customer, "post", post_consent, source=source)
    return customer


def update_customer(session: Session, customer_id: int, details: CustomerDetails) -> Customer:
    """Change a customer's details (consents change through `record_consent` only)."""
    customer = get_customer(session, customer_id)
    _apply(session, customer, details)
    # A permission cannot outlive the address it was for.
    if customer.email_marketing and not customer.email:
        record_consent(session, customer, "email", ConsentChoice(granted=False), source="edit")
    if customer.post_marketing and not has_postal_address(customer):
        record_consent(session, customer, "post", ConsentChoice(granted=False), source="edit")
    return customer


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer with this number; NotFound (with a message) when there is none."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer number {customer_id}.")
    return customer
