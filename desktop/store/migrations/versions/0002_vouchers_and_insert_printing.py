"""vouchers and insert printing

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:01:30.929831
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voucher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("min_spend", sa.BigInteger(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(percent IS NULL) <> (amount IS NULL)", name=op.f("ck_voucher_one_discount")
        ),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name=op.f("ck_voucher_amount")),
        sa.CheckConstraint("min_spend >= 0", name=op.f("ck_voucher_min_spend")),
        sa.CheckConstraint(
            "percent IS NULL OR (percent BETWEEN 1 AND 100)", name=op.f("ck_voucher_percent")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_voucher_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name=op.f("fk_voucher_purchase_id_purchase"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher")),
        sa.UniqueConstraint("code", name=op.f("uq_voucher_code")),
    )
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.create_index("ix_voucher_customer", ["customer_id"], unique=False)
        batch_op.create_index("ix_voucher_issued", ["issued_at"], unique=False)

    op.create_table(
        "voucher_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name=op.f("fk_voucher_redemption_purchase_id_purchase"),
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["voucher.id"], name=op.f("fk_voucher_redemption_voucher_id_voucher")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_redemption")),
        sa.UniqueConstraint("voucher_id", name=op.f("uq_voucher_redemption_voucher_id")),
    )
    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_redemption_purchase_id"), ["purchase_id"], unique=False
        )

    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("insert_printed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("discount", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.drop_column("discount")
        batch_op.drop_column("insert_printed_at")

    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_redemption_purchase_id"))

    op.drop_table("voucher_redemption")
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_issued")
        batch_op.drop_index("ix_voucher_customer")

    op.drop_table("voucher")
