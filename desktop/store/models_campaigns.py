"""Tables for bringing customers back: campaigns, every contact made, and the suppression list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, UTCDateTime, utc_now


class Campaign(Base):
    """One push to win customers back: who (the segment as it was defined then), why (purpose)
    and what was said (the email template)."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(40))
    segment_name: Mapped[str] = mapped_column(String(80), default="")
    # The segment's definition (JSON) when the campaign started: its members are fixed then.
    segment_definition: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The welcome-back voucher each customer reached gets (shop/campaign_offers.py); no
    # offer_days: the campaign gives none.
    offer_percent: Mapped[int | None] = mapped_column(Integer)
    offer_amount: Mapped[int | None] = mapped_column(Integer)
    offer_min_spend: Mapped[int | None] = mapped_column(Integer)
    offer_days: Mapped[int | None] = mapped_column(Integer)


class Contact(Base):
    """Append-only: every email, letter or list export a customer was part of, with its outcome.

    Outcomes: pending (queued), sending (handed to the mail server, no answer yet), sent,
    failed (with the error), uncertain (the connection broke while the server had the message:
    it may have arrived, so it is never sent again on its own), exported, prepared (a postcard
    or letter made, not yet printed), printed."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_customer_purpose", "customer_id", "purpose", "created_at"),
        Index("ix_contact_campaign", "campaign_id", "channel", "outcome"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kept (unlinked) when a customer is erased: the campaign's figures stay true.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10))  # email | post | export
    purpose: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(Text)
    # The Message-ID given to the email before it went out: how a shopkeeper (or the mail
    # server's log) can tell whether an "uncertain" one arrived.
    message_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Suppression(Base):
    """An unsubscribe or objection: absolute. Kept by email address as well as by customer, so
    an import that brings the person back under a new record is still suppressed."""

    __tablename__ = "suppression"
    __table_args__ = (
        Index("ix_suppression_email_key", "email_key"),
        Index("ix_suppression_customer", "customer_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    email_key: Mapped[str | None] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(10))  # email | post | all
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(30))  # counter | email_reply | import ...
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
