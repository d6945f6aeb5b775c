"""The rules-and-model policy on hand-made OCR lines (one line a row) and entities pointing into their text."""

import re

import pytest

from ner_service.types import Entity
from ocr_service.extract import extract
from ocr_service.types import OcrLine
from service.decide import MODEL_TRUST, Decision, decide
from testkit.lines import page as table

THRESHOLD = 0.9


def lines(*texts: str, confidence: float = 0.99) -> list[OcrLine]:
    return [OcrLine(t, confidence, ((30, 20 + 50 * r), (600, 20 + 50 * r), (600, 50 + 50 * r), (30, 50 + 50 * r))) for r, t in enumerate(texts)]


def tag(page: list[OcrLine], *spans: tuple[str, str]) -> list[Entity]:
    """An entity for each (type, text), at the text's first place in the page."""
    text = "\n".join(line.text for line in page)
    return [Entity(kind, piece, text.index(piece), text.index(piece) + len(piece)) for kind, piece in spans]


def run(page: list[OcrLine], entities: list[Entity], **options) -> Decision:
    return decide(extract(page), entities, page, **{"threshold": THRESHOLD, **options})


CARD = ("易方达蓝筹精选混合(005827)", "可用份额 8,000.00")


def test_rules_and_model_agreeing_flag_with_high_confidence():
    page = lines(*CARD)
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("AVAILABLE_SHARE", "8,000.00")))
    assert (found.fund_code, found.hold_share, found.flag, found.source, found.needs_review) == ("005827", "8000.00", True, "both", False)
    assert min(found.confidence.values()) > 0.98 and found.reasons == ()


def test_clear_rules_flag_alone_when_the_model_tags_nothing():
    found = run(lines(*CARD), [])
    assert (found.fund_code, found.hold_share, found.flag, found.source) == ("005827", "8000.00", True, "rules")
    assert THRESHOLD <= found.confidence["fund_code"] < 0.97 and THRESHOLD <= found.confidence["hold_share"] <= 0.97


@pytest.mark.parametrize(
    "spans",
    [
        (("FUND_CODE", "005827"), ("AVAILABLE_SHARE", "9,000.00")),  # the model takes the held figure for the available one
        (("FUND_CODE", "005827"), ("HOLD_SHARE", "8,000.00")),  # the available figure for the held one
        (("FUND_CODE", "0O5828"), ("AVAILABLE_SHARE", "8,000.00")),  # a related fund's code, read with a look-alike
    ],
)
def test_rules_and_model_disagreeing_never_flag_whatever_the_threshold(spans):
    page = lines(CARD[0], "持有份额 9,000.00", CARD[1], "冻结份额 800", "相关基金 0O5828")
    found = run(page, tag(page, *spans), threshold=0.01)
    assert (found.flag, found.fund_code, found.hold_share, found.reasons) == (False, "", "", ("rules_model_disagree",))


def test_the_model_reading_only_the_held_figure_agrees_with_rules_that_read_both():
    page = lines(CARD[0], "持有份额 9,000.00", CARD[1])
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("HOLD_SHARE", "9,000.00")))
    assert (found.fund_code, found.hold_share, found.flag, found.source) == ("005827", "8000.00", True, "both")


def test_a_model_value_beside_a_different_rule_value_is_a_disagreement():
    page = lines(CARD[0], "可用份额 8,000.00", "预计份额 9,000.00")
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("AVAILABLE_SHARE", "9,000.00")), threshold=0.01)
    assert (found.flag, found.reasons) == (False, ("rules_model_disagree",))
    assert found.confidence["hold_share"] < 0.5


def test_the_model_fills_a_field_the_rules_missed_at_its_own_confidence():
    page = lines("易方达蓝筹精选混合(005827)", "剩余 8,000.00")
    entities = tag(page, ("FUND_CODE", "005827"), ("AVAILABLE_SHARE", "8,000.00"))
    unsure = run(page, entities)
    assert (unsure.flag, unsure.confidence["hold_share"], unsure.reasons) == (False, MODEL_TRUST, ("model_only",))
    sure = run(page, entities, threshold=MODEL_TRUST)
    assert (sure.fund_code, sure.hold_share, sure.flag, sure.source) == ("005827", "8000.00", True, "both")


