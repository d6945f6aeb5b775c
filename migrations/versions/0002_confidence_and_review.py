"""How sure each OCR answer is, and whether a clerk should look at it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Answers stored before this revision have no confidence (NULL); they need review exactly when they were
not flagged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ocr_results",
        sa.Column("confidence", sa.JSON, nullable=True, comment="{fund_code, hold_share} in [0, 1]; NULL: stored before confidences"),
    )
    op.add_column(
        "ocr_results",
        sa.Column("needs_review", sa.Boolean, nullable=False, server_default=sa.false(), comment="the OCR answer is not sure: a clerk looks"),
    )
    results = sa.table("ocr_results", sa.column("flag", sa.Boolean), sa.column("needs_review", sa.Boolean))
    op.execute(results.update().values(needs_review=sa.not_(results.c.flag)))
    op.create_index("ix_ocr_results_needs_review", "ocr_results", ["needs_review"])


def downgrade() -> None:
    op.drop_index("ix_ocr_results_needs_review", table_name="ocr_results")
    op.drop_column("ocr_results", "needs_review")
    op.drop_column("ocr_results", "confidence")
