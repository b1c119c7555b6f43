"""Campaigns: bring a segment's customers back with a welcome-back voucher, an email, a mailing
list, a postcard. Every action records a contact per customer, and a cooldown keeps anyone from
being contacted twice for the same purpose.

Emails go out at most once (the loop is desktop/mail/campaign_sending.py; the states are kept
here). Before a message is handed to the mail server its contact is marked "sending" (with the
Message-ID it will carry) and committed; when the server accepts it, "sent". A "sending"
contact found later means the app stopped in between: the server may or may not have the
message, so it becomes "uncertain" and is not sent again unless the shopkeeper chooses to
(`retry_uncertain`). Nobody gets two copies without someone deciding so; the Message-ID lets
the shop check its sent folder or the provider's log for an uncertain one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import make_msgid

from babel.dates import format_date
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from desktop.shop.campaign_offers import Offer, keep_offer
from desktop.shop.codes import format_code
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.inserts import VoucherContent, voucher_content
from desktop.shop.segments import Definition, check_definition, segment_customer_ids
from desktop.shop.settings import ShopProfile, get_profile
from desktop.shop.suppression import suppressed
from desktop.shop.text import clean_line, clean_text
from desktop.shop.vouchers import VoucherTerms, check_terms, describe_value, issue_voucher
from desktop.store.models import Customer, Purchase, Setting, Voucher, VoucherRedemption, utc_now
from desktop.store.models_campaigns import Campaign, Contact

COOLDOWN_KEY = "campaigns.cooldown_days"
WON_BACK_KEY = "campaigns.won_back_days"
RATE_KEY = "campaigns.emails_per_minute"
SMTP_KEY = "mail.smtp"
DEFAULTS = {COOLDOWN_KEY: 30, WON_BACK_KEY: 60, RATE_KEY: 120}
LIMITS = {COOLDOWN_KEY: (0, 3650), WON_BACK_KEY: (1, 3650), RATE_KEY: (0, 10_000)}
WIN_BACK = "win_back"
# Outcomes that mean the customer was (or may have been) reached: they start the cooldown.
REACHED = ("pending", "sending", "sent", "uncertain", "exported", "printed")


def _setting(session: Session, key: str) -> int:
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else int(json.loads(row.value))


def _set_setting(session: Session, key: str, value: int, field_name: str) -> int:
    least, most = LIMITS[key]
    if not least <= value <= most:
        raise InvalidInput(field_name, f"The {field_name} must be between {least} and {most:,}.")
    session.merge(Setting(key=key, value=json.dumps(value)))
    return value


def cooldown_days(session: Session) -> int:
    """Days before a customer may be contacted again for the same purpose (30 until changed)."""
    return _setting(session, COOLDOWN_KEY)


def set_cooldown_days(session: Session, days: int) -> int:
    return _set_setting(session, COOLDOWN_KEY, days, "cooldown")


def won_back_days(session: Session) -> int:
    """Days after a contact within which a purchase counts as won back (60 until changed)."""
    return _setting(session, WON_BACK_KEY)


def set_won_back_days(session: Session, days: int) -> int:
    return _set_setting(session, WON_BACK_KEY, days, "won-back window")


def emails_per_minute(session: Session) -> int:
    """The sending rate limit (0: as fast as the server takes them)."""
    return _setting(session, RATE_KEY)


def set_emails_per_minute(session: Session, rate: int) -> int:
    return _set_setting(session, RATE_KEY, rate, "emails per minute")


def setting_text(session: Session, key: str) -> str | None:
    """A stored setting's raw text (the mail settings keep their own format)."""
    row = session.get(Setting, key)
    return None if row is None else row.value


def set_setting_text(session: Session, key: str, value: str) -> None:
    session.merge(Setting(key=key, value=value))


@dataclass(frozen=True)
class Template:
    """A campaign's words: the subject, the plain text and (optionally) the HTML, each with
    placeholders like {first_name}."""

    subject: str
    text: str
    html: str = ""


