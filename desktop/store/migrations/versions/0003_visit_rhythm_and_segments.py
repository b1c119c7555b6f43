"""visit rhythm and segments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:20:00.000000
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import groupby, pairwise
from statistics import median

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_rhythm",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("visit_days", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Integer(), nullable=False),
        sa.Column("usual_gap_days", sa.Float(), nullable=True),
        sa.Column("drift_day", sa.Integer(), nullable=True),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_customer_rhythm_days_in_order")),
        sa.CheckConstraint("visit_days >= 1", name=op.f("ck_customer_rhythm_visit_days")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_rhythm_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_rhythm")),
    )
    with op.batch_alter_table("customer_rhythm", schema=None) as batch_op:
        batch_op.create_index("ix_customer_rhythm_visit_days", ["visit_days"], unique=False)

    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_worth", ["total_spent", "visit_count", "id"], unique=False
        )

    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
        sa.UniqueConstraint("name_key", name=op.f("uq_segment_name_key")),
    )
    _fill_rhythms()


def _rhythm_rows() -> Iterator[dict[str, object]]:
    """Each customer's visit days from their live purchases, as shop/lapsed.py keeps them:
    distinct local dates, and the median gap between them. Written out here (not imported) so
    this step stays as it was when later migrations change the models."""
    purchase = sa.table(
        "purchase",
        sa.column("customer_id", sa.Integer()),
        sa.column("purchased_at", sa.DateTime()),
        sa.column("voided_at", sa.DateTime()),
    )
    rows = op.get_bind().execute(
        sa.select(purchase.c.customer_id, purchase.c.purchased_at)
        .where(purchase.c.customer_id.is_not(None), purchase.c.voided_at.is_(None))
        .order_by(purchase.c.customer_id)
    )
    for customer_id, group in groupby(rows, key=lambda row: row[0]):
        days = sorted({_local_day(row[1]) for row in group})
        gaps = [b - a for a, b in pairwise(days)]
        yield {
            "customer_id": customer_id,
            "visit_days": len(days),
            "first_day": days[0],
            "last_day": days[-1],
            "usual_gap_days": float(median(gaps)) if gaps else None,
        }


def _local_day(stored: datetime) -> int:
    moment = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    return moment.astimezone().date().toordinal()


def _fill_rhythms() -> None:
    rhythm = sa.table(
        "customer_rhythm",
        *(sa.column(name) for name in ("customer_id", "visit_days", "first_day", "last_day")),
        sa.column("usual_gap_days"),
    )
    batch: list[dict[str, object]] = []
    for row in _rhythm_rows():
        batch.append(row)
        if len(batch) == 5000:
            op.get_bind().execute(rhythm.insert(), batch)
            batch = []
    if batch:
        op.get_bind().execute(rhythm.insert(), batch)


def downgrade() -> None:
    op.drop_table("segment")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_worth")

    with op.batch_alter_table("customer_rhythm", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_rhythm_visit_days")

    op.drop_table("customer_rhythm")
