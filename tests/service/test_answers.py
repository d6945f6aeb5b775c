"""The answer cache on its own: size bound and a late read never hiding a newer correction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from db.results import StoredResult
from service.answers import AnswerCache

AT = datetime(2026, 1, 1, 12, 0, 0)


def stored(code: str, *, updated: datetime = AT) -> StoredResult:
    return StoredResult(
        url=f"https://img.example/{code}.png",
        url_hash=code,
        url_type="1",
        business_type="基金",
        image_sha256="0" * 64,
        image_width=720,
        image_height=1280,
        ocr_lines=[],
        entities=[],
        findings={},
        holdings=None,
        flag=True,
        fund_code=code,
        hold_share="100.00",
        confidence={"fund_code": 0.97, "hold_share": 0.95},
        needs_review=False,
        ocr_model="m",
        ner_model=None,
        ocr_seconds=0.5,
        created_at=AT,
        updated_at=updated,
    )


def test_the_least_recently_used_entry_goes_first():
    cache = AnswerCache(size=2)
    cache.put("a", stored("a"))
    cache.put("b", stored("b"))
    cache.get("a")
    cache.put("c", stored("c"))
    assert cache.get("b") is None
    assert [cache.get(key).fund_code for key in ("a", "c")] == ["a", "c"]


def test_a_late_read_never_replaces_a_newer_correction():
    cache = AnswerCache(size=10)
    corrected = replace(stored("a", updated=AT + timedelta(seconds=1)), corrected_fund_code="999999")
    cache.put("a", corrected)
    cache.put("a", stored("a"))  # read before the correction committed, stored after it
    assert cache.get("a").corrected_fund_code == "999999"


def test_size_zero_keeps_nothing():
    cache = AnswerCache(size=0)
    cache.put("a", stored("a"))
    assert cache.get("a") is None
