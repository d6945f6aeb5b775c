"""Repository of OCR answers, one row per image URL. Functions never commit: the caller's transaction does."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    and_,
    case,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.tables import ID_MAX, corrections, results


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
    holdings: list[dict[str, Any]] | None  # None: stored before holdings were read
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
    corrected_holdings: list[dict[str, Any]] | None = None

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def effective_holdings(self) -> list[dict[str, Any]]:
        """The holdings staff corrected, else the OCR's (none for rows stored before holdings)."""
        if self.corrected_holdings is not None:
            return self.corrected_holdings
        return self.holdings or []

    @property
    def effective_fund_code(self) -> str:
        return self.corrected_fund_code if self.corrected_fund_code is not None else self.fund_code

    @property
    def effective_hold_share(self) -> str:
        return self.corrected_hold_share if self.corrected_hold_share is not None else self.hold_share


_NAMES = [f.name for f in fields(StoredResult)]
_COLUMNS = [results.c[name] for name in _NAMES]


async def get_by_url_hash(conn: AsyncConnection, *, url_hash: str, for_update: bool = False) -> StoredResult | None:
    """The row for a URL hash, or None; `for_update` locks it until the transaction ends (MySQL)."""
    return await _get_where(conn, results.c.url_hash == url_hash, for_update=for_update)


async def get_by_id(conn: AsyncConnection, *, result_id: int, for_update: bool = False) -> StoredResult | None:
    """The row with this id, or None; `for_update` as in get_by_url_hash."""
    if not 0 < result_id <= ID_MAX:
        return None
    return await _get_where(conn, results.c.id == result_id, for_update=for_update)


async def get_many(conn: AsyncConnection, *, result_ids: list[int]) -> dict[int, StoredResult]:
    """The rows with these ids, by id (ids without a row are left out)."""
    if not result_ids:
        return {}
    rows = (await conn.execute(select(*_COLUMNS).where(results.c.id.in_(result_ids)))).mappings()
    return {row["id"]: StoredResult(**row) for row in rows}


async def _get_where(conn: AsyncConnection, condition: ColumnElement[bool], *, for_update: bool) -> StoredResult | None:
    query = select(*_COLUMNS).where(condition)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    return StoredResult(**row) if row else None


async def updated_at(conn: AsyncConnection, *, url_hash: str) -> datetime | None:
    """When the row for a URL hash last changed (every correction changes it), or None if there is none."""
    query = select(results.c.updated_at).where(results.c.url_hash == url_hash)
    return (await conn.execute(query)).scalar_one_or_none()


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
    conn: AsyncConnection,
    *,
    result_id: int,
    fund_code: str | None,
    hold_share: str | None,
    holdings: list[dict[str, Any]] | None,
    author: str | None,
    at: datetime,
) -> None:
    """Store a staff correction beside the OCR values, which stay untouched; None leaves that part (the code
    and share, or the holdings) as it was."""
    values: dict[str, Any] = {"corrected_by": author, "corrected_at": at, "updated_at": at}
    if fund_code is not None and hold_share is not None:
        values.update(corrected_fund_code=fund_code, corrected_hold_share=hold_share)
    if holdings is not None:
        values["corrected_holdings"] = holdings
    await conn.execute(update(results).where(results.c.id == result_id).values(**values))


async def list_results(
    conn: AsyncConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    corrected: bool | None = None,
    flag: bool | None = None,
) -> list[StoredResult]:
    """Rows created in [since, until), oldest first; `corrected` / `flag` keep only rows with that state."""
    where = ResultFilter(created_from=since, created_to=until, corrected=corrected, flag=flag)
    query = select(*_COLUMNS).where(*_conditions(where)).order_by(results.c.id)
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
    holdings: list[dict[str, Any]],
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
            holdings=holdings,
            ner_model=ner_model,
            updated_at=at,
        )
    )


# --- Listing, for review. What an answer says of its own certainty is read in these two functions only. ---


def _unsure() -> ColumnElement[bool]:
    """Answers a person should check: unflagged, or below the confidence threshold (stored so)."""
    return results.c.needs_review.is_(True)


