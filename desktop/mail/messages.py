"""Marketing emails: templates with placeholders, rendered per customer into a multipart
(plain text + HTML) `EmailMessage` that carries a way to unsubscribe.

`EmailMessage`'s default policy refuses CR/LF inside a header, and names go into headers
through `Address`, so a customer's name cannot add a header of its own.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote

PLACEHOLDERS: dict[str, str] = {
    "first_name": "the customer's first name",
    "voucher_code": "their voucher's code",
    "voucher_value": "what the voucher is worth (10% off, £5.00 off)",
    "voucher_expiry": "the voucher's last day",
    "shop_name": "the shop's name",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
UNSUBSCRIBE_SUBJECT = "unsubscribe"


@dataclass(frozen=True)
class Template:
    subject: str
    text: str
    html: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def unknown_placeholders(template: Template) -> list[str]:
    """Placeholders the template uses that Aftercare cannot fill, like {frist_name}."""
    used = {
        name
        for part in (template.subject, template.text, template.html)
        for name in _PLACEHOLDER.findall(part)
    }
    return sorted(used - set(PLACEHOLDERS))


def _fill(text: str, values: Mapping[str, str], *, escape: bool) -> str:
    def value(match: re.Match[str]) -> str:
        filled = values.get(match.group(1), "")
        return html.escape(filled) if escape else filled

    return _PLACEHOLDER.sub(value, text)


def one_line(text: str) -> str:
    """Control characters (CR, LF, tab...) as spaces: for a header or a name."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: Template, values: Mapping[str, str], unsubscribe_to: str) -> Rendered:
    """The template with the customer's values (HTML-escaped in the HTML part), and an
    unsubscribe line at the end of both parts."""
    mailto = unsubscribe_link(unsubscribe_to)
    text = _fill(template.text, values, escape=False).rstrip()
    text += (
        "\n\n--\nDon't want these emails? Reply with “unsubscribe”, or write to "
        f"{unsubscribe_to}, and we'll stop.\n"
    )
    body = _fill(template.html, values, escape=True) if template.html else _paragraphs(text)
    footer = (
        '<p style="font-size:small;color:#666">Don\'t want these emails? '
        f'<a href="{html.escape(mailto)}">Unsubscribe</a> and we\'ll stop.</p>'
    )
    page = f"<!DOCTYPE html><html><body>{body}{footer}</body></html>"
    return Rendered(one_line(_fill(template.subject, values, escape=False)), text, page)


def _paragraphs(text: str) -> str:
    """The plain text as HTML paragraphs, for a template without an HTML part."""
    main = text.split("\n\n--\n")[0]
    return "".join(
        "<p>" + html.escape(block).replace("\n", "<br>") + "</p>"
        for block in main.split("\n\n")
        if block.strip()
    )


def unsubscribe_link(address: str) -> str:
    return f"mailto:{address}?subject={quote(UNSUBSCRIBE_SUBJECT)}"


def new_message_id(sender_email: str) -> str:
    """A unique Message-ID in the sender's domain, made before sending and stored."""
    domain = sender_email.rpartition("@")[2] or "aftercare.invalid"
    return make_msgid(domain=domain)


def _address(person: Person) -> Address:
    user, _, domain = person.email.rpartition("@")
    return Address(display_name=one_line(person.name), username=user, domain=domain)


def build_message(
    sender: Person, recipient: Person, rendered: Rendered, *, unsubscribe_to: str, message_id: str
) -> EmailMessage:
    """A multipart/alternative message with List-Unsubscribe (mailto) headers."""
    message = EmailMessage()
    message["From"] = _address(sender)
    message["To"] = _address(recipient)
    message["Subject"] = rendered.subject
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_link(unsubscribe_to)}>"
    message["Date"] = formatdate()
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
