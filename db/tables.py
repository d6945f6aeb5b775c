"""Table definitions; the migrations create exactly these (tests/migrations compares them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects import mysql

# The Alembic revision these tables correspond to; /ready compares it with the database.
SCHEMA_REVISION = "0005"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements only INTEGER PRIMARY KEY
ID_MAX = 2**63 - 1  # both are signed 64-bit
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# None stored as SQL NULL (not JSON `null`), so that IS NULL tells "not given" apart in queries.
OptionalJson = JSON(none_as_null=True)
_mysql = {"mysql_charset": "utf8mb4", "mysql_engine": "InnoDB"}

results = Table(
    "ocr_results",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("url_hash", String(64), nullable=False, unique=True, comment="sha256 of url: URLs outgrow an index"),
    Column("url_type", String(16), nullable=False),
    Column("business_type", String(16), nullable=False),
    Column("image_sha256", String(64), nullable=False),
    Column("image_width", Integer, nullable=False),
    Column("image_height", Integer, nullable=False),
    Column("ocr_lines", JSON, nullable=False, comment="[{text, confidence, box}] in reading order"),
    Column("entities", JSON, nullable=False, comment="[{type, text, start, end}] from the NER model"),
    Column("findings", JSON, nullable=False, comment="what the rules found and who decided: {fund_codes, shares, decided_by}"),
    Column("flag", Boolean, nullable=False),
    Column("fund_code", String(16), nullable=False),
    Column("hold_share", String(64), nullable=False),
    Column("confidence", JSON, nullable=True, comment="{fund_code, hold_share} in [0, 1]; NULL: stored before confidences"),
    Column("needs_review", Boolean, nullable=False, server_default=false(), comment="the OCR answer is not sure: a clerk looks"),
    Column("holdings", OptionalJson, nullable=True, comment="[{fund_code, fund_name, hold_share, available_share, amount, confidence, boxes}]; NULL: stored before holdings"),
    Column("ocr_model", String(64), nullable=False),
    Column("ner_model", String(64), nullable=True),
    Column("ocr_seconds", Float, nullable=False),
    Column("corrected_fund_code", String(16), nullable=True),
    Column("corrected_hold_share", String(64), nullable=True),
    Column("corrected_at", Timestamp, nullable=True),
    Column("corrected_by", String(64), nullable=True),
    Column("corrected_holdings", OptionalJson, nullable=True, comment="the holdings as staff corrected them; NULL: not corrected"),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Index(None, "needs_review"),
    **_mysql,
)

corrections = Table(
    "ocr_corrections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("result_id", Id, ForeignKey("ocr_results.id", ondelete="CASCADE"), nullable=False),
    Column("old_fund_code", String(16), nullable=False),
    Column("old_hold_share", String(64), nullable=False),
    Column("new_fund_code", String(16), nullable=False),
    Column("new_hold_share", String(64), nullable=False),
    Column("old_holdings", OptionalJson, nullable=True, comment="the holdings before; NULL with new_holdings: this correction left them"),
    Column("new_holdings", OptionalJson, nullable=True, comment="the holdings as corrected; NULL: this correction left them"),
    Column("author", String(64), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "result_id", "id"),
    **_mysql,
)

claims = Table(
    "ocr_claims",
    metadata,
    Column("url_hash", String(64), primary_key=True, comment="the URL being read: one claim per URL across replicas"),
    Column("owner", String(64), nullable=False, comment="the replica (host, pid, random) reading it"),
    Column("expires_at", Timestamp, nullable=False, comment="renewed while the owner works; past it anyone may take over"),
    **_mysql,
)

jobs = Table(
    "ocr_jobs",
    metadata,
    Column("id", String(32), primary_key=True, comment="random hex: the job's URL is its only key"),
    Column("created_at", Timestamp, nullable=False),
    **_mysql,
)

job_items = Table(
    "ocr_job_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("job_id", String(32), ForeignKey("ocr_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False, comment="order in the submitted list (first of a repeated URL)"),
    Column("url", Text, nullable=False),
    Column("url_hash", String(64), nullable=False, comment="one item per URL in a job"),
    Column("url_type", String(16), nullable=False),
    Column("status", String(16), nullable=False, comment="queued, done or failed"),
    Column("attempts", Integer, nullable=False, server_default="0", comment="tries that ended in an error"),
    Column("result_id", Id, ForeignKey("ocr_results.id", ondelete="SET NULL"), nullable=True),
    Column("source", String(8), nullable=True, comment="ocr: this item read it; stored: it was known"),
    Column("error", JSON, nullable=True, comment="{kind, message, details} of the last failure"),
    Column("finished_at", Timestamp, nullable=True),
    UniqueConstraint("job_id", "url_hash"),
    Index(None, "job_id", "position"),
    **_mysql,
)


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column holds: MySQL DATETIME has no zone."""
    return datetime.now(UTC).replace(tzinfo=None)
