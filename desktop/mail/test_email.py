"""A test email: proof that the mail server settings and the password work, before a campaign
relies on them. Failures come back in plain words (wrong password, server not found...)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from desktop.mail.messages import Person, one_line
from desktop.mail.sending import MailConnection, MailError, RecipientRefused
from desktop.mail.smtp_settings import SmtpSettings
from desktop.shop.customers import normalise_email
from desktop.shop.errors import InvalidInput


def _address(person: Person) -> Address:
    user, _, domain = person.email.rpartition("@")
    return Address(display_name=one_line(person.name), username=user, domain=domain)


def make_test_message(sender: Person, to: str) -> EmailMessage:
    """A short multipart message from the shop to `to`, saying what it is."""
    message = EmailMessage()
    message["From"] = _address(sender)
    message["To"] = _address(Person("", to))
    message["Subject"] = one_line(f"Test email from {sender.name or 'Aftercare'}")
    message["Message-ID"] = make_msgid(domain=sender.email.rpartition("@")[2] or None)
    message["Date"] = formatdate()
    text = (
        f"This is a test email from Aftercare for {sender.name or 'your shop'}.\n\n"
        "It arrived, so the mail server settings work: campaigns can be sent."
    )
    message.set_content(text)
    message.add_alternative(
        "<!DOCTYPE html><html><body>"
        + "".join(f"<p>{part}</p>" for part in text.split("\n\n"))
        + "</body></html>",
        subtype="html",
    )
    return message


def plain_reason(error: MailError, settings: SmtpSettings) -> str:
    """Why the connection failed, in words a shopkeeper can act on."""
    cause = error.__cause__
    where = settings.host
    if isinstance(cause, socket.gaierror):
        return (
            f"Aftercare could not find the mail server “{where}”. Check the server name and "
            "that this computer is online."
        )
    if isinstance(cause, ConnectionRefusedError):
        return (
            f"The mail server {where} refused the connection on port {settings.port}. Check "
            "the port: usually 587 for STARTTLS, 465 for TLS."
        )
    if isinstance(cause, TimeoutError | socket.timeout):
        return (
            f"The mail server {where} did not answer on port {settings.port}. Check the port "
            "and that this computer is online."
        )
    if isinstance(cause, ssl.SSLError) and not isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"The connection to {where}:{settings.port} could not be encrypted. Check the "
            "security choice: port 587 usually wants STARTTLS, port 465 TLS."
        )
    if isinstance(cause, smtplib.SMTPAuthenticationError):
        return "The mail server refused the user name or password. Check both and try again."
    return str(error)


def send_test_email(
    settings: SmtpSettings,
    password: str | None,
    sender: Person,
    to: str,
    *,
    context: ssl.SSLContext | None = None,
) -> str:
    """Send a test email from the shop to `to`; returns the address it went to. InvalidInput
    for an address that isn't one, MailError (plain words) when the server or login fails.
    `context` is for tests trusting their own server; the app always verifies."""
    address, _ = normalise_email(to)
    if address is None:
        raise InvalidInput("test address", "Enter the address to send the test email to.")
    try:
        with MailConnection(settings, password, context=context) as connection:
            connection.send(make_test_message(sender, address), sender.email, address)
    except RecipientRefused as refused:
        raise MailError(f"{refused} Check the address.") from refused
    except MailError as error:
        raise MailError(plain_reason(error, settings)) from error
    return address
