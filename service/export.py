"""Staff corrections as training data: each corrected answer's OCR text with the corrected values labelled on it.

A record holds the stored OCR lines and text, the entities the model found, and the corrected fund code and
share. Where the corrected values occur in the OCR text, the record also holds `chars` and `labels` (one BIO
label per character, the form `ner_service.train` reads): the model's entities that do not contradict the
correction, a FUND_CODE span on the corrected code and a share span on the corrected share (AVAILABLE_SHARE
when the page labels it available, else HOLD_SHARE). A correction whose value the OCR never read is exported
with a `reason` and no labels: there is nothing on the text to learn it from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import results
from db.engine import transaction
from db.results import StoredResult
from ner_service import bio
from ocr_service.labels import AVAILABLE
from ocr_service.numbers import normalise_share, same_share
from ocr_service.teach import Corrected
from service.decide import CODE_LOOK_ALIKES
from service.reading import lines_of

SHARE_TYPES = ("HOLD_SHARE", "AVAILABLE_SHARE")
_FIGURE = re.compile(r"[0-9OolISB][0-9OolISB,.，．]*")  # a run the recogniser may have read as a figure
_LABEL_REACH = 24  # characters before a share figure in which its label is looked for


@dataclass(frozen=True, slots=True)
class Found:
    """Where a corrected value was read: [start, end) in the OCR text."""

    kind: str
    start: int
    end: int


def export_record(result: StoredResult) -> dict[str, Any]:
    """The training record of one corrected result (see the module's docstring)."""
    text = "\n".join(line["text"] for line in result.ocr_lines)
    record: dict[str, Any] = {
        "result_id": result.id,
        "image_url": result.url,
        "corrected_at": result.corrected_at.isoformat() if result.corrected_at else None,
        "author": result.corrected_by,
        "accepted": is_accepted(result),
        "lines": result.ocr_lines,
        "text": text,
        "entities": result.entities,
        "fund_code": result.effective_fund_code,
        "hold_share": result.effective_hold_share,
        "holdings": result.effective_holdings,
        "models": {"ocr": result.ocr_model, "ner": result.ner_model},
    }
    if not result.effective_fund_code:
        record["reason"] = "holdings_only"  # a list page corrected through its holdings: no one fund to label
        return record
    code = list(_code_spans(text, result.effective_fund_code))
    share = list(_share_spans(text, result.effective_hold_share))
    if not code or not share:
        record["reason"] = "fund_code_not_in_text" if not code else "hold_share_not_in_text"
        return record
    labels = _labels(len(text), result.entities, [*code, *share])
    record["chars"] = text
    record["labels"] = labels
    record["spans"] = [{"type": k, "start": s, "end": e, "text": text[s:e]} for k, s, e in bio.spans(labels)]
    return record


def is_accepted(result: StoredResult) -> bool:
    """Staff kept the answer as the service gave it: corrected to the very values it had flagged."""
    return (
        result.corrected
        and result.flag
        and result.corrected_fund_code == result.fund_code
        and same_share(result.corrected_hold_share or "", result.hold_share)
    )


def _code_spans(text: str, code: str) -> Iterator[Found]:
    """Every six-character run that reads as `code` once look-alike letters are taken as digits."""
    folded = text.translate(CODE_LOOK_ALIKES)
    for match in re.finditer(rf"(?<![0-9]){re.escape(code)}(?![0-9])", folded):
        yield Found("FUND_CODE", match.start(), match.end())


def _share_spans(text: str, share: str) -> Iterator[Found]:
    """Every figure in the text whose value is `share`, typed by the label written before it."""
    for match in _FIGURE.finditer(text):
        figure = match.group().rstrip(",.，．")
        value = normalise_share(figure)
        if value is None or not same_share(value, share):
            continue
        before = text[max(0, match.start() - _LABEL_REACH) : match.start()]
        kind = "AVAILABLE_SHARE" if AVAILABLE.search(before) else "HOLD_SHARE"
        yield Found(kind, match.start(), match.start() + len(figure))


def _labels(length: int, entities: Sequence[dict[str, Any]], found: Sequence[Found]) -> list[str]:
    """The model's entities, less its codes and shares (the correction says what those are), plus `found`."""
    spans = [(e["type"], e["start"], e["end"]) for e in entities if e["type"] not in ("FUND_CODE", *SHARE_TYPES)]
    taken = [(f.start, f.end) for f in found]
    spans = [s for s in spans if not any(s[1] < end and start < s[2] for start, end in taken)]
    spans += [(f.kind, f.start, f.end) for f in found]
    return bio.labels_from_spans(length, sorted(spans, key=lambda s: s[1]))


def read_corrected(paths: Sequence[Path]) -> list[Corrected]:
    """The corrected pages of export files (every record: its stored lines and the values staff gave), for
    `ocr_service.teach`; OSError, ValueError or KeyError when a file is not such an export."""
    records = [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Corrected(lines_of(r["lines"]), r["fund_code"], r["hold_share"]) for r in records]


def in_range(result: StoredResult, since: datetime | None, until: datetime | None) -> bool:
    """The correction was made in [since, until)."""
    at = result.corrected_at
    return at is not None and (since is None or at >= since) and (until is None or at < until)


async def write_export(
    engine: AsyncEngine,
    out: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    include_accepted: bool = False,
) -> Counter[str]:
    """Write the records of the results corrected in [since, until) to `out` (JSON lines, written whole or
    not at all); accepted answers only with `include_accepted`. Counts: exported, labelled, and each reason."""
    async with transaction(engine) as conn:
        corrected = await results.list_results(conn, corrected=True)
    chosen = [r for r in corrected if in_range(r, since, until) and (include_accepted or not is_accepted(r))]
    tally: Counter[str] = Counter(exported=0, labelled=0)
    partial = out.with_name(out.name + ".part")
    with partial.open("w", encoding="utf-8") as sink:
        for result in chosen:
            record = export_record(result)
            tally["exported"] += 1
            tally["labelled" if "labels" in record else record["reason"]] += 1
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(out)
    return tally
