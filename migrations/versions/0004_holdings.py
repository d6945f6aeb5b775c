"""Every holding on a page: the holdings read from it, their staff correction, and both sides in the history.

Additive (nullable columns): replicas of the previous release keep serving while and after it runs; their
rows have no holdings (NULL), which the answer shows as an empty list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ocr_results",
        sa.Column(
            "holdings",
            sa.JSON,
            nullable=True,
            comment="[{fund_code, fund_name, hold_share, available_share, amount, confidence, boxes}]; NULL: stored before holdings",
        ),
    )
    op.add_column(
        "ocr_results",
        sa.Column("corrected_holdings", sa.JSON, nullable=True, comment="the holdings as staff corrected them; NULL: not corrected"),
    )
    op.add_column(
        "ocr_corrections",
        sa.Column("old_holdings", sa.JSON, nullable=True, comment="the holdings before; NULL with new_holdings: this correction left them"),
    )
    op.add_column(
        "ocr_corrections",
        sa.Column("new_holdings", sa.JSON, nullable=True, comment="the holdings as corrected; NULL: this correction left them"),
    )


def downgrade() -> None:
    op.drop_column("ocr_corrections", "new_holdings")
    op.drop_column("ocr_corrections", "old_holdings")
    op.drop_column("ocr_results", "corrected_holdings")
    op.drop_column("ocr_results", "holdings")
