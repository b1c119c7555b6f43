"""a campaign keeps its welcome-back offer

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("offer_percent", "offer_amount", "offer_min_spend", "offer_days")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("campaign", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
