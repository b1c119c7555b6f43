"""Tables for care guides, feedback and the Today figures: the guide library and its links to
what is sold, the feedback received, its follow-ups and their notes, the post-purchase requests
sent, and each customer's months with a purchase."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, UTCDateTime, VoucherRedemption, utc_now

FEEDBACK_CHANNELS = ("in_person", "phone", "email", "online_form")
FOLLOW_UP_STATES = ("new", "contacted", "resolved")

# Redemptions counted by month (vouchers issued versus redeemed) read a range of this index.
Index("ix_voucher_redemption_redeemed", VoucherRedemption.redeemed_at)


class Guide(Base):
    """Care instructions, a how-to or a product's story. `body` is the Markdown subset that
    shop/guides.py reads; `url` is where the guide is published, if it is."""

    __tablename__ = "guide"
    __table_args__ = (CheckConstraint("(image IS NULL) = (image_type IS NULL)", name="image_type"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Folded title: the list's order, and "Caring for Linen" and "caring for linen" are one guide.
    title_key: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class GuideCategory(Base):
    __tablename__ = "guide_category"
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("category.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class GuideProduct(Base):
    __tablename__ = "guide_product"
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Feedback(Base):
    """What a customer told the shop about a purchase or about the shop: stars and/or a
    recommend score, and a comment. Kept when the customer is erased (unlinked)."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating"),
        CheckConstraint("recommend IS NULL OR (recommend BETWEEN 0 AND 10)", name="recommend"),
        CheckConstraint("rating IS NOT NULL OR recommend IS NOT NULL", name="a_score"),
        CheckConstraint(
            "channel IN ('in_person', 'phone', 'email', 'online_form')", name="channel"
        ),
        Index("ix_feedback_received", "received_at", "id"),
        Index("ix_feedback_customer", "customer_id", "received_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purchase_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    rating: Mapped[int | None] = mapped_column(Integer)  # stars, 1 to 5
    recommend: Mapped[int | None] = mapped_column(Integer)  # how likely to recommend, 0 to 10
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # An imported form response's fingerprint, so importing the same file twice adds nothing.
    response_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class FollowUp(Base):
    """Low feedback the shop means to answer: its state, and the goodwill voucher if one was
    given. Created with the feedback, in the same transaction."""

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint("state IN ('new', 'contacted', 'resolved')", name="state"),
        Index("ix_follow_up_state", "state", "opened_at"),
    )
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(10), default="new")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="SET NULL"))


class FollowUpNote(Base):
    """An append-only note on a follow-up: who was called, what was said, what was done."""

    __tablename__ = "follow_up_note"
    __table_args__ = (CheckConstraint("text <> ''", name="text"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.feedback_id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class FeedbackRequest(Base):
    """A post-purchase "how did we do?" email sent for a purchase: each purchase is asked once."""

    __tablename__ = "feedback_request"
    __table_args__ = (Index("ix_feedback_request_customer", "customer_id", "requested_at"),)
    purchase_id: Mapped[int] = mapped_column(
        ForeignKey("purchase.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class FeedbackOptOut(Base):
    """A customer who asked not to be sent feedback requests (the request email's own way out)."""

    __tablename__ = "feedback_opt_out"
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(30))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class CustomerMonth(Base):
    """A local calendar month in which a customer made a live (not voided) purchase, kept with
    their purchases by `shop.dashboard.refresh_customer_months`. New versus returning customers
    by month count these rows (an index range) instead of a million purchases."""

    __tablename__ = "customer_month"
    __table_args__ = (Index("ix_customer_month_month", "month", "is_first"),)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # year * 12 + month - 1
    is_first: Mapped[bool] = mapped_column(Boolean)  # their first month with a purchase
