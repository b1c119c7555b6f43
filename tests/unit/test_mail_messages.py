"""Marketing emails: placeholders filled (escaped in HTML), multipart, a way to unsubscribe in
a header and in the body, and no header injection through a name."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from desktop.mail.messages import Person, build_message, render
from desktop.shop.campaigns import Template, unknown_placeholders

SHOP = Person("Zoë's Tea & Co", "hello@zoes.example")
TEMPLATE = Template(
    subject="{first_name}, we miss you at {shop_name}",
    text="Hello {first_name}, show {voucher_code} for {voucher_value}.",
    html="<p>Hello <b>{first_name}</b>, show <code>{voucher_code}</code>.</p>",
)


def _parsed(
    recipient: Person, values: dict[str, str], template: Template = TEMPLATE
) -> EmailMessage:
    rendered = render(template, values, SHOP.email)
    message = build_message(
        SHOP, recipient, rendered, unsubscribe_to=SHOP.email, message_id="<1@zoes.example>"
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _part(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None and part.get_content_type() == f"text/{kind}"
    content: str = part.get_content()
    return content


def test_a_multipart_message_with_the_customers_values() -> None:
    values = {"first_name": "Łukasz", "shop_name": SHOP.name, "voucher_code": "7K3M-Q9PX-2D4W"}
    message = _parsed(Person("Łukasz Ó'Brien", "lukasz@example.org"), values)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Łukasz, we miss you at Zoë's Tea & Co"
    assert message["To"].addresses[0].display_name == "Łukasz Ó'Brien"
    assert message["From"].addresses[0].addr_spec == SHOP.email
    assert message["Message-ID"] == "<1@zoes.example>"
    assert "show 7K3M-Q9PX-2D4W for" in _part(message, "plain")
    assert "<code>7K3M-Q9PX-2D4W</code>" in _part(message, "html")


def test_every_message_offers_a_way_out_in_a_header_and_in_both_parts() -> None:
    message = _parsed(Person("Ελένη", "eleni@example.org"), {"first_name": "Ελένη"})
    assert message["List-Unsubscribe"] == "<mailto:hello@zoes.example?subject=unsubscribe>"
    assert "unsubscribe" in _part(message, "plain").lower()
    assert "hello@zoes.example" in _part(message, "plain")
    assert 'href="mailto:hello@zoes.example?subject=unsubscribe"' in _part(message, "html")


def test_customer_values_are_escaped_in_html_but_not_in_plain_text() -> None:
    name = "<script>alert('Zoë')</script> & co"
    message = _parsed(Person(name, "zoe@example.org"), {"first_name": name})
    html_part = _part(message, "html")
    assert "<script>" not in html_part
    assert "&lt;script&gt;" in html_part and "&amp; co" in html_part
    assert name in _part(message, "plain")


def test_without_an_html_template_the_text_becomes_the_html_part() -> None:
    plain_only = Template("Hi", "Hello {first_name}\n\nSee you <soon>")
    message = _parsed(Person("Дмитрий", "d@example.org"), {"first_name": "Дмитрий"}, plain_only)
    html_part = _part(message, "html")
    assert "<p>Hello Дмитрий</p>" in html_part and "&lt;soon&gt;" in html_part


def test_a_name_with_a_line_break_cannot_add_a_header() -> None:
    name = "Zoë\r\nBcc: victim@example.org\r\nX-Injected: yes"
    message = _parsed(
        Person(name, "zoe@example.org"), {"first_name": name}, Template("Hi {first_name}", "x")
    )
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["To"].addresses[0].addr_spec == "zoe@example.org"
    assert "\n" not in message["Subject"] and "\n" not in str(message["To"])


@given(st.text(max_size=60))
def test_no_name_can_inject_a_header(name: str) -> None:
    message = _parsed(
        Person(name, "zoe@example.org"), {"first_name": name}, Template("Hi {first_name}", "x")
    )
    assert [address.addr_spec for address in message["To"].addresses] == ["zoe@example.org"]
    assert set(message.keys()) == {
        "From",
        "To",
        "Subject",
        "Message-ID",
        "List-Unsubscribe",
        "Date",
        "MIME-Version",
        "Content-Type",
    }


def test_unknown_placeholders_are_named() -> None:
    template = Template("Hi {frist_name}", "{first_name} {voucher_cod}", "{shop_name}")
    assert unknown_placeholders(template) == ["frist_name", "voucher_cod"]
    assert unknown_placeholders(TEMPLATE) == []
