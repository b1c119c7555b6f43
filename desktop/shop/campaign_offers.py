"""A campaign's welcome-back offer: the voucher each customer it reaches gets (a percentage or
an amount off, a minimum spend, valid for so many days from the day it is issued). It is kept
with the campaign, so vouchers issued later by email, post or a mailing list all carry the terms
chosen when the campaign was made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.shop.money import format_money
from desktop.shop.settings import ShopProfile
from desktop.shop.vouchers import VoucherTerms, describe_value
from desktop.store.models import Voucher
from desktop.store.models_campaigns import Campaign


@dataclass(frozen=True)
class Offer:
    """The voucher terms a campaign hands out; exactly one of percent and amount is set."""

    percent: int | None = None
    amount: int | None = None
    min_spend: int = 0
    days: int = 90

    def terms(self, campaign_name: str, today: date | None = None) -> VoucherTerms:
        """The terms for vouchers issued today (they expire `days` from now)."""
        return VoucherTerms(
            kind="welcome_back",
            percent=self.percent,
            amount=self.amount,
            min_spend=self.min_spend,
            expires_on=(today or date.today()) + timedelta(days=self.days),
            reason=f"Campaign: {campaign_name}",
        )

    def describe(self, profile: ShopProfile) -> str:
        """'10% off, on £20.00 or more, valid 60 days'."""
        sample = Voucher(percent=self.percent, amount=self.amount, currency=profile.currency)
        words = describe_value(sample, profile.locale)
        if self.min_spend:
            spend = format_money(self.min_spend, profile.currency, profile.locale)
            words += f", on {spend} or more"
        return f"{words}, valid {self.days} days"


def campaign_offer(campaign: Campaign) -> Offer | None:
    """The campaign's offer, or None when it gives no voucher."""
    if campaign.offer_days is None:
        return None
    return Offer(
        campaign.offer_percent,
        campaign.offer_amount,
        campaign.offer_min_spend or 0,
        campaign.offer_days,
    )


def keep_offer(campaign: Campaign, offer: Offer | None) -> None:
    """Store `offer` (already checked) on the campaign; None: no voucher."""
    campaign.offer_percent = offer.percent if offer else None
    campaign.offer_amount = offer.amount if offer else None
    campaign.offer_min_spend = offer.min_spend if offer else None
    campaign.offer_days = offer.days if offer else None
