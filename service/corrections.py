"""Staff corrections: stored beside the OCR values, each with its history row, in one transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from db import corrections, results
from db.engine import transaction
from db.tables import utcnow
from service import review
from service.errors import NotFound


async def correct(
    engine: AsyncEngine, *, url: str, fund_code: str, hold_share: str, author: str | None
) -> tuple[results.StoredResult, list[corrections.Correction]]:
    """Apply one correction and return the stored record with its whole history; NotFound for an unknown URL."""
    async with transaction(engine, write=True) as conn:
        # The row lock (MySQL) or the write lock taken at BEGIN (SQLite) makes concurrent corrections
        # of one image take turns, so each history row's "old" is the previous row's "new".
        current = await results.get_by_url_hash(conn, url_hash=results.url_hash(url), for_update=True)
        if current is None:
            raise NotFound("no answer is stored for this image_url; send it to /ocr_handler first")
        at = utcnow()
        await corrections.add(
            conn,
            result_id=current.id,
            old_fund_code=current.effective_fund_code,
            old_hold_share=current.effective_hold_share,
            new_fund_code=fund_code,
            new_hold_share=hold_share,
            author=author,
            at=at,
        )
        await results.set_correction(
            conn, result_id=current.id, fund_code=fund_code, hold_share=hold_share, author=author, at=at
        )
        stored = await results.get_by_url_hash(conn, url_hash=current.url_hash)
        history = await corrections.list_for(conn, result_id=current.id)
    assert stored is not None
    return stored, history


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
