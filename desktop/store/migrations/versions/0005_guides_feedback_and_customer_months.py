"""care guides, feedback and follow-ups, feedback requests, customer months

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:00:00
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _guides()
    _feedback()
    _customer_months()
    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.create_index("ix_voucher_redemption_redeemed", ["redeemed_at"], unique=False)


def _guides() -> None:
    op.create_table(
        "guide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_key", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(image IS NULL) = (image_type IS NULL)", name=op.f("ck_guide_image_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide")),
        sa.UniqueConstraint("title_key", name=op.f("uq_guide_title_key")),
    )
    for table, other in (("guide_category", "category"), ("guide_product", "product")):
        op.create_table(
            table,
            sa.Column("guide_id", sa.Integer(), nullable=False),
            sa.Column(f"{other}_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["guide_id"],
                ["guide.id"],
                name=op.f(f"fk_{table}_guide_id_guide"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [f"{other}_id"],
                [f"{other}.id"],
                name=op.f(f"fk_{table}_{other}_id_{other}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("guide_id", f"{other}_id", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_{other}_id"), [f"{other}_id"], unique=False
            )


def _feedback() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_key", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "rating IS NULL OR (rating BETWEEN 1 AND 5)", name=op.f("ck_feedback_rating")
        ),
        sa.CheckConstraint(
            "recommend IS NULL OR (recommend BETWEEN 0 AND 10)",
            name=op.f("ck_feedback_recommend"),
        ),
        sa.CheckConstraint(
            "rating IS NOT NULL OR recommend IS NOT NULL", name=op.f("ck_feedback_a_score")
        ),
        sa.CheckConstraint(
            "channel IN ('in_person', 'phone', 'email', 'online_form')",
            name=op.f("ck_feedback_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name=op.f("fk_feedback_purchase_id_purchase"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_feedback_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("response_key", name=op.f("uq_feedback_response_key")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_received", ["received_at", "id"], unique=False)
        batch_op.create_index("ix_feedback_customer", ["customer_id", "received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_purchase_id"), ["purchase_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('new', 'contacted', 'resolved')", name=op.f("ck_follow_up_state")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_follow_up_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
            name=op.f("fk_follow_up_voucher_id_voucher"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_state", ["state", "opened_at"], unique=False)

    op.create_table(
        "follow_up_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("text <> ''", name=op.f("ck_follow_up_note_text")),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["follow_up.feedback_id"],
            name=op.f("fk_follow_up_note_feedback_id_follow_up"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_note")),
    )
    with op.batch_alter_table("follow_up_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_note_feedback_id"), ["feedback_id"], unique=False
        )

    op.create_table(
        "feedback_request",
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchase.id"],
            name=op.f("fk_feedback_request_purchase_id_purchase"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_feedback_request_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("purchase_id", name=op.f("pk_feedback_request")),
    )
    with op.batch_alter_table("feedback_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_request_customer", ["customer_id", "requested_at"], unique=False
        )

    op.create_table(
        "feedback_opt_out",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_feedback_opt_out_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_feedback_opt_out")),
    )


def _customer_months() -> None:
    op.create_table(
        "customer_month",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_month_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "month", name=op.f("pk_customer_month")),
    )
    with op.batch_alter_table("customer_month", schema=None) as batch_op:
        batch_op.create_index("ix_customer_month_month", ["month", "is_first"], unique=False)
    table = sa.table(
        "customer_month", sa.column("customer_id"), sa.column("month"), sa.column("is_first")
    )
    batch: list[dict[str, object]] = []
    for row in _month_rows():
        batch.append(row)
        if len(batch) == 50_000:
            op.get_bind().execute(table.insert(), batch)
            batch = []
    if batch:
        op.get_bind().execute(table.insert(), batch)


def _month_rows() -> Iterator[dict[str, object]]:
    """Each customer's local months with a live purchase, as shop/dashboard.py keeps them
    (year * 12 + month - 1). Written out here (not imported) so this step stays as it was when
    later code changes."""
    purchase = sa.table(
        "purchase",
        sa.column("customer_id", sa.Integer()),
        sa.column("purchased_at", sa.DateTime()),
        sa.column("voided_at", sa.DateTime()),
    )
    rows = op.get_bind().execute(
        sa.select(purchase.c.customer_id, sa.extract("epoch", purchase.c.purchased_at)).where(
            purchase.c.customer_id.is_not(None), purchase.c.voided_at.is_(None)
        )
    )
    months: dict[int, set[int]] = defaultdict(set)
    # The local month changes only on the quarter hour in every time zone.
    month_of_quarter: dict[int, int] = {}
    for customer_id, seconds in rows:
        quarter = int(seconds) // 900
        key = month_of_quarter.get(quarter)
        if key is None:
            day = date.fromtimestamp(quarter * 900)
            key = month_of_quarter[quarter] = day.year * 12 + day.month - 1
        months[customer_id].add(key)
    for customer_id in sorted(months):
        keys = sorted(months[customer_id])
        for key in keys:
            yield {"customer_id": customer_id, "month": key, "is_first": key == keys[0]}


def downgrade() -> None:
    with op.batch_alter_table("voucher_redemption", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_redemption_redeemed")
    with op.batch_alter_table("customer_month", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_month_month")
    op.drop_table("customer_month")
    op.drop_table("feedback_opt_out")
    with op.batch_alter_table("feedback_request", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_request_customer")
    op.drop_table("feedback_request")
    with op.batch_alter_table("follow_up_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_note_feedback_id"))
    op.drop_table("follow_up_note")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_state")
    op.drop_table("follow_up")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_purchase_id"))
        batch_op.drop_index("ix_feedback_customer")
        batch_op.drop_index("ix_feedback_received")
    op.drop_table("feedback")
    for table, other in (("guide_product", "product"), ("guide_category", "category")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{other}_id"))
        op.drop_table(table)
    op.drop_table("guide")
