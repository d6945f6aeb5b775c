"""Claims: which replica is reading a URL, so that replicas share one download and one OCR run.

Additive (a new table): replicas of the previous release keep serving while and after it runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "ocr_claims",
        sa.Column("url_hash", sa.String(64), nullable=False, comment="the URL being read: one claim per URL across replicas"),
        sa.Column("owner", sa.String(64), nullable=False, comment="the replica (host, pid, random) reading it"),
        sa.Column("expires_at", Timestamp, nullable=False, comment="renewed while the owner works; past it anyone may take over"),
        sa.PrimaryKeyConstraint("url_hash", name="pk_ocr_claims"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("ocr_claims")