PLACEHOLDERS: dict[str, str] = {
    "first_name": "the customer's first name",
    "voucher_code": "their voucher's code",
    "voucher_value": "what the voucher is worth (10% off, £5.00 off)",
    "voucher_expiry": "the voucher's last day",
    "shop_name": "the shop's name",
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def unknown_placeholders(template: Template) -> list[str]:
    """Placeholders the template uses that Aftercare cannot fill, like {frist_name}."""
    used = {
        name
        for part in (template.subject, template.text, template.html)
        for name in PLACEHOLDER.findall(part)
    }
    return sorted(used - set(PLACEHOLDERS))


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each {placeholder} replaced by its value ("" for one with no value)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


DEFAULT_TEMPLATE = Template(
    subject="We miss you at {shop_name}",
    text="Hello {first_name},\n\nIt's been a while! Here is {voucher_value} your next visit: "
    "show code {voucher_code} at the counter (valid until {voucher_expiry}).\n\n"
    "See you soon,\n{shop_name}",
)


@dataclass(frozen=True)
class CampaignPlan:
    """What the shopkeeper chose: who (a segment), why (purpose) and the email's words."""

    name: str
    definition: Definition
    purpose: str = WIN_BACK
    segment_name: str = ""
    template: Template = DEFAULT_TEMPLATE
    offer: Offer | None = None  # the welcome-back voucher each customer gets, if any


@dataclass
class Audience:
    """Who an action reaches, and how many were left out and why."""

    customer_ids: list[int] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)


def create_campaign(session: Session, plan: CampaignPlan) -> Campaign:
    """Keep a new campaign; its segment definition and template are checked first."""
    definition = check_definition(session, plan.definition)
    unknown = unknown_placeholders(plan.template)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise InvalidInput(
            "template", f"The email uses placeholders Aftercare can't fill: {names}."
        )
    campaign = Campaign(
        name=clean_line(plan.name, "campaign name", max_length=120, required=True),
        purpose=clean_line(plan.purpose, "purpose", max_length=40, required=True),
        segment_name=clean_line(plan.segment_name, "segment", max_length=80),
        segment_definition=json.dumps(definition, sort_keys=True),
        subject=clean_line(plan.template.subject, "subject", max_length=300, required=True),
        body_text=clean_text(plan.template.text, "email text", max_length=20_000),
        body_html=clean_text(plan.template.html, "email HTML", max_length=100_000),
    )
    if plan.offer is not None:
        check_terms(plan.offer.terms(campaign.name))
    keep_offer(campaign, plan.offer)
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"There is no campaign number {campaign_id}.")
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(session.scalars(select(Campaign).order_by(Campaign.id.desc())))


def in_cooldown(session: Session, purpose: str, now: datetime | None = None) -> set[int]:
    """Customers contacted for this purpose within the cooldown."""
    since = (now or utc_now()) - timedelta(days=cooldown_days(session))
    return set(
        session.scalars(
            select(Contact.customer_id)
            .where(
                Contact.purpose == purpose,
                Contact.created_at >= since,
                Contact.outcome.in_(REACHED),
                Contact.customer_id.is_not(None),
            )
            .distinct()
        )
    )


def audience(
    session: Session,
    definition: Definition,
    channel: str,
    *,
    purpose: str | None = None,
    today: date | None = None,
    consent_only: bool = True,
) -> Audience:
    """The segment's customers today that `channel` ("email", "post", or "export" by email) may
    reach: less those contacted for `purpose` within the cooldown, those on the suppression
    list (always), without an address, or without consent (unless `consent_only` is off, for a
    list kept in-house)."""
    members = segment_customer_ids(session, definition, today=today).subquery()
    cooling = in_cooldown(session, purpose) if purpose else set()
    by_email = channel in ("email", "export")
    has_address = (
        Customer.email.is_not(None)
        if by_email
        else and_(Customer.address_line1 != "", Customer.postcode != "")
    )
    rows = session.execute(
        select(
            Customer.id,
            has_address,
            Customer.email_marketing if by_email else Customer.post_marketing,
            suppressed("email" if by_email else "post"),
        )
        .where(Customer.id.in_(select(members.c[0])))
        .order_by(Customer.id)
    )
    cooldown = f"contacted for this in the last {cooldown_days(session)} days"
    result = Audience()
    reasons: Counter[str] = Counter()
    for customer_id, addressed, consented, is_suppressed in rows:
        if is_suppressed:
            reasons["unsubscribed or objected"] += 1
        elif customer_id in cooling:
            reasons[cooldown] += 1
        elif not addressed:
            reasons["no email address" if by_email else "no postal address"] += 1
        elif consent_only and not consented:
            reasons["no email consent" if by_email else "no post consent"] += 1
        else:
            result.customer_ids.append(customer_id)
    result.left_out = dict(reasons)
    return result


