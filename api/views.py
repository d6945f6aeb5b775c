"""JSON shapes of stored records, as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.errors import stored_error_view
from db.corrections import Correction
from db.jobs import Item
from db.results import Listed, StoredResult
from service.jobs import JobReport

# What a listing shows of each result (GET /results); GET /results/{id} shows everything.
_LISTED_KEYS = ("flag", "data", "corrected", "correction", "image_url", "url_type", "created_at", "updated_at")


def result_view(result: StoredResult, *, source: str) -> dict[str, Any]:
    """The answer to a caller: `data` holds the corrected values when staff corrected it, else the OCR's.
    `confidence` is the OCR answer's (null for answers stored before confidences); a corrected answer no
    longer needs review."""
    correction = None
    if result.corrected:
        correction = {
            "fund_code": result.corrected_fund_code,
            "hold_share": result.corrected_hold_share,
            "holdings": result.corrected_holdings,
            "at": _iso(result.corrected_at),
            "by": result.corrected_by,
        }
    return {
        # a correction of the holdings alone names no single fund: the answer stays unflagged
        "flag": result.flag or result.corrected_fund_code is not None,
        "data": {"fund_code": result.effective_fund_code, "hold_share": result.effective_hold_share},
        "holdings": result.effective_holdings,
        "confidence": result.confidence,
        "needs_review": result.needs_review and not result.corrected,
        "reasons": result.findings.get("reasons", []),
        "source": source,
        "corrected": result.corrected,
        "ocr": {
            "flag": result.flag,
            "fund_code": result.fund_code,
            "hold_share": result.hold_share,
            "fund_codes": result.findings.get("fund_codes", []),
            "shares": result.findings.get("shares", []),
            "decided_by": result.findings.get("decided_by", "rules"),
            "holdings": result.holdings or [],
        },
        "correction": correction,
        "image_url": result.url,
        "url_type": result.url_type,
        "business_type": result.business_type,
        "image": {"sha256": result.image_sha256, "width": result.image_width, "height": result.image_height},
        "lines": result.ocr_lines,
        "entities": result.entities,
        "models": {"ocr": result.ocr_model, "ner": result.ner_model},
        "created_at": _iso(result.created_at),
        "updated_at": _iso(result.updated_at),
    }


def listed_view(listed: Listed) -> dict[str, Any]:
    full = result_view(listed.result, source="stored")
    return {
        "id": listed.result.id,
        **{key: full[key] for key in _LISTED_KEYS},
        "needs_review": listed.needs_review,
        "confidence": full["confidence"],
    }


def detail_view(listed: Listed, history: list[Correction]) -> dict[str, Any]:
    return {
        "id": listed.result.id,
        **result_view(listed.result, source="stored"),
        "needs_review": listed.needs_review,
        "history": [correction_view(item) for item in history],
    }


def correction_view(correction: Correction) -> dict[str, Any]:
    """One history row; `holdings` on both sides only when the correction changed them."""
    old = {"fund_code": correction.old_fund_code, "hold_share": correction.old_hold_share}
    new = {"fund_code": correction.new_fund_code, "hold_share": correction.new_hold_share}
    if correction.new_holdings is not None:
        old["holdings"], new["holdings"] = correction.old_holdings, correction.new_holdings
    return {"old": old, "new": new, "author": correction.author, "at": _iso(correction.created_at)}


def job_view(report: JobReport, next_cursor: str | None) -> dict[str, Any]:
    """A job's progress and, for one page of its items in the order given, each answer as /ocr_handler gives
    it, or its error."""
    counts = report.job.counts
    return {
        "id": report.job.id,
        "status": "running" if counts["queued"] else "done",
        "total": sum(counts.values()),
        **counts,
        "created_at": _iso(report.job.created_at),
        "items": [_item_view(item, report.results.get(item.result_id or 0)) for item in report.items],
        "next_cursor": next_cursor,
    }


def _item_view(item: Item, result: StoredResult | None) -> dict[str, Any]:
    return {
        "image_url": item.url,
        "url_type": item.url_type,
        "status": item.status,
        "attempts": item.attempts,
        "answer": result_view(result, source=item.source or "stored") if result is not None else None,
        "error": stored_error_view(item.error) if item.error is not None else None,
        "finished_at": _iso(item.finished_at),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds") + "Z"
