"""Batch jobs: a job and its items, one per URL, each queued on the broker until answered or failed.

Additive (new tables): replicas of the previous release keep serving while and after it runs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
Id = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "ocr_jobs",
        sa.Column("id", sa.String(32), nullable=False, comment="random hex: the job's URL is its only key"),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ocr_jobs"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "ocr_job_items",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, comment="order in the submitted list (first of a repeated URL)"),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False, comment="one item per URL in a job"),
        sa.Column("url_type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, comment="queued, done or failed"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0", comment="tries that ended in an error"),
        sa.Column("result_id", Id, nullable=True),
        sa.Column("source", sa.String(8), nullable=True, comment="ocr: this item read it; stored: it was known"),
        sa.Column("error", sa.JSON, nullable=True, comment="{kind, message, details} of the last failure"),
        sa.Column("finished_at", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ocr_job_items"),
        sa.ForeignKeyConstraint(["job_id"], ["ocr_jobs.id"], name="fk_ocr_job_items_job_id_ocr_jobs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["result_id"], ["ocr_results.id"], name="fk_ocr_job_items_result_id_ocr_results", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("job_id", "url_hash", name="uq_ocr_job_items_job_id_url_hash"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_index("ix_ocr_job_items_job_id_position", "ocr_job_items", ["job_id", "position"])


def downgrade() -> None:
    op.drop_table("ocr_job_items")
    op.drop_table("ocr_jobs")
