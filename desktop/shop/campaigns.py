"""Campaigns: bring a segment's customers back with a welcome-back voucher, an email, a mailing
list, a postcard. Every action records a contact per customer, and a cooldown keeps anyone from
being contacted twice for the same purpose.

Around this core: the rules a shop sets (campaign_settings.py), the emails' states
(campaign_emails.py), postcards and letters (campaign_post.py), the offer (campaign_offers.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop.shop.campaign_offers import Offer, keep_offer
from desktop.shop.campaign_settings import (
    cooldown_days,
    won_back_days,
)
from desktop.shop.codes import format_code
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.segments import Definition, check_definition, segment_customer_ids
from desktop.shop.settings import ShopProfile, get_profile
from desktop.shop.suppression import suppressed
from desktop.shop.text import clean_line, clean_text
from desktop.shop.vouchers import VoucherTerms, check_terms, describe_value, issue_voucher
from desktop.store.models import Customer, Purchase, Voucher, VoucherRedemption, utc_now
from desktop.store.models_campaigns import Campaign, Contact

WIN_BACK = "win_back"
# Outcomes that mean the customer was (or may have been) reached: they start the cooldown.
REACHED = ("pending", "sending", "sent", "uncertain", "exported", "printed")


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
