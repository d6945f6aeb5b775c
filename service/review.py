"""Stored results for review: listings, one result with its whole history, the queue's counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import corrections, results
from db.engine import transaction
from service.errors import NotFound

Detail = tuple[results.Listed, list[corrections.Correction]]


async def list_results(
    engine: AsyncEngine,
    *,
    where: results.ResultFilter,
    order: str,
    after: results.ListPosition | None,
    limit: int,
) -> tuple[list[results.Listed], results.ListPosition | None]:
    async with transaction(engine) as conn:
        return await results.list_page(conn, where=where, order=order, after=after, limit=limit)


async def result_detail(engine: AsyncEngine, *, result_id: int) -> Detail:
    """One result and its whole history; NotFound for an unknown id."""
    async with transaction(engine) as conn:
        return await detail(conn, result_id=result_id)


async def queue_counts(engine: AsyncEngine, *, since: datetime) -> dict[str, int]:
    """How many results wait for review, and how many staff corrected or accepted since `since`."""
    async with transaction(engine) as conn:
        waiting = await results.count(conn, where=results.ResultFilter(needs_review=True))
        handled = await corrections.count_since(conn, since=since)
    return {"to_review": waiting, "corrected": handled["corrected"], "accepted": handled["accepted"]}


async def detail(conn: AsyncConnection, *, result_id: int) -> Detail:
    """Within a transaction: one result and its history; NotFound for an unknown id."""
    listed = await results.get_listed(conn, result_id=result_id)
    if listed is None:
        raise NotFound(f"no result with id {result_id}")
    return listed, await corrections.list_for(conn, result_id=result_id)
