"""Sending through the shop's mail server: TLS always, the certificate always verified.

A message goes out as MAIL, RCPT, DATA so a failure can be placed: before DATA nothing was
handed over (safe to send again); during DATA the server may already hold the message
(uncertain: never sent again on its own, see shop/campaigns.py).
"""

from __future__ import annotations

import base64
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from types import TracebackType

from desktop.mail.smtp_settings import SmtpSettings

TIMEOUT_SECONDS = 30


class MailError(Exception):
    """Sending cannot go on; the message says why in plain words."""


class InsecureServer(MailError):
    """The server offers no encryption: Aftercare will not send a password or mail in clear."""


class RecipientRefused(Exception):
    """The server refused this one message (bad address, mailbox full); the others go on."""


class ConnectionLost(MailError):
    """The connection broke. `uncertain`: it broke while the server had the message."""

    def __init__(self, message: str, *, uncertain: bool) -> None:
        super().__init__(message)
        self.uncertain = uncertain


class RateLimit:
    """At most `per_minute` messages a minute, evenly spaced (0: no limit)."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gap = 60.0 / per_minute if per_minute > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = clock()

    def wait(self, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Sleep until the next message may go, in short steps so a cancel is prompt."""
        while not should_stop():
            left = self._next - self._clock()
            if left <= 0:
                break
            self._sleep(min(left, 0.2))
        self._next = max(self._next, self._clock()) + self._gap


class MailConnection:
    """An open, encrypted, logged-in connection to the mail server."""

    def __init__(
        self,
        settings: SmtpSettings,
        password: str | None,
        *,
        context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        # Tests pass a context trusting their own certificate; the app always verifies.
        context = context or ssl.create_default_context()
        where = f"{settings.host}:{settings.port}"
        try:
            if settings.security == "tls":
                self._smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=timeout, context=context
                )
            else:
                self._smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
                self._smtp.ehlo()
                if not self._smtp.has_extn("starttls"):
                    self._smtp.close()
                    raise InsecureServer(
                        f"The mail server {where} does not offer STARTTLS, so Aftercare will not "
                        "send your password or mail unencrypted. Check the port or choose TLS."
                    )
                self._smtp.starttls(context=context)
                self._smtp.ehlo()
            if settings.user:
                _login(self._smtp, settings.user, password or "")
        except ssl.SSLCertVerificationError as error:
            raise MailError(
                f"The mail server {where} did not prove who it is ({error.verify_message}). "
                "Check the server name."
            ) from error
        except smtplib.SMTPAuthenticationError as error:
            self._smtp.close()
            raise MailError("The mail server refused the user name or password.") from error
        except (OSError, smtplib.SMTPException) as error:
            if isinstance(error, InsecureServer):
                raise
            raise MailError(f"Could not connect to the mail server {where}: {error}") from error

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand one message over. RecipientRefused: this one failed, go on; ConnectionLost:
        stop."""
        smtp = self._smtp
        try:
            # SMTPUTF8 only for an address outside ASCII; names travel encoded in any case.
            options = [] if (sender + recipient).isascii() else ["SMTPUTF8"]
            code, reply = smtp.mail(sender, options)
            if code != 250:
                smtp.rset()
                raise RecipientRefused(f"The server refused the sender: {_text(code, reply)}")
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                raise RecipientRefused(f"The server refused {recipient}: {_text(code, reply)}")
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise ConnectionLost(
                f"The mail server closed the connection: {error}", uncertain=False
            ) from error
        try:
            smtp.data(message.as_bytes(policy=SMTPUTF8 if options else SMTP))
        except smtplib.SMTPDataError as error:
            raise RecipientRefused(
                f"The server refused the message: {_text(error.smtp_code, error.smtp_error)}"
            ) from error
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise ConnectionLost(
                f"The connection broke while the server was taking the message: {error}",
                uncertain=True,
            ) from error


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN in UTF-8 (RFC 4616) when offered: smtplib's own login encodes as ASCII, so
    a password like "sécret" would fail, and it retries other mechanisms after a refusal."""
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" in smtp.esmtp_features.get("auth", "").upper().split():
        secret = b"\0" + user.encode() + b"\0" + password.encode()
        code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(secret).decode("ascii"))
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
    elif (user + password).isascii():
        smtp.login(user, password)
    else:
        raise smtplib.SMTPAuthenticationError(
            504, b"The server offers no login that takes a password with accents or symbols."
        )


def _text(code: int, reply: bytes | str) -> str:
    words = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {words}".strip()
