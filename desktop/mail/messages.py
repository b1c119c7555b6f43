"""Marketing emails: a campaign's template (shop/campaigns.py) rendered per customer into a
multipart (plain text + HTML) `EmailMessage` that carries a way to unsubscribe.

`EmailMessage`'s default policy refuses CR/LF inside a header, and names go into headers
through `Address`, so a customer's name cannot add a header of its own.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import quote

from desktop.shop.campaigns import Template, fill

UNSUBSCRIBE_SUBJECT = "unsubscribe"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def _fill(text: str, values: Mapping[str, str], *, escape: bool) -> str:
    return fill(text, {k: html.escape(v) for k, v in values.items()} if escape else values)


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
