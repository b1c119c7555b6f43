"""Sending a campaign's queued emails: the loop a background worker runs.

The states live in shop/campaigns.py (at most once: "sending" committed before a message goes
out, "sent" once the server accepted it). Each recipient costs one commit: it records the
previous email's outcome and claims the next, before that one goes out.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.mail.messages import Person, Rendered, build_message, render
from desktop.mail.sending import (
    ConnectionLost,
    MailConnection,
    MailError,
    RateLimit,
    RecipientRefused,
)
from desktop.mail.smtp_settings import load_settings
from desktop.shop.campaign_emails import (
    Outgoing,
    claim_email,
    mark_interrupted,
    pending_emails,
    record_outcome,
    sender,
)
from desktop.shop.campaign_settings import emails_per_minute
from desktop.shop.campaigns import Template, campaign_template, get_campaign, preview_values
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.shopfile import ShopDatabase

ProgressFn = Callable[[int, int], None]
# An outcome waiting to be committed: (contact id, outcome, error).
_Outcome = tuple[int, str, str | None]


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    left: int = 0
    stopped: str = ""  # why sending stopped early, in plain words; "" when it finished


def preview_email(
    session: Session, template: Template, customer_id: int, voucher: VoucherTerms | None = None
) -> Rendered:
    """The email as this customer would get it; the voucher shown is a sample, not issued."""
    _, address = sender(session)
    return render(template, preview_values(session, customer_id, voucher), address)


def send_campaign(
    shop: ShopDatabase,
    campaign_id: int,
    password: str | None,
    progress: ProgressFn,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    context: ssl.SSLContext | None = None,
) -> SendResult:
    """Send the campaign's queued emails at the shop's rate limit. Safe to run again after a
    failure, a cancel or a crash: only those not yet sent are sent. Raises ShopError when the
    mail server cannot be reached at all. `context` is for tests trusting their own server;
    the app always verifies with the system's certificates."""
    with shop.write() as session:
        template = campaign_template(get_campaign(session, campaign_id))
        settings = load_settings(session)
        if settings is None:
            raise InvalidInput("host", "Set up the mail server in Settings first.")
        shop_name, shop_email = sender(session)
        profile = get_profile(session)
        limit = RateLimit(emails_per_minute(session))
        result = SendResult(uncertain=mark_interrupted(session, campaign_id))
        queue = pending_emails(session, campaign_id)
    try:
        connection = MailConnection(settings, password, context=context)
    except MailError as error:
        raise ShopError(str(error)) from error
    from_ = Person(shop_name, shop_email)
    done: _Outcome | None = None
    try:
        with connection:
            for number, contact_id in enumerate(queue):
                if should_stop():
                    result.stopped = "Sending was stopped; press Resume to send the rest."
                    break
                with shop.write() as session:
                    if done is not None:
                        record_outcome(session, *done)
                        done = None
                    claimed = claim_email(session, contact_id, profile)
                if isinstance(claimed, str):
                    result.skipped += 1
                elif claimed is not None:
                    limit.wait(should_stop)
                    done = _deliver(connection, template, from_, claimed, result)
                    if result.stopped:
                        break
                progress(number + 1, len(queue))
    finally:
        with shop.write() as session:
            if done is not None:
                record_outcome(session, *done)
            result.left = len(pending_emails(session, campaign_id))
    return result


def _deliver(
    connection: MailConnection,
    template: Template,
    from_: Person,
    claimed: Outgoing,
    result: SendResult,
) -> _Outcome:
    """Hand one email to the server; its outcome, counted in `result`."""
    message = build_message(
        from_,
        Person(claimed.name, claimed.email),
        render(template, claimed.values, from_.email),
        unsubscribe_to=from_.email,
        message_id=claimed.message_id,
    )
    try:
        connection.send(message, from_.email, claimed.email)
    except RecipientRefused as refused:
        result.failed += 1
        return claimed.contact_id, "failed", str(refused)
    except ConnectionLost as lost:
        result.uncertain += lost.uncertain
        result.stopped = f"{lost} Press Resume to send the rest."
        return claimed.contact_id, "uncertain" if lost.uncertain else "pending", str(lost)
    result.sent += 1
    return claimed.contact_id, "sent", None