def _confidence() -> ColumnElement[float]:
    """The review queue's sort key, lowest first: the less sure of the two fields (0 for answers stored
    before confidences). `+ 0` makes MariaDB's JSON text a number, as SQLite's already is."""
    code, share = (
        func.coalesce(func.json_extract(results.c.confidence, f"$.{name}") + 0, 0.0) for name in ("fund_code", "hold_share")
    )
    return case((code < share, code), else_=share)


def _reviewed() -> ColumnElement[bool]:
    """Staff corrected or accepted it: the history has a row."""
    return exists().where(corrections.c.result_id == results.c.id)


def _needs_review() -> ColumnElement[bool]:
    return and_(_unsure(), not_(_reviewed()))


@dataclass(frozen=True, slots=True)
class ResultFilter:
    """What a listing keeps; None means any. Times are naive UTC, `created_to` exclusive."""

    needs_review: bool | None = None
    corrected: bool | None = None
    flag: bool | None = None
    fund_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    url_contains: str | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    """A stored result and whether it waits for review."""

    result: StoredResult
    needs_review: bool


# Sort orders of a listing, each ending in the id so that a position in it is unique.
ORDERS = ("newest", "confidence")
ListPosition = tuple[float | int, ...]


def _conditions(where: ResultFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if where.needs_review is not None:
        conditions.append(_needs_review() if where.needs_review else not_(_needs_review()))
    if where.corrected is not None:
        conditions.append(results.c.corrected_at.isnot(None) if where.corrected else results.c.corrected_at.is_(None))
    if where.flag is not None:
        conditions.append(results.c.flag.is_(where.flag))
    if where.fund_code is not None:
        conditions.append(func.coalesce(results.c.corrected_fund_code, results.c.fund_code) == where.fund_code)
    if where.created_from is not None:
        conditions.append(results.c.created_at >= where.created_from)
    if where.created_to is not None:
        conditions.append(results.c.created_at < where.created_to)
    if where.url_contains is not None:
        conditions.append(results.c.url.contains(where.url_contains, autoescape=True))
    return conditions


def _after(order: str, position: ListPosition) -> ColumnElement[bool]:
    """Rows that come after `position` in `order` (keyset pagination: stable while rows are added)."""
    if order == "newest":
        (last_id,) = position
        return results.c.id < last_id
    confidence, last_id = position
    return or_(_confidence() > confidence, and_(_confidence() == confidence, results.c.id < last_id))


def _position(order: str, row: RowMapping) -> ListPosition:
    return (row["id"],) if order == "newest" else (row["rank"], row["id"])


async def list_page(
    conn: AsyncConnection, *, where: ResultFilter, order: str, after: ListPosition | None, limit: int
) -> tuple[list[Listed], ListPosition | None]:
    """Up to `limit` results in `order` ("newest" first, or lowest "confidence" first), after `after`;
    and the position to continue from, or None when this page is the last."""
    query = select(*_COLUMNS, _needs_review().label("waiting"), _confidence().label("rank"))
    conditions = _conditions(where)
    if after is not None:
        conditions.append(_after(order, after))
    sort = [results.c.id.desc()] if order == "newest" else [_confidence().asc(), results.c.id.desc()]
    rows = list((await conn.execute(query.where(*conditions).order_by(*sort).limit(limit + 1))).mappings())
    page = [_listed(row) for row in rows[:limit]]
    return page, (_position(order, rows[limit - 1]) if len(rows) > limit else None)


async def get_listed(conn: AsyncConnection, *, result_id: int) -> Listed | None:
    """One result by id, with whether it waits for review."""
    if not 0 < result_id <= ID_MAX:
        return None
    query = select(*_COLUMNS, _needs_review().label("waiting")).where(results.c.id == result_id)
    row = (await conn.execute(query)).mappings().first()
    return _listed(row) if row else None


async def count(conn: AsyncConnection, *, where: ResultFilter) -> int:
    query = select(func.count()).select_from(results).where(*_conditions(where))
    return (await conn.execute(query)).scalar_one()


def _listed(row: RowMapping) -> Listed:
    return Listed(
        result=StoredResult(**{name: row[name] for name in _NAMES}), needs_review=bool(row["waiting"])
    )
