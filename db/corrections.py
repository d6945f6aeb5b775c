"""Repository of the correction history: one row per staff correction, never updated or deleted."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.tables import corrections


@dataclass(frozen=True, slots=True)
class Correction:
    """One change of an answer: what it was, what it became, who changed it and when."""

    id: int
    result_id: int
    old_fund_code: str
    old_hold_share: str
    new_fund_code: str
    new_hold_share: str
    author: str | None
    created_at: datetime
    old_holdings: list[dict[str, Any]] | None = None  # both None: this correction left the holdings as they were
    new_holdings: list[dict[str, Any]] | None = None


_COLUMNS = [corrections.c[f.name] for f in fields(Correction)]


async def add(
    conn: AsyncConnection,
    *,
    result_id: int,
    old_fund_code: str,
    old_hold_share: str,
    new_fund_code: str,
    new_hold_share: str,
    old_holdings: list[dict[str, Any]] | None = None,
    new_holdings: list[dict[str, Any]] | None = None,
    author: str | None,
    at: datetime,
) -> None:
    """Append one history row; `old_holdings` / `new_holdings` only when the holdings changed."""
    await conn.execute(
        insert(corrections).values(
            result_id=result_id,
            old_fund_code=old_fund_code,
            old_hold_share=old_hold_share,
            new_fund_code=new_fund_code,
            new_hold_share=new_hold_share,
            old_holdings=old_holdings,
            new_holdings=new_holdings,
            author=author,
            created_at=at,
        )
    )


async def list_for(conn: AsyncConnection, *, result_id: int) -> list[Correction]:
    """Every correction of one result, oldest first."""
    query = select(*_COLUMNS).where(corrections.c.result_id == result_id).order_by(corrections.c.id)
    return [Correction(**row) for row in (await conn.execute(query)).mappings()]


async def count_since(conn: AsyncConnection, *, since: datetime) -> dict[str, int]:
    """Results staff handled since `since`: "corrected" (a value changed) and "accepted" (kept as they were).

    A result handled both ways counts once, as corrected.
    """
    changed = or_(
        corrections.c.old_fund_code != corrections.c.new_fund_code,
        corrections.c.old_hold_share != corrections.c.new_hold_share,
        corrections.c.new_holdings.isnot(None),
    )
    per_result = (
        select(func.max(case((changed, 1), else_=0)).label("changed"))
        .where(corrections.c.created_at >= since)
        .group_by(corrections.c.result_id)
        .subquery()
    )
    query = select(per_result.c.changed, func.count()).group_by(per_result.c.changed)
    counted = {bool(changed): number for changed, number in (await conn.execute(query)).all()}
    return {"corrected": counted.get(True, 0), "accepted": counted.get(False, 0)}
