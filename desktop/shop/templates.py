"""Message templates for thank-you inserts: a greeting line, a body and a signature.

Placeholders such as {first_name} are filled from the purchase. Templates are parsed with
`string.Formatter` against a whitelist and filled piece by piece, never with `str.format`, so a
customer called "{Zoë}" or a shop's own text with a stray brace can never break a print run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from string import Formatter

from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.text import clean_line, clean_text, fold
from desktop.store.models import Setting

TEMPLATES_KEY = "inserts.templates"

PLACEHOLDERS = {
    "first_name": "the customer's first name",
    "shop_name": "your shop's name",
    "signed_by": "who signs the card (set in the insert options; your shop's name if not set)",
    "items": "what they bought, e.g. “2 × Blue mug, Tea towel”",
    "reference": "the purchase reference",
    "purchase_date": "the day of the purchase, e.g. 3 May 2026",
    "website": "your shop's website",
    "voucher_value": "the voucher's value, e.g. “10% off”",
    "voucher_code": "the voucher's code, e.g. 7G9C-4X6R-A6PM",
    "voucher_expiry": "the voucher's last day, e.g. 31 December 2026",
}
# A paragraph about the voucher is left out of an insert that carries none.
VOUCHER_PLACEHOLDERS = frozenset({"voucher_value", "voucher_code", "voucher_expiry"})
# "Dear {first_name}," reads wrongly without a name (an anonymous sale): this replaces it.
ANONYMOUS_GREETING = "Hello,"
BUILT_IN = ("warm", "short", "seasonal")
MAX_NAME = 40

_FORMATTER = Formatter()


@dataclass(frozen=True)
class Template:
    """An insert message. Built-in templates are read-only; copy one to change it."""

    name: str
    greeting: str
    body: str  # paragraphs separated by a blank line
    signature: str
    built_in: bool = False


@dataclass(frozen=True)
class FilledMessage:
    greeting: str
    body: str
    signature: str


_WARM = Template(
    "warm",
    "Dear {first_name},",
    "Thank you so much for choosing {shop_name}. Your order was packed by hand, with care, and "
    "we hope it brings you a lot of joy.\n\n"
    "As a little thank-you, here is {voucher_value} your next order: just use the code "
    "{voucher_code} by {voucher_expiry}.\n\n"
    "If anything isn't quite right, please get in touch: we are always happy to help.",
    "With love, {signed_by}",
    built_in=True,
)
_SHORT = Template(
    "short",
    "Hi {first_name},",
    "Thank you for your order! We hope you love it.\n\n"
    "{voucher_value} next time with the code {voucher_code}.",
    "Thanks, {signed_by}",
    built_in=True,
)
_VOUCHER_LINE = (
    "A small gift from us: {voucher_value} your next order with the code {voucher_code}, "
    "until {voucher_expiry}."
)
_SEASONS = {
    "christmas": (
        "Merry Christmas, {first_name}!",
        "Thank you for shopping with {shop_name} this festive season. Your order was wrapped "
        "with care, and we hope it brings a little extra sparkle to your Christmas.\n\n"
        + _VOUCHER_LINE
        + "\n\nWishing you a warm and happy new year.",
        "With festive wishes, {signed_by}",
    ),
    "winter": (
        "Dear {first_name},",
        "Thank you for brightening a winter's day with an order from {shop_name}. We hope it "
        "brings some warmth and comfort while the evenings are long.\n\n" + _VOUCHER_LINE,
        "Stay cosy, {signed_by}",
    ),
    "spring": (
        "Dear {first_name},",
        "Thank you for your order from {shop_name}. Spring is in the air, and we hope your "
        "parcel brings some of that fresh, hopeful feeling with it.\n\n" + _VOUCHER_LINE,
        "With spring wishes, {signed_by}",
    ),
    "summer": (
        "Dear {first_name},",
        "Thank you for choosing {shop_name}. We hope your order brightens long summer days, "
        "wherever they take you.\n\n" + _VOUCHER_LINE,
        "Sunny wishes, {signed_by}",
    ),
    "autumn": (
        "Dear {first_name},",
        "Thank you for your order from {shop_name}. As the leaves turn, we hope it brings you "
        "something to treasure on cosy autumn days.\n\n" + _VOUCHER_LINE,
        "Warm autumn wishes, {signed_by}",
    ),
}


def season(day: date) -> str:
    """Which seasonal wording suits `day` (northern hemisphere): Christmas runs 1 Dec–6 Jan."""
    if day.month == 12 or (day.month == 1 and day.day <= 6):
        return "christmas"
    if day.month in (1, 2):
        return "winter"
    if day.month in (3, 4, 5):
        return "spring"
    if day.month in (6, 7, 8):
        return "summer"
    return "autumn"


def _built_in(name: str, on: date) -> Template:
    if name == "warm":
        return _WARM
    if name == "short":
        return _SHORT
    greeting, body, signature = _SEASONS[season(on)]
    return Template("seasonal", greeting, body, signature, built_in=True)


def _stored(session: Session) -> dict[str, dict[str, str]]:
    row = session.get(Setting, TEMPLATES_KEY)
    if row is None:
        return {}
    value: dict[str, dict[str, str]] = json.loads(row.value)
    return value


def _store(session: Session, templates: dict[str, dict[str, str]]) -> None:
    value = json.dumps(templates, ensure_ascii=False, sort_keys=True)
    session.merge(Setting(key=TEMPLATES_KEY, value=value))
    session.flush()


def _from_stored(name: str, parts: Mapping[str, str]) -> Template:
    return Template(name, parts["greeting"], parts["body"], parts["signature"])


def list_templates(session: Session, on: date | None = None) -> list[Template]:
    """The built-in templates first, then the shop's own from A to Z."""
    day = on or date.today()
    own = sorted(_stored(session).items(), key=lambda item: fold(item[0]))
    return [_built_in(name, day) for name in BUILT_IN] + [_from_stored(n, p) for n, p in own]


