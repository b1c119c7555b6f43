"""The loyalty programme's tables: member accounts, their points ledger, rewards, the poll.

The ledger is append-only. Each account keeps its balance and `version` (the sequence number of
its newest entry) in the same transaction as the entry, and (account, sequence) is unique: two
tills that both write from the same balance cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.store.models import Base, Customer, UTCDateTime, utc_now

ENTRY_KINDS = ("earn", "reverse", "redeem", "adjust", "bonus", "expire")
REWARD_GIVES = ("percent", "amount", "free_item")
POLL_CHANNELS = ("counter", "card")


class LoyaltyAccount(Base):
    """A customer's membership: card number, enrolment and the maintained balance."""

    __tablename__ = "loyalty_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL once the customer is erased: the points history stays, unlinked, with the sales.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), unique=True
    )
    card_number: Mapped[str] = mapped_column(String(16), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # When the member's card was last printed (None: a new member still waiting for a card).
    card_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[Customer | None] = relationship()


class LoyaltyEntry(Base):
    """One movement of points: earned, taken back, spent, adjusted, given or expired."""

    __tablename__ = "loyalty_entry"
    __table_args__ = (
        UniqueConstraint("account_id", "sequence", name="uq_loyalty_entry_sequence"),
        # NULLs are distinct, so only keyed bonuses (joining, birthday:2025, email) are once-only.
        UniqueConstraint("account_id", "bonus_key", name="uq_loyalty_entry_bonus"),
        CheckConstraint(
            "kind IN ('earn', 'reverse', 'redeem', 'adjust', 'bonus', 'expire')", name="kind"
        ),
        CheckConstraint("sequence >= 1", name="sequence"),
        CheckConstraint("points <> 0", name="points"),
        CheckConstraint("kind <> 'redeem' OR (points < 0 AND balance_after >= 0)", name="redeem"),
        CheckConstraint("kind <> 'adjust' OR reason <> ''", name="adjust_reason"),
        Index("ix_loyalty_entry_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_account.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    points: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    purchase_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase.id", ondelete="SET NULL"), index=True
    )
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="SET NULL"))
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("reward.id", ondelete="SET NULL"))
    bonus_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Reward(Base):
    """What members can spend points on. Retired, never deleted: the ledger points at it."""

    __tablename__ = "reward"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost"),
        CheckConstraint("gives IN ('percent', 'amount', 'free_item')", name="gives"),
        CheckConstraint("percent IS NULL OR (percent BETWEEN 1 AND 100)", name="percent"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    cost: Mapped[int] = mapped_column(Integer)
    gives: Mapped[str] = mapped_column(String(10))
    percent: Mapped[int | None] = mapped_column(Integer)
    # Amount off, or a free item's value (for a product: its price when the reward was set,
    # used only once the product is gone; the product's current price counts otherwise).
    amount: Mapped[int | None] = mapped_column(BigInteger)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class RewardPollAnswer(Base):
    """One answer to "which reward would you like?", at the counter or from a printed card."""

    __tablename__ = "reward_poll_answer"
    __table_args__ = (
        CheckConstraint("channel IN ('counter', 'card')", name="channel"),
        # One vote per customer per option; anonymous answers (NULL customer) are not limited.
        UniqueConstraint("customer_id", "option", name="uq_reward_poll_answer_vote"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    option: Mapped[str] = mapped_column(String(120))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
