"""Staff corrections: stored beside the OCR values, each with its history row, in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import corrections, results
from db.engine import transaction
from db.tables import utcnow
from ocr_service.holdings import FIELDS as HOLDING_FIELDS
from service import review
from service.errors import NotFound


async def correct(
    engine: AsyncEngine,
    *,
    url: str,
    fund_code: str | None,
    hold_share: str | None,
    holdings: list[dict[str, Any]] | None,
    author: str | None,
) -> tuple[results.StoredResult, list[corrections.Correction]]:
    """Apply one correction (the code and share, the whole list of holdings, or both; None leaves that
    part) and return the stored record with its whole history; NotFound for an unknown URL."""
    async with transaction(engine, write=True) as conn:
        # The row lock (MySQL) or the write lock taken at BEGIN (SQLite) makes concurrent corrections
        # of one image take turns, so each history row's "old" is the previous row's "new".
        current = await results.get_by_url_hash(conn, url_hash=results.url_hash(url), for_update=True)
        if current is None:
            raise NotFound("no answer is stored for this image_url; send it to /ocr_handler first")
        if holdings is not None and _values(holdings) == _values(current.effective_holdings):
            holdings = None  # the same funds and figures: the holdings (with their boxes) stay as read
        at = utcnow()
        await corrections.add(
            conn,
            result_id=current.id,
            old_fund_code=current.effective_fund_code,
            old_hold_share=current.effective_hold_share,
            new_fund_code=current.effective_fund_code if fund_code is None else fund_code,
            new_hold_share=current.effective_hold_share if hold_share is None else hold_share,
            old_holdings=None if holdings is None else current.effective_holdings,
            new_holdings=holdings,
            author=author,
            at=at,
        )
        await results.set_correction(
            conn, result_id=current.id, fund_code=fund_code, hold_share=hold_share, holdings=holdings, author=author, at=at
        )
        stored = await results.get_by_url_hash(conn, url_hash=current.url_hash)
        history = await corrections.list_for(conn, result_id=current.id)
    assert stored is not None
    return stored, history


def _values(holdings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a clerk can change of each holding (not its confidence or boxes)."""
    return [tuple(holding.get(name) for name in HOLDING_FIELDS) for holding in holdings]


async def accept(engine: AsyncEngine, *, result_id: int, author: str | None) -> review.Detail:
    """Staff checked the answer and keep it: a history row whose old and new values agree, so the result leaves
    the review queue; the answer itself does not change. NotFound for an unknown id."""
    async with transaction(engine, write=True) as conn:
        current = await results.get_by_id(conn, result_id=result_id, for_update=True)
        if current is None:
            raise NotFound(f"no result with id {result_id}")
        await corrections.add(
            conn,
            result_id=current.id,
            old_fund_code=current.effective_fund_code,
            old_hold_share=current.effective_hold_share,
            new_fund_code=current.effective_fund_code,
            new_hold_share=current.effective_hold_share,
            author=author,
            at=utcnow(),
        )
        return await review.detail(conn, result_id=result_id)