def get_template(session: Session, name: str, on: date | None = None) -> Template:
    """The template called `name` (case and accents ignored); "seasonal" is worded for `on`."""
    key = fold(name.strip())
    if key in BUILT_IN:
        return _built_in(key, on or date.today())
    for stored_name, parts in _stored(session).items():
        if fold(stored_name) == key:
            return _from_stored(stored_name, parts)
    raise NotFound(f"There is no insert template called “{name.strip()}”.")


def _lone_brace(text: str) -> tuple[str, int] | None:
    """The first brace that opens or closes nothing, and where it is."""
    position = 0
    while position < len(text):
        ch = text[position]
        doubled = text[position + 1 : position + 2] == ch
        if ch in "{}" and doubled:
            position += 2
        elif ch == "{":
            end = text.find("}", position + 1)
            if end == -1 or "{" in text[position + 1 : end]:
                return ch, position
            position = end + 1
        elif ch == "}":
            return ch, position
        else:
            position += 1
    return None


def _one_line(quoted: str) -> str:
    # What a message quotes from a template reads as part of one sentence, line breaks and all.
    return " ".join(quoted.split())


def check_placeholders(text: str, field: str) -> str:
    """`text` when every {placeholder} in it is known and every brace is balanced.

    Raises InvalidInput naming the unknown placeholder or showing where the lone brace is."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        pieces = list(_FORMATTER.parse(text))
    except ValueError:
        found = _lone_brace(text)
        brace, where = found if found is not None else ("{", len(text))
        near = _one_line(text[max(0, where - 15) : where + 15])
        raise InvalidInput(
            field,
            f"The {field} has a “{brace}” on its own (near “{near}”). Placeholders look like "
            f"{{first_name}}; to print a brace itself, type it twice: {{{{ or }}}}.",
        ) from None
    for _literal, name, spec, conversion in pieces:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "")
        written = _one_line(written + (f":{spec}" if spec else "") + "}")
        if name not in PLACEHOLDERS:
            raise InvalidInput(
                field, f"The {field} uses “{written}”, which Aftercare doesn't know. Use: {known}."
            )
        if spec or conversion:
            raise InvalidInput(field, f"Write “{{{name}}}” in the {field}, without “{written}”.")
    return text


def _checked(template: Template) -> Template:
    name = clean_line(template.name, "template name", max_length=MAX_NAME, required=True)
    if fold(name) in BUILT_IN:
        raise InvalidInput(
            "template name", f"“{name}” is a built-in template: choose another name for yours."
        )
    greeting = check_placeholders(clean_line(template.greeting, "greeting"), "greeting")
    body = check_placeholders(clean_text(template.body, "message", max_length=2000), "message")
    signature = check_placeholders(clean_line(template.signature, "signature"), "signature")
    if not body:
        raise InvalidInput("message", "Please write the message.")
    return Template(name, greeting, body, signature)


def _name_taken(stored: Mapping[str, object], name: str, ignoring: str | None = None) -> bool:
    return any(fold(other) == fold(name) and other != ignoring for other in stored)


def add_template(session: Session, template: Template) -> Template:
    """Save a new template of the shop's own. Raises InvalidInput naming a bad placeholder."""
    checked = _checked(template)
    stored = _stored(session)
    if _name_taken(stored, checked.name):
        raise InvalidInput("template name", f"There is already a template called “{checked.name}”.")
    stored[checked.name] = _parts(checked)
    _store(session, stored)
    return checked