def test_a_figure_the_model_cut_in_the_middle_is_read_whole():
    page = lines(*CARD)
    found = run(page, tag(page, ("FUND_CODE", "05827"), ("AVAILABLE_SHARE", "000.00")))
    assert (found.fund_code, found.hold_share, found.source) == ("005827", "8000.00", "both")


@pytest.mark.parametrize(("read", "tagged"), [("227,699 .2226", "227,699"), ("42, 971", "971"), ("1,234 .50", ".50")])
def test_a_figure_the_ocr_split_at_a_separator_is_read_whole(read, tagged):
    page = lines("易方达蓝筹精选混合(005827)", f"可用份额 {read}")
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("AVAILABLE_SHARE", tagged)))
    assert (found.flag, found.hold_share, found.source) == (True, re.sub(r"[ ,]", "", read).replace("..", "."), "both")


@pytest.mark.parametrize(("cell", "share"), [("信息产业LOF3.676", None), ("信息产业LOF3,676", "3676"), ("信息产业LOF3676.50", "3676.50")])
def test_a_dot_before_three_digits_of_a_figure_run_into_a_name_is_unsure(cell, share):
    page = table(("13:36", "4G 25%"), "我的持仓", ("代码", "名称", "持仓", "市值"), ("016907", cell, "22839.70"))
    found = run(page, [])
    assert (found.flag, found.hold_share) == ((True, share) if share else (False, ""))
    if share is None:  # `3,676` with its comma misread, or three decimals: the page does not say
        assert found.reasons == ("separator_unsure",) and found.near_miss


@pytest.mark.parametrize(("share", "worth"), [("5.274", True), ("5,274", False), ("5.27", False), ("15.2740", False)])
def test_a_flagged_share_whose_dot_may_be_a_comma_is_worth_an_exact_reading(share, worth):
    found = run(lines("易方达蓝筹精选混合(005827)", f"可用份额 {share}"), [])
    assert found.flag and not found.near_miss
    assert found.worth_exact_reading is worth  # `5.274` or a misread `5,274`: an exact reading tells


def test_a_near_miss_is_an_unflagged_page_of_one_fund_and_its_share():
    one_fund = lines("易方达蓝筹精选混合(005827)", "持有份额 1,234.56", confidence=0.8)
    assert run(one_fund, []).near_miss and run(one_fund, []).worth_exact_reading  # the OCR unsure of its lines
    disagreed = lines(*CARD, "9,100.00")
    assert run(disagreed, tag(disagreed, ("AVAILABLE_SHARE", "9,100.00"))).near_miss  # the model read another share
    for page in (lines("易方达蓝筹精选混合(005827)", "单位净值 1.2345"), lines("005827 持有份额 100.00", "110011 持有份额 200.00")):
        assert not run(page, []).near_miss  # no share, or a list: another reading would not change it
    assert not run(lines(*CARD), []).near_miss  # flagged


def test_three_decimals_on_a_line_of_their_own_are_sure():
    page = lines("易方达蓝筹精选混合(005827)", "持有份额 62.234")
    assert run(page, []).hold_share == "62.234"


def test_code_look_alikes_in_the_model_s_code_are_read_as_digits():
    page = lines("基金代码 O16O64", "持仓 88.50")
    found = run(page, tag(page, ("FUND_CODE", "O16O64"), ("HOLD_SHARE", "88.50")), threshold=0.5)
    assert (found.fund_code, found.hold_share, found.flag) == ("016064", "88.50", True)


def test_a_model_share_shaped_like_a_price_or_the_code_is_no_share():
    page = lines("易方达蓝筹精选混合(005827)", "单位净值 1.7003")
    for piece in ("1.7003", "005827"):
        found = run(page, tag(page, ("FUND_CODE", "005827"), ("HOLD_SHARE", piece)), threshold=0.01)
        assert (found.flag, found.confidence["hold_share"], found.reasons) == (False, 0.0, ("no_share_label",))


