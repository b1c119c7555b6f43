"""The shop's tables as typed SQLAlchemy models.

Money is integer minor units with a currency code; times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; SQLite keeps no zone, so values come back marked as UTC again."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        result: datetime = value
        return result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """The shop's profile and rules, one JSON value per key."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """Numbering that two tills share (purchase references)."""

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Asset(Base):
    """Binary files the shop file carries with it (the logo), so one file is the whole shop."""

    __tablename__ = "asset"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (
        CheckConstraint("birth_day IS NULL OR (birth_day BETWEEN 1 AND 31)", name="birth_day"),
        CheckConstraint(
            "birth_month IS NULL OR (birth_month BETWEEN 1 AND 12)", name="birth_month"
        ),
        Index("ix_customer_last_seen", "last_seen_at"),
        Index("ix_customer_sort_name", "sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Folded (case- and accent-free) forms: the portable search path and duplicate checks.
    sort_name: Mapped[str] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    postcode_key: Mapped[str] = mapped_column(String(20), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Current marketing basis per channel, kept with the consent ledger in one transaction.
    email_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    post_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from purchases, maintained in the purchase's own transaction.
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    total_spent: Mapped[int] = mapped_column(BigInteger, default=0)

    tags: Mapped[list[Tag]] = relationship(secondary="customer_tag", order_by="Tag.name")


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class CustomerTag(Base):
    __tablename__ = "customer_tag"
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)


class Consent(Base):
    """Append-only ledger of marketing permissions: what was agreed, when, how, in what words."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_customer", "customer_id", "channel", "recorded_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))  # email | post
    granted: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(String(30))  # consent | soft_opt_in | legitimate_interest
    source: Mapped[str] = mapped_column(String(30))  # counter | import | form | merge ...
    wording: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Category(Base):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Product(Base):
    __tablename__ = "product"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str | None] = mapped_column(String(64), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    unit_price: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    category: Mapped[Category | None] = relationship()


class Purchase(Base):
    __tablename__ = "purchase"
    __table_args__ = (
        Index("ix_purchase_customer", "customer_id", "purchased_at"),
        Index("ix_purchase_time", "purchased_at", "id"),
        CheckConstraint("total >= 0", name="total"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))  # in_shop | online | phone
    purchased_at: Mapped[datetime] = mapped_column(UTCDateTime)
    currency: Mapped[str] = mapped_column(String(3))
    # What the customer paid: the lines less `discount` (vouchers redeemed against it).
    total: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)
    # When the thank-you insert for this purchase was printed (None: still to print).
    insert_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[PurchaseLine]] = relationship(
        order_by="PurchaseLine.position", cascade="all, delete-orphan"
    )
    customer: Mapped[Customer | None] = relationship()


class PurchaseLine(Base):
    __tablename__ = "purchase_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purchase_id: Mapped[int] = mapped_column(
        ForeignKey("purchase.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)


class Voucher(Base):
    """A discount slip with a code. Redemption lives in `VoucherRedemption`, unique per voucher,
    so the database itself lets a code be used once, whichever till asks first."""

    __tablename__ = "voucher"
    __table_args__ = (
        CheckConstraint("percent IS NULL OR (percent BETWEEN 1 AND 100)", name="percent"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount"),
        CheckConstraint("(percent IS NULL) <> (amount IS NULL)", name="one_discount"),
        CheckConstraint("min_spend >= 0", name="min_spend"),
        Index("ix_voucher_customer", "customer_id"),
        Index("ix_voucher_issued", "issued_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # thank_you | welcome_back | goodwill | reward
    percent: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    min_spend: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_on: Mapped[date | None] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchase.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer | None] = relationship()
    redemption: Mapped[VoucherRedemption | None] = relationship(back_populates="voucher")


class VoucherRedemption(Base):
    __tablename__ = "voucher_redemption"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id"), unique=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchase.id"), index=True)
    discount: Mapped[int] = mapped_column(BigInteger)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    voucher: Mapped[Voucher] = relationship(back_populates="redemption")


# Each capability's tables live in their own module; importing them here means every use of the
# models (the app, Alembic, the tests) knows the whole schema.
from desktop.store import (  # noqa: E402, F401
    models_campaigns,
    models_feedback,
    models_loyalty,
    models_reminders,
)
