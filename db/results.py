"""Repository of OCR answers, one row per image URL. Functions never commit: the caller's transaction does."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.tables import results


def url_hash(url: str) -> str:
    """The unique key of a URL: hex sha256 of its UTF-8 bytes."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewResult:
    """What one OCR run found for one URL, ready to be stored."""

    url: str
    url_hash: str
    url_type: str
    business_type: str
    image_sha256: str
    image_width: int
    image_height: int
    ocr_lines: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    findings: dict[str, Any]
    flag: bool
    fund_code: str
    hold_share: str
    confidence: dict[str, float] | None  # None: stored before answers had confidences
    needs_review: bool
    ocr_model: str
    ner_model: str | None
    ocr_seconds: float
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredResult(NewResult):
    """A stored row: the OCR answer and, beside it, the latest staff correction if any."""

    id: int = 0
    corrected_fund_code: str | None = None
    corrected_hold_share: str | None = None
    corrected_at: datetime | None = None
    corrected_by: str | None = None

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def effective_fund_code(self) -> str:
        return self.corrected_fund_code if self.corrected_fund_code is not None else self.fund_code

    @property
    def effective_hold_share(self) -> str:
        return self.corrected_hold_share if self.corrected_hold_share is not None else self.hold_share


_COLUMNS = [results.c[f.name] for f in fields(StoredResult)]


async def get_by_url_hash(conn: AsyncConnection, *, url_hash: str, for_update: bool = False) -> StoredResult | None:
    """The row for a URL hash, or None; `for_update` locks it until the transaction ends (MySQL)."""
    query = select(*_COLUMNS).where(results.c.url_hash == url_hash)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    return StoredResult(**row) if row else None


async def insert_if_absent(conn: AsyncConnection, *, result: NewResult) -> bool:
    """Insert unless a row with the same url_hash exists (another worker won the race); True if inserted."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(results).values(asdict(result)))
    except IntegrityError:
        if await get_by_url_hash(conn, url_hash=result.url_hash, for_update=True) is None:
            raise
        return False
    return True


async def set_correction(
    conn: AsyncConnection, *, result_id: int, fund_code: str, hold_share: str, author: str | None, at: datetime
) -> None:
    """Store a staff correction beside the OCR values, which stay untouched."""
    await conn.execute(
        update(results)
        .where(results.c.id == result_id)
        .values(
            corrected_fund_code=fund_code,
            corrected_hold_share=hold_share,
            corrected_by=author,
            corrected_at=at,
            updated_at=at,
        )
    )


async def list_results(
    conn: AsyncConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    corrected: bool | None = None,
    flag: bool | None = None,
) -> list[StoredResult]:
    """Rows created in [since, until), oldest first; `corrected` / `flag` keep only rows with that state."""
    query = select(*_COLUMNS).order_by(results.c.id)
    if since is not None:
        query = query.where(results.c.created_at >= since)
    if until is not None:
        query = query.where(results.c.created_at < until)
    if corrected is not None:
        query = query.where(results.c.corrected_at.is_not(None) if corrected else results.c.corrected_at.is_(None))
    if flag is not None:
        query = query.where(results.c.flag.is_(flag))
    return [StoredResult(**row) for row in (await conn.execute(query)).mappings()]


async def set_decision(
    conn: AsyncConnection,
    *,
    result_id: int,
    flag: bool,
    fund_code: str,
    hold_share: str,
    confidence: dict[str, float],
    needs_review: bool,
    entities: list[dict[str, Any]],
    findings: dict[str, Any],
    ner_model: str | None,
    at: datetime,
) -> None:
    """Replace the decided OCR answer of a row (reprocessing); a staff correction beside it stays as it is."""
    await conn.execute(
        update(results)
        .where(results.c.id == result_id)
        .values(
            flag=flag,
            fund_code=fund_code,
            hold_share=hold_share,
            confidence=confidence,
            needs_review=needs_review,
            entities=entities,
            findings=findings,
            ner_model=ner_model,
            updated_at=at,
        )
    )