def campaign_audience(
    session: Session, campaign: Campaign, channel: str, *, today: date | None = None
) -> Audience:
    """Who the campaign may reach on the channel now (see `audience`)."""
    definition: Definition = json.loads(campaign.segment_definition)
    return audience(session, definition, channel, purpose=campaign.purpose, today=today)


def issue_campaign_vouchers(
    session: Session, campaign: Campaign, customer_ids: list[int], terms: VoucherTerms
) -> dict[int, Voucher]:
    """A welcome-back voucher for each customer, all in the caller's one transaction: the batch
    lands whole or not at all."""
    vouchers = {}
    for customer_id in customer_ids:
        vouchers[customer_id] = issue_voucher(
            session,
            VoucherTerms(
                kind="welcome_back",
                percent=terms.percent,
                amount=terms.amount,
                min_spend=terms.min_spend,
                expires_on=terms.expires_on,
                terms=terms.terms,
                customer_id=customer_id,
                reason=terms.reason or f"Campaign: {campaign.name}",
            ),
        )
    return vouchers


def record_contacts(
    session: Session,
    campaign: Campaign,
    channel: str,
    outcome: str,
    customer_ids: list[int],
    vouchers: dict[int, Voucher] | None = None,
) -> None:
    """One contact per customer for the action (a list export, a print run, queued emails)."""
    now = utc_now()
    vouchers = vouchers or {}
    session.add_all(
        Contact(
            customer_id=customer_id,
            campaign_id=campaign.id,
            voucher_id=vouchers[customer_id].id if customer_id in vouchers else None,
            channel=channel,
            purpose=campaign.purpose,
            outcome=outcome,
            created_at=now,
            sent_at=now if outcome in ("exported", "printed") else None,
        )
        for customer_id in customer_ids
    )
    session.flush()


def queue_emails(
    session: Session,
    campaign_id: int,
    voucher: VoucherTerms | None = None,
    *,
    today: date | None = None,
) -> Audience:
    """Queue the campaign's email to everyone it may reach, each with their own voucher when
    `voucher` is given; `send_campaign` then sends them. Returns who, and who was left out."""
    campaign = get_campaign(session, campaign_id)
    reached = campaign_audience(session, campaign, "email", today=today)
    vouchers = (
        issue_campaign_vouchers(session, campaign, reached.customer_ids, voucher)
        if voucher is not None
        else {}
    )
    record_contacts(session, campaign, "email", "pending", reached.customer_ids, vouchers)
    return reached


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def template_values(
    profile: ShopProfile, customer: Customer, voucher: Voucher | None
) -> dict[str, str]:
    """The placeholders filled for one customer."""
    values = {"first_name": _first_name(customer.name), "shop_name": profile.name}
    if voucher is not None:
        values["voucher_code"] = format_code(voucher.code)
        values["voucher_value"] = describe_value(voucher, profile.locale)
        if voucher.expires_on is not None:
            expiry = format_date(voucher.expires_on, "d MMMM y", locale=profile.locale)
            values["voucher_expiry"] = str(expiry)
    return values


def campaign_template(campaign: Campaign) -> Template:
    return Template(campaign.subject, campaign.body_text, campaign.body_html)


def preview_customer_id(session: Session) -> int | None:
    """The customer with an email address seen most recently: someone real to preview with."""
    return session.scalar(
        select(Customer.id)
        .where(Customer.email.is_not(None), Customer.email != "")
        .order_by(Customer.last_seen_at.desc().nulls_last(), Customer.id.desc())
        .limit(1)
    )


def preview_values(
    session: Session, customer_id: int, voucher: VoucherTerms | None = None
) -> dict[str, str]:
    """The placeholders for this customer, with a sample voucher (not issued) for a preview."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer number {customer_id}.")
    sample = None
    if voucher is not None:
        sample = Voucher(
            code="SAMPLECODE00",
            percent=voucher.percent,
            amount=voucher.amount,
            currency=get_profile(session).currency,
            expires_on=voucher.expires_on or date.today() + timedelta(days=90),
        )
    return template_values(get_profile(session), customer, sample)


def sender(session: Session) -> tuple[str, str]:
    """(name, email) the shop's emails come from; replies to it are how people unsubscribe."""
    profile = get_profile(session)
    if not profile.email:
        raise InvalidInput(
            "email", "Enter the shop's email address in Settings: emails are sent from it."
        )
    return profile.name, profile.email


