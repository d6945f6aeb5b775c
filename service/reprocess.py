"""Stored answers decided again from their stored OCR lines, with the rules and the model of today.

No image is downloaded or recognised. Only the OCR side of a row changes (its decided answer, confidence,
entities, findings and the NER model's name); a staff correction beside it is never touched, so what a corrected
result answers stays exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from db import results
from db.engine import transaction
from db.tables import utcnow
from ocr_service.labels import NO_LABELS, Learned
from ocr_service.numbers import normalise_share
from service.reading import NerStep, Reading, read_page, stored_page

KINDS = ("unchanged", "newly_flagged", "unflagged", "values_changed")


async def reprocess(
    engine: AsyncEngine,
    *,
    ner: NerStep | None,
    threshold: float,
    learned: Learned = NO_LABELS,
    since: datetime | None = None,
    unflagged_only: bool = False,
) -> Counter[str]:
    """Decide every stored row created since `since` again (only unflagged ones with `unflagged_only`);
    how many answers changed, by kind (KINDS)."""
    async with transaction(engine) as conn:
        rows = await results.list_results(conn, since=since, flag=False if unflagged_only else None)
    tally: Counter[str] = Counter({kind: 0 for kind in KINDS})
    for row in rows:
        reading = await read_page(stored_page(row), ner, threshold=threshold, learned=learned)
        tally[change_of(row, reading)] += 1
        stored = reading.stored(ner.version if ner is not None else None)
        if stored == {column: getattr(row, column) for column in stored}:
            continue
        async with transaction(engine, write=True) as conn:
            await results.set_decision(conn, result_id=row.id, **stored, at=utcnow())
    return tally


def change_of(row: results.StoredResult, reading: Reading) -> str:
    """How the answer a row gave changes with `reading` (one of KINDS)."""
    new = reading.decision
    if new.flag != row.flag:
        return "newly_flagged" if new.flag else "unflagged"
    if new.flag and (new.fund_code, normalise_share(new.hold_share)) != (row.fund_code, normalise_share(row.hold_share)):
        return "values_changed"
    return "unchanged"