def test_competing_codes_stay_unsure_even_when_the_model_singles_one_out():
    page = lines("易方达蓝筹精选混合(005827)", "持有份额 1,000.00", "华夏成长混合(000001)", "持有份额 2,000.00")
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("HOLD_SHARE", "1,000.00")))
    assert found.flag is False and found.confidence["fund_code"] < 0.5
    assert {"competing_codes", "competing_shares"} <= set(found.reasons)


def test_several_model_values_are_a_disagreement():
    page = lines(*CARD, "相关基金 000001")
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("FUND_CODE", "000001"), ("AVAILABLE_SHARE", "8,000.00")))
    assert (found.flag, found.reasons) == (False, ("rules_model_disagree",))


def test_low_ocr_confidence_lowers_the_confidence():
    found = run(lines(*CARD, confidence=0.75), [])
    assert found.flag is False and found.confidence["hold_share"] < 0.7
    assert found.reasons == ("low_ocr_confidence",)


def test_values_paired_across_lines_on_a_sloping_page_are_unsure():
    import math

    slope = round(600 * math.tan(math.radians(4)))
    page = [
        OcrLine(text, 0.99, ((x, y), (x + 500, y + slope), (x + 500, y + slope + 30), (x, y + 30)))
        for text, x, y in [("易方达蓝筹精选混合(005827)", 30, 20), ("基金详情 资产 份额明细", 30, 70), ("温馨提示：以上数据仅供参考", 30, 300)]
    ]
    page += [OcrLine("可用份额", 0.99, ((30, 120), (150, 128), (150, 158), (30, 150))), OcrLine("8,000.00", 0.99, ((560, 110), (690, 119), (690, 149), (560, 140)))]
    found = run(page, [])
    assert found.flag is False and "tilted" in found.reasons


def test_a_page_of_unknown_orientation_is_never_flagged():
    found = run(lines(*CARD), [], orientation_unsure=True)
    assert (found.flag, found.reasons) == (False, ("orientation_unsure",))


def test_nothing_found_is_no_answer_with_reasons_and_stray_entities_are_ignored():
    assert run([], []) == Decision("", "", False, "rules", {"fund_code": 0.0, "hold_share": 0.0}, ("no_code", "no_share_label"))
    stray = [Entity("FUND_CODE", "000001", 0, 6), Entity("HOLD_SHARE", "1.00", 7, 11)]
    assert run(lines("another text entirely"), stray).reasons == ("no_code", "no_share_label")


@pytest.mark.parametrize("other", ["持仓市值 12,890.40", "累计收益 1,024.33", "可用资金 15,817.43", "成本价 1.7003", "冻结份额 800"])
def test_a_figure_the_page_names_as_no_share_is_no_rival_to_the_rules(other):
    page = lines(CARD[0], other, CARD[1])
    figure = other.split()[1]
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("AVAILABLE_SHARE", figure)))
    assert (found.fund_code, found.hold_share, found.flag, found.reasons) == ("005827", "8000.00", True, ())


@pytest.mark.parametrize("other", ["验证码 230216", "您的动态码：343160", "【招商银行】您的验证码为228868，5分钟内有效。", "邀请码 500515"])
def test_six_digits_the_page_names_as_no_code_are_no_rival_to_the_rules(other):
    page = lines(CARD[0], other, CARD[1])
    digits = re.search(r"\d{6}", other).group()
    found = run(page, tag(page, ("FUND_CODE", digits), ("AVAILABLE_SHARE", "8,000.00")))
    assert (found.fund_code, found.hold_share, found.flag, found.reasons) == ("005827", "8000.00", True, ())


def test_a_figure_labelled_no_share_is_still_the_answer_where_the_rules_pair_it_with_a_share_label():
    # A money-market fund: one share is worth one yuan, so the held share and the market value are one figure.
    page = lines(CARD[0], "持有份额 8,000.00", "持仓市值 8,000.00")
    found = run(page, tag(page, ("FUND_CODE", "005827"), ("HOLD_SHARE", "8,000.00")))
    assert (found.hold_share, found.flag, found.source) == ("8000.00", True, "both")
