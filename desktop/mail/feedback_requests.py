"""The post-purchase "how did we do?" email: its words rendered, and the sending loop.

Who is due, the settings, and the bookkeeping that asks nobody twice are the shop's
(`shop.feedback.due_feedback_requests`, `shop.feedback_asking`). The email's way out ("don't ask
me again", a mailto and List-Unsubscribe) reaches the shop's inbox; the shopkeeper records it
with `shop.feedback.stop_feedback_requests`.
"""

from __future__ import annotations

import html
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from sqlalchemy.orm import Session

from desktop.mail.messages import Person, Rendered, build_message, one_line
from desktop.mail.sending import (
    ConnectionLost,
    MailConnection,
    MailError,
    RateLimit,
    RecipientRefused,
)
from desktop.mail.smtp_settings import SmtpSettings, load_settings
from desktop.shop.campaign_emails import sender
from desktop.shop.campaign_settings import emails_per_minute
from desktop.shop.campaigns import Template, fill
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.feedback import (
    FeedbackRequestDue,
    feedback_url,
)
from desktop.shop.feedback_asking import (
    GUIDE_PLACEHOLDERS,
    STOP_SUBJECT,
    TURNED_OFF,
    RequestOutcome,
    claim_request,
    form_address,
    load_request_settings,
    mark_interrupted_requests,
    record_request_outcome,
    requests_due,
)
from desktop.shop.insert_options import insert_options
from desktop.shop.settings import get_profile
from desktop.store.models import utc_now
from desktop.store.shopfile import ShopDatabase

_LINK = re.compile(r"https?://[^\s<>\"]+")

ProgressFn = Callable[[int, int], None]


def request_values(row: FeedbackRequestDue, form: str, shop_name: str) -> dict[str, str]:
    """The placeholders filled for one purchase."""
    words = row.customer_name.split()
    return {
        "first_name": words[0] if words else row.customer_name,
        "reference": row.reference,
        "feedback_link": feedback_url(form, row.reference),
        "guide_title": row.guide_title or "",
        "guide_link": row.guide_url or "",
        "shop_name": shop_name,
    }


def sample_values(session: Session) -> dict[str, str]:
    """Values for the settings' preview: a made-up customer and purchase, with a guide."""
    form = insert_options(session).feedback_url or "your-shop.example/feedback"
    sample = FeedbackRequestDue(
        *(0, "P-000123", utc_now(), 0, "Zoë Ó'Brien", "zoe@example.com"),
        guide_title="Caring for your new teapot",
        guide_url="https://your-shop.example/guides/teapot",
    )
    return request_values(sample, form, get_profile(session).name)


def stop_link(address: str) -> str:
    return f"mailto:{address}?subject={quote(STOP_SUBJECT)}"


def render_request(template: Template, values: Mapping[str, str], stop_to: str) -> Rendered:
    """The email for one purchase, text and HTML. Lines about the guide are left out when
    what was bought has none; links are clickable in the HTML part; both parts end with the
    way to stop being asked."""
    no_guide = not any(values.get(name) for name in GUIDE_PLACEHOLDERS)
    lines = [
        line
        for line in template.text.splitlines()
        if not (no_guide and any("{" + name + "}" in line for name in GUIDE_PLACEHOLDERS))
    ]
    main = re.sub(r"\n{3,}", "\n\n", fill("\n".join(lines), values)).strip()
    text = (
        f"{main}\n\n--\nDon't want to be asked for feedback? Reply with “{STOP_SUBJECT}”, or "
        f"write to {stop_to}, and we won't ask again.\n"
    )
    paragraphs = "".join(
        "<p>" + _linked(block).replace("\n", "<br>") + "</p>"
        for block in main.split("\n\n")
        if block.strip()
    )
    footer = (
        '<p style="font-size:small;color:#666">Don\'t want to be asked for feedback? '
        f'<a href="{html.escape(stop_link(stop_to))}">Don\'t ask me again</a>.</p>'
    )
    page = f"<!DOCTYPE html><html><body>{paragraphs}{footer}</body></html>"
    return Rendered(one_line(fill(template.subject, values)), text, page)


