"""The extraction bench's scoring: right, abstained and flagged wrong, from whatever the decision returns."""

import json
from dataclasses import dataclass
from pathlib import Path

from bench.extraction import (
    calibration,
    decide_full,
    decide_rules,
    evaluate,
    outcome,
    page_json,
    score_holdings,
    to_page,
)
from ocr_service.types import Extraction, OcrLine, OcrResult
from service.reading import Reading


def _record(lines, *, code="005827", share="1234.56", flag=True, family="screen", degradation="photo"):
    rows = [{"text": text, "confidence": 0.99, "box": [[0, 40 * i], [300, 40 * i], [300, 40 * i + 30], [0, 40 * i + 30]]} for i, text in enumerate(lines)]
    return {"path": f"{family}.jpg", "layout": family, "family": family, "degradation": degradation,
            "fund_code": code if flag else "", "hold_share": share if flag else "", "flag": flag, "lines": rows,
            "width": 300, "height": 40 * len(lines)}


@dataclass(frozen=True)
class Confident:
    """A decision that says how sure it is, as the service's will."""

    fund_code: str
    hold_share: str
    flag: bool
    confidence: dict
    needs_review: bool
    source: str


def test_outcomes_on_positives_and_negatives():
    positive, negative = _record([]), _record([], flag=False, family="quote")
    assert outcome(positive, Extraction("005827", "1234.56", True)) == "right"
    assert outcome(positive, Extraction("005827", "1.7003", True)) == "flagged_wrong"
    assert outcome(positive, Extraction("", "", False)) == "abstained"
    assert outcome(negative, Extraction("005827", "005669", True)) == "flagged"
    assert outcome(negative, Confident("", "", False, {}, True, "rules")) == "unflagged"


def test_the_cache_keeps_the_page_as_the_service_reads_it():
    """Upright boxes and the orientation verdict: the rules place a turned page's lines by them."""
    turned = OcrLine("持有份额 1,234.56", 0.97, ((300, 0), (330, 0), (330, 200), (300, 200)), ((0, 0), (200, 0), (200, 30), (0, 30)))
    page = OcrResult((turned,), width=400, height=300, seconds=0.5, rotation=90, orientation_unsure=True, tilt=1.5)
    cached = json.loads(json.dumps({"path": "0.jpg", **page_json(page)}))
    assert to_page(cached) == page


def test_the_rules_are_scored_on_the_cached_lines():
    records = [
        _record(["易方达蓝筹精选混合", "005827", "持有份额 1,234.56"]),
        _record(["易方达蓝筹精选混合", "005827", "持有份额 9.00"], degradation="rot90"),
        _record(["易方达蓝筹精选混合", "005827"], degradation="rot90"),
        _record(["易方达蓝筹精选混合", "005827", "单位净值 2.5435"], flag=False, family="quote"),
    ]
    answers = [reading.decision for reading in decide_rules(records, threshold=0.9)]
    by_family = evaluate(records, answers, by="family")
    assert (by_family["screen"]["right"], by_family["screen"]["flagged_wrong"], by_family["screen"]["abstained"]) == (1, 1, 1)
    assert by_family["quote"]["unflagged"] == 1 and by_family["quote"]["negatives"] == 1
    by_degradation = evaluate(records, answers, by="degradation")
    assert by_degradation["rot90"]["positives"] == 2 and by_degradation["photo"]["right"] == 1


def test_calibration_rows_carry_the_decisions_confidence(tmp_path):
    records = [_record([]), _record([], flag=False, family="list")]
    rules = Extraction("005827", "1234.56", True, ("005827",), ("1234.56",))
    readings = [
        Reading(Confident("005827", "1234.56", True, {"fund_code": 0.99, "hold_share": 0.97}, False, "both"), rules, ()),
        Reading(Confident("005827", "88.00", False, {"fund_code": 0.9, "hold_share": 0.2}, True, "ner"), rules, ()),
    ]
    out = tmp_path / "cal.jsonl"
    calibration(records, readings, out)
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first["confidence"] == {"fund_code": 0.99, "hold_share": 0.97} and first["outcome"] == "right"
    assert first["code_right"] and first["share_right"] and first["needs_review"] is False
    assert first["decided_by"] == "both" and first["rules_candidates"] == {"fund_codes": ["005827"], "shares": ["1234.56"]}
    assert second["outcome"] == "unflagged" and not second["positive"] and not second["code_right"]


def test_the_full_decision_is_the_services_reading():
    records = [
        _record(["易方达蓝筹精选混合", "005827", "持有份额 1,234.56"]),
        _record(["我的基金", "易方达蓝筹精选混合", "005827", "华夏成长混合", "000001"], flag=False, family="list"),
    ]
    for record in records:
        record["width"], record["height"] = 300, 400
    readings = decide_full(records, model=Path("ner_service/model"), threads=1, threshold=0.9)
    assert [outcome(r, reading.decision) for r, reading in zip(records, readings)] == ["right", "unflagged"]
    assert readings[0].decision.source in ("rules", "both") and readings[0].entities


def test_holdings_are_scored_page_by_page_with_the_funds_found_and_invented():
    from ocr_service.holdings import Holding
    from service.decide import Decision

    def truth(code, share, name="基金"):
        return {"fund_code": code, "fund_name": name, "hold_share": share, "available_share": None, "amount": None}

    def got(code, share, name="基金"):
        return Holding(code, name, share, None, None, 0.9)

    unflagged = Decision("", "", False, "rules")
    rules = Extraction("", "", False)
    records = [
        {**_record([], flag=False, family="list"), "holdings": [truth("005827", "1.00"), truth("000001", "2.00")]},
        {**_record([], flag=False, family="list"), "holdings": [truth("005827", "1.00")]},
        {**_record([], flag=False, family="list"), "holdings": [truth(None, None, "甲混合"), truth(None, None, "乙混合")]},
        _record([]),
    ]
    readings = [
        Reading(unflagged, rules, (), (got("005827", "1.00"), got("000001", "2.00"))),
        Reading(unflagged, rules, (), (got("005827", "9.00"), got("161725", "3.00"))),  # a wrong share, a cut fund
        Reading(unflagged, rules, (), (got(None, None, "甲混合"),)),
        Reading(Decision("005827", "1234.56", True, "rules"), rules, (), (got("005827", "1234.56"),)),
    ]
    table = score_holdings(records, readings)
    listed = table["list"]
    assert (listed["pages"], listed["pages_right"], listed["truth"], listed["found"]) == (3, 1, 5, 3)
    assert (listed["returned"], listed["invented"]) == (5, 1)
    assert (table["screen"]["flagged"], table["screen"]["flagged_as_data"]) == (1, 1)
