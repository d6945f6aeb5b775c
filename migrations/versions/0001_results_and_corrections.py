"""OCR results keyed by URL hash, with staff corrections beside the OCR values and their history.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer, "sqlite")
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL = {"mysql_charset": "utf8mb4", "mysql_engine": "InnoDB"}


def upgrade() -> None:
    op.create_table(
        "ocr_results",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False, comment="sha256 of url: URLs outgrow an index"),
        sa.Column("url_type", sa.String(16), nullable=False),
        sa.Column("business_type", sa.String(16), nullable=False),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("image_width", sa.Integer, nullable=False),
        sa.Column("image_height", sa.Integer, nullable=False),
        sa.Column("ocr_lines", sa.JSON, nullable=False, comment="[{text, confidence, box}] in reading order"),
        sa.Column("entities", sa.JSON, nullable=False, comment="[{type, text, start, end}] from the NER model"),
        sa.Column("findings", sa.JSON, nullable=False, comment="what the rules found and who decided: {fund_codes, shares, decided_by}"),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("fund_code", sa.String(16), nullable=False),
        sa.Column("hold_share", sa.String(64), nullable=False),
        sa.Column("ocr_model", sa.String(64), nullable=False),
        sa.Column("ner_model", sa.String(64), nullable=True),
        sa.Column("ocr_seconds", sa.Float, nullable=False),
        sa.Column("corrected_fund_code", sa.String(16), nullable=True),
        sa.Column("corrected_hold_share", sa.String(64), nullable=True),
        sa.Column("corrected_at", Timestamp, nullable=True),
        sa.Column("corrected_by", sa.String(64), nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ocr_results"),
        sa.UniqueConstraint("url_hash", name="uq_ocr_results_url_hash"),
        **MYSQL,
    )
    op.create_table(
        "ocr_corrections",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("result_id", Id, nullable=False),
        sa.Column("old_fund_code", sa.String(16), nullable=False),
        sa.Column("old_hold_share", sa.String(64), nullable=False),
        sa.Column("new_fund_code", sa.String(16), nullable=False),
        sa.Column("new_hold_share", sa.String(64), nullable=False),
        sa.Column("author", sa.String(64), nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ocr_corrections"),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["ocr_results.id"],
            name="fk_ocr_corrections_result_id_ocr_results",
            ondelete="CASCADE",
        ),
        **MYSQL,
    )
    op.create_index("ix_ocr_corrections_result_id_id", "ocr_corrections", ["result_id", "id"])


def downgrade() -> None:
    op.drop_table("ocr_corrections")
    op.drop_table("ocr_results")