def mark_interrupted(session: Session, campaign_id: int) -> int:
    """Contacts left "sending" by a crash become "uncertain" (see the module's docstring)."""
    result = session.execute(
        update(Contact)
        .where(Contact.campaign_id == campaign_id, Contact.outcome == "sending")
        .values(outcome="uncertain", error="Aftercare stopped while this email was being sent.")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def retry_uncertain(session: Session, campaign_id: int) -> int:
    """The shopkeeper's choice: send the uncertain ones again (they may get two copies)."""
    result = session.execute(
        update(Contact)
        .where(Contact.campaign_id == campaign_id, Contact.outcome == "uncertain")
        .values(outcome="pending", message_id=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_emails(session: Session, campaign_id: int) -> list[int]:
    """The contacts still to send, in the order they were queued."""
    return list(
        session.scalars(
            select(Contact.id)
            .where(
                Contact.campaign_id == campaign_id,
                Contact.channel == "email",
                Contact.outcome == "pending",
            )
            .order_by(Contact.id)
        )
    )


@dataclass(frozen=True)
class Outgoing:
    """One email claimed for sending: who to, their placeholders, and its Message-ID."""

    contact_id: int
    name: str
    email: str
    values: dict[str, str]
    message_id: str


def claim_email(session: Session, contact_id: int, profile: ShopProfile) -> Outgoing | str | None:
    """Mark a pending email "sending" (with the Message-ID it will carry) just before it goes
    out. A str: it was skipped, and why (unsubscribed since it was queued...); None: it is no
    longer pending."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.outcome != "pending":
        return None
    customer = session.get(Customer, contact.customer_id) if contact.customer_id else None
    if customer is None or not customer.email:
        reason = "The customer or their email address was removed."
    elif not customer.email_marketing:
        reason = "The customer withdrew email consent."
    elif session.scalar(select(Customer.id).where(Customer.id == customer.id, suppressed("email"))):
        reason = "The customer unsubscribed."
    else:
        voucher = session.get(Voucher, contact.voucher_id) if contact.voucher_id else None
        contact.outcome = "sending"
        domain = profile.email.rpartition("@")[2] or "aftercare.invalid"
        contact.message_id = make_msgid(domain=domain)
        return Outgoing(
            contact.id,
            customer.name,
            customer.email,
            template_values(profile, customer, voucher),
            contact.message_id,
        )
    contact.outcome, contact.error = "skipped", reason
    return reason


def record_outcome(session: Session, contact_id: int, outcome: str, error: str | None) -> None:
    """What became of a claimed email: sent, failed (with the server's words), uncertain, or
    pending again (nothing was handed over)."""
    contact = session.get(Contact, contact_id)
    if contact is not None:
        contact.outcome, contact.error = outcome, error
        contact.sent_at = utc_now() if outcome == "sent" else None


@dataclass(frozen=True)
class CampaignResults:
    outcomes: dict[str, int]  # channel:outcome -> customers, e.g. "email:sent"
    sent: int
    failed: int
    won_back: int
    vouchers_issued: int
    vouchers_redeemed: int
    returners_spend: int


def campaign_results(session: Session, campaign_id: int) -> CampaignResults:
    """How the campaign did: sent, failed, won back (bought within the window after being
    contacted), vouchers redeemed and what the returners spent in that window."""
    get_campaign(session, campaign_id)
    outcomes = {
        f"{channel}:{outcome}": count
        for channel, outcome, count in session.execute(
            select(Contact.channel, Contact.outcome, func.count())
            .where(Contact.campaign_id == campaign_id)
            .group_by(Contact.channel, Contact.outcome)
        )
    }
    window = won_back_days(session)
    reached = (
        select(
            Contact.customer_id.label("customer_id"),
            func.min(Contact.sent_at).label("contacted_at"),
        )
        .where(
            Contact.campaign_id == campaign_id,
            Contact.outcome.in_(("sent", "exported", "printed")),
            Contact.customer_id.is_not(None),
        )
        .group_by(Contact.customer_id)
        .subquery()
    )
    returns = session.execute(
        select(Purchase.customer_id, Purchase.total, Purchase.purchased_at, reached.c.contacted_at)
        .join(reached, reached.c.customer_id == Purchase.customer_id)
        .where(Purchase.voided_at.is_(None), Purchase.purchased_at > reached.c.contacted_at)
    )
    returners: set[int] = set()
    spend = 0
    for customer_id, total, purchased_at, contacted_at in returns:
        # Compared here, not in SQL: date arithmetic is not portable across databases.
        if purchased_at <= contacted_at + timedelta(days=window):
            returners.add(customer_id)
            spend += total
    voucher_ids = select(Contact.voucher_id).where(
        Contact.campaign_id == campaign_id, Contact.voucher_id.is_not(None)
    )
    issued = session.scalar(select(func.count()).select_from(voucher_ids.distinct().subquery()))
    redeemed = session.scalar(
        select(func.count()).where(VoucherRedemption.voucher_id.in_(voucher_ids))
    )
    return CampaignResults(
        outcomes=outcomes,
        sent=outcomes.get("email:sent", 0),
        failed=outcomes.get("email:failed", 0),
        won_back=len(returners),
        vouchers_issued=issued or 0,
        vouchers_redeemed=redeemed or 0,
        returners_spend=spend,
    )


@dataclass(frozen=True)
class PostalPiece:
    """One postcard or letter as printed (desktop/printing/postcards.py)."""

    name: str
    address_lines: tuple[str, ...]
    headline: str  # the campaign's subject line, set large in a handwritten face
    message: str
    voucher: VoucherContent | None
    contact_id: int = 0  # its "prepared" contact, confirmed by `confirm_printed`


def postal_pieces(
    session: Session,
    campaign_id: int,
    voucher: VoucherTerms | None = None,
    *,
    today: date | None = None,
) -> tuple[list[PostalPiece], Audience]:
    """The campaign's postcards or letters: customers with a postal address and post consent,
    not suppressed nor in the cooldown, each with their own voucher when `voucher` is given.

    Each customer gets a "prepared" contact in the caller's transaction (with the vouchers: a
    failed run is rolled back whole). Prepared is not yet reached: a batch previewed and put
    aside can be prepared again, and its customers keep the vouchers they were given then.
    `confirm_printed` makes them "printed" once the pieces are printed or saved."""
    campaign = get_campaign(session, campaign_id)
    reached = campaign_audience(session, campaign, "post", today=today)
    before = _prepared(session, campaign.id, reached.customer_ids)
    fresh = [customer_id for customer_id in reached.customer_ids if customer_id not in before]
    vouchers = (
        issue_campaign_vouchers(session, campaign, fresh, voucher) if voucher is not None else {}
    )
    record_contacts(session, campaign, "post", "prepared", fresh, vouchers)
    contacts = before | _prepared(session, campaign.id, fresh)
    for customer_id, contact in before.items():
        if contact.voucher_id is not None:
            vouchers[customer_id] = session.get_one(Voucher, contact.voucher_id)
    profile = get_profile(session)
    pieces = []
    for customer_id in reached.customer_ids:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        own = vouchers.get(customer_id)
        values = template_values(profile, customer, own)
        lines = (customer.address_line1, customer.address_line2, customer.town, customer.postcode)
        pieces.append(
            PostalPiece(
                name=customer.name,
                address_lines=tuple(line for line in lines if line),
                headline=fill(campaign.subject, values),
                message=fill(campaign.body_text, values),
                voucher=voucher_content(own, profile.locale) if own is not None else None,
                contact_id=contacts[customer_id].id,
            )
        )
    return pieces, reached


def _prepared(session: Session, campaign_id: int, customer_ids: list[int]) -> dict[int, Contact]:
    """The campaign's prepared (not yet printed) postal contacts of these customers."""
    found = session.scalars(
        select(Contact).where(
            Contact.campaign_id == campaign_id,
            Contact.channel == "post",
            Contact.outcome == "prepared",
            Contact.customer_id.in_(customer_ids),
        )
    )
    return {contact.customer_id: contact for contact in found if contact.customer_id is not None}


def confirm_printed(session: Session, contact_ids: Sequence[int]) -> int:
    """The prepared postcards or letters were printed (or saved to print): their customers now
    count as reached. Returns how many were confirmed."""
    if not contact_ids:
        return 0
    result = session.execute(
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)), Contact.outcome == "prepared")
        .values(outcome="printed", sent_at=utc_now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
