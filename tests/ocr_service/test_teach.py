"""Labels learned from corrected pages: what is learned, what is not, and the rules reading with them."""

import json

import pytest

from ocr_service.extract import extract
from ocr_service.teach import Corrected, read_labels, teach, write_labels
from ocr_service.types import OcrLine


def lines(*texts: str) -> list[OcrLine]:
    return [OcrLine(t, 0.99, ((30, 20 + 50 * r), (600, 20 + 50 * r), (600, 50 + 50 * r), (30, 50 + 50 * r))) for r, t in enumerate(texts)]


def held_page(code: str, held: str, frozen: str) -> Corrected:
    return Corrected(lines("匯豐亞洲債券基金", f"基金代號 {code}", f"持有單位 {held}", f"凍結單位 {frozen}"), code, held)


def both_page(code: str, held: str, available: str) -> Corrected:
    page = lines("東方紅睿豐混合", f"基金代號 {code}", f"持有單位 {held}", f"可贖回單位 {available}")
    return Corrected(page, code, available)


HELD = [held_page("005827", "1,000.00", "10.00"), held_page("110011", "52.30", "1.00"), held_page("161725", "8,888.88", "8.00")]
BOTH = [both_page("005827", "1,000.00", "800.00"), both_page("519674", "300.00", "120.50"), both_page("000001", "9.99", "3.33")]


def test_held_and_available_labels_and_the_code_label_are_learned_from_three_pages_each():
    taught = teach(HELD + BOTH)
    assert taught.labels == {"可贖回單位": "available", "基金代號": "code", "持有單位": "held", "凍結單位": "other_share"}
    assert taught.evidence["持有單位"].share == 3 and taught.evidence["持有單位"].lost == 3
    assert taught.evidence["可贖回單位"].beat == {"持有單位"}


def test_the_rules_read_an_unseen_page_with_what_was_learned():
    page = lines("易方達藍籌精選混合", "基金代號 005827", "持有單位 2,000.00", "可贖回單位 1,500.00", "凍結單位 500.00")
    assert not extract(page).flag
    found = extract(page, learned=teach(HELD + BOTH).labels)
    assert (found.fund_code, found.hold_share, found.flag) == ("005827", "1500.00", True)


def test_a_label_seen_on_fewer_pages_than_asked_is_not_learned():
    assert teach(HELD[:2]).labels == {}
    assert teach(HELD[:2], min_pages=2).labels == {"基金代號": "code", "持有單位": "held", "凍結單位": "other_share"}


def test_a_label_paired_with_other_figures_that_nothing_explains_is_no_share_label():
    """`參考淨值` beside the share on three pages, and the corrections took other figures."""
    pages = [Corrected(lines("某某基金(005827)", f"參考淨值 {v}", f"持有單位 {s}"), "005827", s) for v, s in [("1.23", "100"), ("2.5", "20"), ("3.1", "30")]]
    assert teach(pages + HELD).labels["參考淨值"] == "other_share"


def test_a_label_never_paired_with_the_corrected_share_is_learned_as_another_share():
    assert teach(HELD).labels["凍結單位"] == "other_share"
    page = lines("匯豐亞洲債券基金", "基金代號 110011", "持有單位 52.30", "凍結單位 1.00")
    found = extract(page, learned=teach(HELD).labels)
    assert (found.hold_share, found.flag) == ("52.30", True) and "1.00" in found.others


def test_the_labels_file_round_trips_and_a_bad_one_is_refused_with_its_reason(tmp_path):
    out = tmp_path / "labels.json"
    write_labels(teach(HELD + BOTH), out)
    assert dict(read_labels(out)) == {"可贖回單位": "available", "基金代號": "code", "持有單位": "held", "凍結單位": "other_share"}
    assert json.loads(out.read_text(encoding="utf-8"))["evidence"]["可贖回單位"]["beat"] == ["持有單位"]
    out.write_text(json.dumps({"labels": {"市值": "money"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="cannot be learned"):
        read_labels(out)
    out.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a learned-labels file"):
        read_labels(out)


def test_a_learned_held_figure_is_no_answer_beside_an_unknown_label_like_a_learned_one():
    """`可回單位` (a misread 可贖回單位) beside the learned `持有單位`: likely the available figure, unknown yet."""
    learned = {"持有單位": "held", "基金代號": "code"}
    page = lines("中銀半導體指數(LOF)", "基金代號 160878", "持有單位 112,319.86", "可回單位 12,594.38")
    found = extract(page, learned=learned)
    assert not found.flag and "available" in found.unpaired
    alone = extract(lines("中銀半導體指數(LOF)", "基金代號 160878", "持有單位 112,319.86", "累計收益 18.76"), learned=learned)
    assert (alone.fund_code, alone.hold_share, alone.flag) == ("160878", "112319.86", True)
