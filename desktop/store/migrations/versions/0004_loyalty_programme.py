"""loyalty programme: member accounts, points ledger, rewards, rewards poll

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "loyalty_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("card_number", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("card_printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_loyalty_account_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_account")),
        sa.UniqueConstraint("card_number", name=op.f("uq_loyalty_account_card_number")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_loyalty_account_customer_id")),
    )
    op.create_table(
        "reward",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("gives", sa.String(length=10), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cost > 0", name=op.f("ck_reward_cost")),
        sa.CheckConstraint(
            "gives IN ('percent', 'amount', 'free_item')", name=op.f("ck_reward_gives")
        ),
        sa.CheckConstraint(
            "percent IS NULL OR (percent BETWEEN 1 AND 100)", name=op.f("ck_reward_percent")
        ),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name=op.f("ck_reward_amount")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_reward_product_id_product"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward")),
    )
    op.create_table(
        "loyalty_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("reward_id", sa.Integer(), nullable=True),
        sa.Column("bonus_key", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('earn', 'reverse', 'redeem', 'adjust', 'bonus', 'expire')",
            name=op.f("ck_loyalty_entry_kind"),
        ),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_loyalty_entry_sequence")),
        sa.CheckConstraint("points <> 0", name=op.f("ck_loyalty_entry_points")),
        sa.CheckConstraint(
            "kind <> 'redeem' OR (points < 0 AND balance_after >= 0)",
            name=op.f("ck_loyalty_entry_redeem"),
        ),
        sa.CheckConstraint(
            "kind <> 'adjust' OR reason <> ''", name=op.f("ck_loyalty_entry_adjust_reason")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["loyalty_account.id"],
            name=op.f("fk_loyalty_entry_account_id_loyalty_account"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name=op.f("fk_loyalty_entry_purchase_id_purchase"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
            name=op.f("fk_loyalty_entry_voucher_id_voucher"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reward_id"],
            ["reward.id"],
            name=op.f("fk_loyalty_entry_reward_id_reward"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_entry")),
        sa.UniqueConstraint("account_id", "sequence", name="uq_loyalty_entry_sequence"),
        sa.UniqueConstraint("account_id", "bonus_key", name="uq_loyalty_entry_bonus"),
    )
    with op.batch_alter_table("loyalty_entry", schema=None) as batch_op:
        batch_op.create_index("ix_loyalty_entry_created", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_loyalty_entry_purchase_id"), ["purchase_id"], unique=False
        )
    op.create_table(
        "reward_poll_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=120), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel IN ('counter', 'card')", name=op.f("ck_reward_poll_answer_channel")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_reward_poll_answer_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_poll_answer")),
        sa.UniqueConstraint("customer_id", "option", name="uq_reward_poll_answer_vote"),
    )


def downgrade() -> None:
    op.drop_table("reward_poll_answer")
    with op.batch_alter_table("loyalty_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyalty_entry_purchase_id"))
        batch_op.drop_index("ix_loyalty_entry_created")
    op.drop_table("loyalty_entry")
    op.drop_table("reward")
    op.drop_table("loyalty_account")
