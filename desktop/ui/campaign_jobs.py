"""What the Campaigns page's buttons do, each through the shop's functions in one transaction:
how many each action would reach now, vouchers with queued emails, postcards or letters
rendered in a worker, and a mailing list written to a file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from desktop.printing.postcards import render_letters, render_postcards
from desktop.shop.campaign_emails import retry_uncertain
from desktop.shop.campaign_offers import Offer, campaign_offer
from desktop.shop.campaign_post import postal_pieces
from desktop.shop.campaigns import (
    Audience,
    CampaignResults,
    campaign_audience,
    campaign_results,
    get_campaign,
    queue_emails,
)
from desktop.shop.inserts import shop_branding
from desktop.shop.mailing_lists import (
    Format,
    MailingList,
    campaign_mailing_list,
    write_mailing_list,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.print_jobs import Job, RenderedBatch

Postal = Literal["postcards", "letters"]
FORMAT_TITLES: dict[Format, str] = {
    "mailchimp": "Mailchimp (audience import)",
    "klaviyo": "Klaviyo (list import)",
    "csv": "Plain CSV (every column)",
}


@dataclass(frozen=True)
class CampaignState:
    """The selected campaign as its buttons need it: who each action would reach now."""

    id: int
    name: str
    offer: Offer | None
    to_queue: Audience
    by_post: Audience
    to_export: Audience

    results: CampaignResults

    @property
    def pending(self) -> int:
        return self.results.outcomes.get("email:pending", 0)

    @property
    def uncertain(self) -> int:
        return self.results.outcomes.get("email:uncertain", 0)


def campaign_state(session: Session, campaign_id: int) -> CampaignState:
    campaign = get_campaign(session, campaign_id)
    return CampaignState(
        id=campaign.id,
        name=campaign.name,
        offer=campaign_offer(campaign),
        to_queue=campaign_audience(session, campaign, "email"),
        by_post=campaign_audience(session, campaign, "post"),
        to_export=campaign_audience(session, campaign, "export"),
        results=campaign_results(session, campaign.id),
    )


def issue_and_queue(shop: ShopDatabase, state: CampaignState) -> Audience:
    """Each customer the email may reach gets their voucher (if the campaign has an offer) and
    a queued email: one transaction for the whole batch."""
    with shop.write() as session:
        terms = state.offer.terms(state.name) if state.offer else None
        return queue_emails(session, state.id, terms)


def queue_uncertain_again(shop: ShopDatabase, campaign_id: int) -> int:
    """The shopkeeper's choice to send the uncertain emails again."""
    with shop.write() as session:
        return retry_uncertain(session, campaign_id)


def postal_job(shop: ShopDatabase, state: CampaignState, kind: Postal) -> Job:
    """Postcards or DL letters for everyone the campaign may reach by post, each with their
    voucher. Its customers count as reached once the pieces are printed or saved."""
    render = render_postcards if kind == "postcards" else render_letters
    title = "Campaign postcards" if kind == "postcards" else "Campaign letters"

    def run(progress: workers.Progress) -> RenderedBatch:
        out = io.BytesIO()
        with shop.write() as session:
            terms = state.offer.terms(state.name) if state.offer else None
            pieces, _ = postal_pieces(session, state.id, terms)
            branding = shop_branding(session)
            pages = render(pieces, branding, out, progress=progress.report)
        return RenderedBatch(
            f"{title}: {state.name}",
            out.getvalue(),
            pages,
            len(pieces),
            contact_ids=tuple(piece.contact_id for piece in pieces),
        )

    return run


def export_mailing_list(
    shop: ShopDatabase, state: CampaignState, kind: Format, path: Path, *, bom: bool
) -> MailingList:
    """Write the campaign's list; the file is written before the contacts (and vouchers) are
    committed, so a failed write records nobody as exported."""
    with shop.write() as session:
        terms = state.offer.terms(state.name) if state.offer else None
        mailing_list = campaign_mailing_list(session, state.id, kind, terms)
        write_mailing_list(mailing_list, path, bom=bom)
    return mailing_list
