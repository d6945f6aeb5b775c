"""service.export: corrected values labelled where the OCR read them, a reason where it never did."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from db.results import StoredResult
from ner_service import bio
from service.export import export_record, is_accepted

AT = datetime(2026, 11, 30, 9, 0)


def stored(lines: list[str], *, code: str, share: str, flag: bool = False, fix: tuple[str, str] | None = None,
           entities: list[dict] | None = None) -> StoredResult:  # fmt: skip
    return StoredResult(
        url="https://img.example.com/a.png", url_hash="h", url_type="oss", business_type="基金", image_sha256="s",
        image_width=720, image_height=1280,
        ocr_lines=[{"text": t, "confidence": 0.97, "box": [[0, 40 * i], [300, 40 * i], [300, 40 * i + 30], [0, 40 * i + 30]]}
                   for i, t in enumerate(lines)],
        entities=entities or [], findings={}, holdings=None, flag=flag, fund_code=code, hold_share=share, confidence=None,
        needs_review=not flag, ocr_model="ocr",
        ner_model="ner", ocr_seconds=0.5, created_at=AT, updated_at=AT, id=7,
        corrected_fund_code=fix[0] if fix else None, corrected_hold_share=fix[1] if fix else None,
        corrected_at=AT if fix else None, corrected_by="clerk" if fix else None,
    )  # fmt: skip


def spans(record: dict) -> list[tuple[str, str]]:
    return [(kind, record["chars"][s:e]) for kind, s, e in bio.spans(record["labels"])]


def test_the_corrected_values_are_labelled_where_they_were_read() -> None:
    lines = ["易方达蓝筹精选混合", "基金代码 OO5827", "持仓成本价 1.7003", "可用份额 12,345.67份"]
    record = export_record(stored(lines, code="", share="", fix=("005827", "12345.67")))
    assert record["chars"] == "\n".join(lines) == record["text"]
    assert spans(record) == [("FUND_CODE", "OO5827"), ("AVAILABLE_SHARE", "12,345.67")]
    assert "reason" not in record and record["author"] == "clerk" and record["fund_code"] == "005827"


def test_the_models_other_entities_stay_and_its_wrong_share_goes() -> None:
    lines = ["华夏成长混合", "000001", "持有份额 1,000.00", "持有收益 +56.78"]
    text = "\n".join(lines)
    entities = [
        {"type": "FUND_NAME", "text": "华夏成长混合", "start": 0, "end": 6},
        {"type": "HOLD_SHARE", "text": "56.78", "start": text.index("56.78"), "end": text.index("56.78") + 5},
        {"type": "PROFIT", "text": "+56.78", "start": text.index("+56.78"), "end": text.index("+56.78") + 6},
    ]
    record = export_record(stored(lines, code="000001", share="56.78", flag=True, fix=("000001", "1000"),
                                  entities=entities))  # fmt: skip
    assert spans(record) == [
        ("FUND_NAME", "华夏成长混合"), ("FUND_CODE", "000001"), ("HOLD_SHARE", "1,000.00"), ("PROFIT", "+56.78"),
    ]  # fmt: skip


def test_a_value_the_ocr_never_read_is_exported_with_a_reason_and_no_labels() -> None:
    record = export_record(stored(["基金代码 005827", "份额 ***"], code="", share="", fix=("005827", "300")))
    assert record["reason"] == "hold_share_not_in_text"
    assert "labels" not in record and "chars" not in record
    record = export_record(stored(["份额 300"], code="", share="", fix=("110022", "300")))
    assert record["reason"] == "fund_code_not_in_text"


def test_a_code_inside_a_longer_number_is_not_the_code() -> None:
    record = export_record(stored(["账号 6222005827001", "005827", "份额 300"], code="", share="", fix=("005827", "300")))
    assert spans(record) == [("FUND_CODE", "005827"), ("HOLD_SHARE", "300")]


def test_accepted_means_corrected_to_the_flagged_values() -> None:
    assert is_accepted(stored(["x"], code="005827", share="300.00", flag=True, fix=("005827", "300")))
    assert not is_accepted(stored(["x"], code="005827", share="300", flag=True, fix=("005827", "301")))
    assert not is_accepted(stored(["x"], code="", share="", flag=False, fix=("005827", "300")))
    assert not is_accepted(stored(["x"], code="005827", share="300", flag=True))


def test_a_list_page_corrected_through_its_holdings_alone_carries_them_and_no_labels() -> None:
    listed = [{"fund_code": "005827", "fund_name": None, "hold_share": "1", "available_share": None, "amount": None}]
    result = stored(["易方达蓝筹精选混合", "005827 持有份额 1"], code="", share="")
    record = export_record(replace(result, corrected_at=AT, corrected_by="clerk", corrected_holdings=listed))
    assert record["reason"] == "holdings_only" and record["holdings"] == listed and "labels" not in record
