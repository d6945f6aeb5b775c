"""Repository of batch jobs and their items (one per URL in a job). Functions never commit.

An item is queued until a worker records its answer (done, with the result row) or its last failure
(failed); recording is idempotent, so an item delivered twice is answered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.results import url_hash
from db.tables import job_items, jobs

Status = Literal["queued", "done", "failed"]


@dataclass(frozen=True, slots=True)
class NewItem:
    url: str
    url_type: str


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    job_id: str
    position: int
    url: str
    url_type: str
    status: Status
    attempts: int
    result_id: int | None
    source: str | None
    error: dict[str, Any] | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    created_at: datetime
    counts: dict[Status, int]  # the job's items by status, every status present


_COLUMNS = [job_items.c[name] for name in Item.__slots__]


async def create(conn: AsyncConnection, *, job_id: str, items: list[NewItem], now: datetime) -> list[Item]:
    """A new job of these items, a URL given twice kept once (at its first position); its items in order."""
    await conn.execute(insert(jobs).values(id=job_id, created_at=now))
    unique: dict[str, tuple[int, NewItem]] = {}
    for position, item in enumerate(items):
        unique.setdefault(url_hash(item.url), (position, item))
    await conn.execute(
        insert(job_items),
        [
            {"job_id": job_id, "position": position, "url": item.url, "url_hash": key, "url_type": item.url_type,
             "status": "queued", "attempts": 0}
            for key, (position, item) in unique.items()
        ],
    )  # fmt: skip
    return await page(conn, job_id=job_id, after=None, limit=len(unique))


async def delete_job(conn: AsyncConnection, *, job_id: str) -> None:
    """Remove a job and its items (one the broker did not take)."""
    await conn.execute(delete(job_items).where(job_items.c.job_id == job_id))
    await conn.execute(delete(jobs).where(jobs.c.id == job_id))


async def get(conn: AsyncConnection, *, job_id: str) -> Job | None:
    """The job and how many of its items are queued, done and failed, or None."""
    created_at = (await conn.execute(select(jobs.c.created_at).where(jobs.c.id == job_id))).scalar_one_or_none()
    if created_at is None:
        return None
    rows = await conn.execute(
        select(job_items.c.status, func.count()).where(job_items.c.job_id == job_id).group_by(job_items.c.status)
    )
    counts: dict[Status, int] = dict.fromkeys(get_args(Status), 0)
    counts.update((status, count) for status, count in rows)
    return Job(job_id, created_at, counts)


async def page(conn: AsyncConnection, *, job_id: str, after: int | None, limit: int) -> list[Item]:
    """Up to `limit` of the job's items in the order they were submitted, from the one after position `after`."""
    query = select(*_COLUMNS).where(job_items.c.job_id == job_id)
    if after is not None:
        query = query.where(job_items.c.position > after)
    rows = await conn.execute(query.order_by(job_items.c.position).limit(limit))
    return [Item(**row) for row in rows.mappings()]


async def item(conn: AsyncConnection, *, item_id: int) -> Item | None:
    row = (await conn.execute(select(*_COLUMNS).where(job_items.c.id == item_id))).mappings().first()
    return Item(**row) if row else None


async def answered(conn: AsyncConnection, *, item_id: int, result_id: int, source: str, now: datetime) -> bool:
    """Record the item's answer unless it has one already; True if this call recorded it."""
    done = await conn.execute(
        update(job_items)
        .where(job_items.c.id == item_id, job_items.c.status != "done")
        .values(status="done", result_id=result_id, source=source, error=None, finished_at=now)
    )
    return done.rowcount == 1


async def failed(conn: AsyncConnection, *, item_id: int, error: dict[str, Any], final: bool, now: datetime) -> None:
    """Count a failed try of a queued item and keep its error; `final`: no more tries, the item is failed."""
    values: dict[str, Any] = {"attempts": job_items.c.attempts + 1, "error": error}
    if final:
        values.update(status="failed", finished_at=now)
    await conn.execute(update(job_items).where(job_items.c.id == item_id, job_items.c.status == "queued").values(values))