def _linked(text: str) -> str:
    """Escaped text with its web addresses as links."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        address = match.group(0)
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<a href="{html.escape(address)}">{html.escape(address)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


@dataclass
class RequestSendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    left: int = 0  # still due after this run
    stopped: str = ""  # why sending stopped early, in plain words; "" when it finished


@dataclass(frozen=True)
class _Plan:
    settings: SmtpSettings
    template: Template
    form: str
    shop: Person
    rate: int
    due: list[FeedbackRequestDue]


def mail_server(session: Session) -> SmtpSettings:
    """The shop's mail server settings, or InvalidInput when they were never set up."""
    settings = load_settings(session)
    if settings is None:
        raise InvalidInput("host", "Set up the mail server in Settings first.")
    return settings


def sending_problems(session: Session) -> list[str]:
    """What stops requests from going out now, in plain words; empty when ready."""
    problems = [] if load_request_settings(session).enabled else [TURNED_OFF]
    for check in (form_address, mail_server, sender):
        try:
            check(session)
        except InvalidInput as problem:
            problems.append(str(problem))
    return problems


def _plan(session: Session, today: date) -> _Plan:
    """Everything a run needs, or the reason it cannot start (InvalidInput)."""
    requests = load_request_settings(session)
    if not requests.enabled:
        raise InvalidInput("enabled", TURNED_OFF)
    form = form_address(session)
    settings = mail_server(session)
    name, address = sender(session)
    return _Plan(
        settings,
        requests.template,
        form,
        Person(name, address),
        emails_per_minute(session),
        requests_due(session, today),
    )


def send_due_feedback_requests(
    shop: ShopDatabase,
    password: str | None,
    progress: ProgressFn,
    *,
    today: date,
    should_stop: Callable[[], bool] = lambda: False,
    context: ssl.SSLContext | None = None,
) -> RequestSendResult:
    """Email every customer due a feedback request, at the shop's rate limit. Safe to run again
    after a failure, a cancel or a crash: nobody is asked twice. Raises ShopError when sending
    cannot start (turned off, no form address, no mail server) or the server cannot be
    reached. `context` is for tests trusting their own server."""
    with shop.write() as session:
        plan = _plan(session, today)
        result = RequestSendResult(uncertain=mark_interrupted_requests(session))
    try:
        connection = MailConnection(plan.settings, password, context=context)
    except MailError as error:
        raise ShopError(str(error)) from error
    limit = RateLimit(plan.rate)
    domain = plan.shop.email.rpartition("@")[2] or "aftercare.invalid"
    done: RequestOutcome | None = None
    try:
        with connection:
            for number, row in enumerate(plan.due):
                if should_stop():
                    result.stopped = "Sending was stopped; press Send now to send the rest."
                    break
                with shop.write() as session:
                    if done is not None:
                        record_request_outcome(session, done)
                        done = None
                    claimed = claim_request(session, row, domain)
                    message_id = claimed.message_id if claimed else None
                    contact_id = claimed.id if claimed else 0
                if message_id is None:
                    result.skipped += 1
                else:
                    limit.wait(should_stop)
                    done = _deliver(connection, plan, row, contact_id, message_id, result)
                    if result.stopped:
                        break
                progress(number + 1, len(plan.due))
    finally:
        with shop.write() as session:
            if done is not None:
                record_request_outcome(session, done)
            result.left = len(requests_due(session, today))
    return result


def _deliver(
    connection: MailConnection,
    plan: _Plan,
    row: FeedbackRequestDue,
    contact_id: int,
    message_id: str,
    result: RequestSendResult,
) -> RequestOutcome:
    """Hand one email to the server; its outcome, counted in `result`."""
    values = request_values(row, plan.form, plan.shop.name)
    message = build_message(
        plan.shop,
        Person(row.customer_name, row.email),
        render_request(plan.template, values, plan.shop.email),
        unsubscribe_to=plan.shop.email,
        message_id=message_id,
    )
    message.replace_header("List-Unsubscribe", f"<{stop_link(plan.shop.email)}>")
    try:
        connection.send(message, plan.shop.email, row.email)
    except RecipientRefused as refused:
        result.failed += 1
        return RequestOutcome(contact_id, row.purchase_id, "failed", str(refused))
    except ConnectionLost as lost:
        result.stopped = f"{lost} Press Send now to send the rest."
        if lost.uncertain:
            result.uncertain += 1
            return RequestOutcome(contact_id, row.purchase_id, "uncertain", str(lost))
        return RequestOutcome(contact_id, row.purchase_id, "failed", str(lost), ask_again=True)
    result.sent += 1
    return RequestOutcome(contact_id, row.purchase_id, "sent")