def update_template(session: Session, name: str, template: Template) -> Template:
    """Change (and perhaps rename) one of the shop's templates; built-ins cannot be changed."""
    current = get_template(session, name)
    if current.built_in:
        raise InvalidInput(
            "template name", f"“{current.name}” is built in and cannot be changed: copy it first."
        )
    checked = _checked(template)
    stored = _stored(session)
    if _name_taken(stored, checked.name, ignoring=current.name):
        raise InvalidInput("template name", f"There is already a template called “{checked.name}”.")
    del stored[current.name]
    stored[checked.name] = _parts(checked)
    _store(session, stored)
    return checked


def delete_template(session: Session, name: str) -> None:
    """Remove one of the shop's templates (built-ins stay)."""
    current = get_template(session, name)
    if current.built_in:
        raise InvalidInput("template name", f"“{current.name}” is built in and cannot be deleted.")
    stored = _stored(session)
    del stored[current.name]
    _store(session, stored)


def copy_template(session: Session, name: str, new_name: str, on: date | None = None) -> Template:
    """A new template of the shop's own starting from another (a copy of "seasonal" takes the
    wording of the season `on` falls in)."""
    source = get_template(session, name, on)
    return add_template(session, replace(source, name=new_name, built_in=False))


def _parts(template: Template) -> dict[str, str]:
    return {"greeting": template.greeting, "body": template.body, "signature": template.signature}


def _names(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError:
        return set()


def _fill(text: str, values: Mapping[str, str]) -> str:
    try:
        pieces = list(_FORMATTER.parse(text))
    except ValueError:
        # Checked when saved; a setting edited by hand prints as written rather than failing.
        return text
    out: list[str] = []
    for literal, name, _spec, _conversion in pieces:
        out.append(literal)
        if name is not None:
            out.append(values[name] if name in values else "{" + name + "}")
    return "".join(out)


def fill_template(
    template: Template, values: Mapping[str, str], *, with_voucher: bool
) -> FilledMessage:
    """The template's text with the placeholders filled; values are inserted as they are."""
    greeting = template.greeting
    if not values.get("first_name") and "first_name" in _names(greeting):
        greeting = ANONYMOUS_GREETING
    paragraphs = [
        paragraph
        for paragraph in template.body.split("\n\n")
        if with_voucher or not (_names(paragraph) & VOUCHER_PLACEHOLDERS)
    ]
    return FilledMessage(
        greeting=_fill(greeting, values),
        body="\n\n".join(_fill(paragraph, values) for paragraph in paragraphs),
        signature=_fill(template.signature, values),
    )
