"""Tables for friendly reminders: each customer's visit rhythm, and saved segments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Customer, UTCDateTime, utc_now

# Customers most valuable first (spend, then visits): lists of who to win back walk this index
# and stop at a page, instead of sorting every lapsed customer. No index on the rhythm's last
# day, on purpose: SQLite would pick it and sort tens of thousands of rows.
Index("ix_customer_worth", Customer.total_spent, Customer.visit_count, Customer.id)


class CustomerRhythm(Base):
    """A customer's visits counted in days (one row per customer who bought), maintained with
    their purchases by `shop.lapsed.refresh_rhythm`. The not-seen-lately rules and the BG/NBD
    model read it instead of a million purchases. Days are the shop's local dates as
    `date.toordinal()` numbers, so every rule is plain arithmetic in any database."""

    __tablename__ = "customer_rhythm"
    __table_args__ = (
        CheckConstraint("visit_days >= 1", name="visit_days"),
        CheckConstraint("last_day >= first_day", name="days_in_order"),
        Index("ix_customer_rhythm_visit_days", "visit_days"),
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    # Distinct days with a live (not voided) purchase: several sales on one day are one visit.
    visit_days: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[int] = mapped_column(Integer)
    last_day: Mapped[int] = mapped_column(Integer)
    # Median days between visit days; None until a second visit.
    usual_gap_days: Mapped[float | None] = mapped_column(Float)
    # The last day the BG/NBD fit gives them at least the shop's set chance of still being
    # active (see shop/bgnbd.py); None for a one-time buyer or without a usable fit.
    drift_day: Mapped[int | None] = mapped_column(Integer)


class Segment(Base):
    """A saved group of customers: its definition (JSON, see shop/segments.py) is evaluated
    whenever it is used, so its members follow the data."""

    __tablename__ = "segment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Folded name: "Lapsed regulars" and "lapsed  REGULARS" are one segment on every till.
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
