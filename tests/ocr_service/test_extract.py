"""Extraction rules on hand-made OCR lines (a 720-pixel-wide page, 30-pixel text) and on generated pages."""

import random

import pytest
from hypothesis import given, settings

from ner_service.data.pages import LAYOUTS, generate_page
from ocr_service.extract import extract
from ocr_service.types import Extraction, OcrLine
from testkit.lines import LABEL_WORDS, any_lines, line, page, perfect_ocr


def answer(lines: list[OcrLine]) -> tuple[str, str, bool]:
    found = extract(lines)
    return found.fund_code, found.hold_share, found.flag


HEADER = ("9:41", "5G 87%")


def test_value_on_the_same_line():
    assert answer(page(HEADER, "持仓详情", "易方达蓝筹精选混合", "005827", "持有份额 12,345.67份", "单位净值 1.2345")) == (
        "005827", "12345.67", True,
    )
    assert answer(page("易方达蓝筹精选混合(005827)", "可用份额：8,000.00")) == ("005827", "8000.00", True)


def test_available_wins_over_held_whichever_comes_first():
    lines = page("华夏成长混合 000001", "持有份额：10,000.00份", "可用份额：8,000.00份", "冻结份额：2,000.00份")
    assert answer(lines) == ("000001", "8000.00", True)
    found = extract(page("华夏成长混合 000001", "可用：8,000.00", "持仓份额 10,000.00"))
    assert (found.hold_share, found.shares) == ("8000.00", ("8000.00",))


def test_an_available_label_without_its_figure_leaves_no_share():
    found = extract(page("华夏成长混合 000001", "持有份额：10,000.00份", "可用份额"))
    assert (found.flag, found.shares, found.unpaired) == (False, (), ("available",))


def test_value_on_the_next_line():
    lines = page("基金详情", "招商中证白酒指数(LOF)A", "基金代码：161725", "持有金额(元)", "12,000.00", "持仓份额", "9,876.54份", "持有收益", "+123.45")
    assert answer(lines) == ("161725", "9876.54", True)


def test_label_in_the_last_line_does_not_crash():
    assert answer(page("161725", "持有份额")) == ("", "", False)
    assert answer(page("161725", "可用")) == ("", "", False)


def test_labels_in_a_row_over_values_in_columns():
    lines = page("天弘沪深300ETF联接A", "000961", ("可用份额", "冻结份额", "持有份额"), ("1,500.00", "500.00", "2,000.00"))
    assert answer(lines) == ("000961", "1500.00", True)
    lines = page("天弘沪深300ETF联接A", "000961", ("持有金额(元)", "持有份额(份)"), ("3,200.00", "2,000.00"))
    assert answer(lines) == ("000961", "2000.00", True)


def test_columns_matched_by_overlap_when_a_value_is_missing():
    labels = [line("冻结份额", 120, 2, align="center"), line("可用份额", 360, 2, align="center"), line("持有份额", 600, 2, align="center")]
    values = [line("1,500.00", 360, 3, align="center"), line("2,000.00", 600, 3, align="center")]
    assert answer(page("天弘沪深300ETF联接A", "000961") + labels + values) == ("000961", "1500.00", True)


def test_broker_table_header_and_data_row():
    lines = page(
        HEADER,
        "持仓",
        ("总资产", "总市值", "可用资金"),
        ("120,345.67", "80,000.00", "40,345.67"),
        ("代码", "名称", "持仓", "可用", "市值"),
        ("510300", "沪深300ETF", "20,000", "18,000", "80,000.00"),
    )
    assert answer(lines) == ("510300", "18000", True)


def test_broker_name_and_code_in_one_cell_held_only():
    lines = page(("名称", "持仓", "市值", "盈亏"), ("白酒LOF 161725", "3,000", "3,456.00", "-12.30"))
    assert answer(lines) == ("161725", "3000", True)


def test_broker_name_run_into_the_next_column_by_ocr():
    header = page(("代码", "名称", "持仓", "市值"))
    merged = OcrLine("沪深300ETF20,000", 0.9, ((200, 70), (470, 70), (470, 100), (200, 100)))
    data = [line("510300", 90, 1, align="center"), merged, line("80,000.00", 630, 1, align="center")]
    assert answer(header + data) == ("510300", "20000", True)


def test_broker_figures_read_as_one_line_are_cut_into_columns():
    header = page(("代码", "名称", "持仓", "可用", "市值"))
    merged = OcrLine("20,000 18,000 80,000.00", 0.95, ((330, 70), (700, 70), (700, 100), (330, 100)))
    data = [line("510300", 72, 1, align="center"), line("沪深300ETF", 216, 1, align="center"), merged]
    assert answer(header + data) == ("510300", "18000", True)


def test_broker_table_with_several_positions_is_not_an_answer():
    lines = page(
        ("证券代码", "证券名称", "持仓数量", "可用数量", "参考市值"),
        ("510300", "沪深300ETF", "20,000", "18,000", "80,000.00"),
        ("159915", "创业板ETF", "5,000", "5,000", "12,000.00"),
    )
    found = extract(lines)
    assert (found.flag, found.fund_code, found.hold_share) == (False, "", "")
    assert found.fund_codes == ("510300", "159915") and found.shares == ("18000", "5000")


def test_bank_page_label_left_value_right():
    rows = [("基金名称", "工银瑞信安心回报指数"), ("基金代码", "290684"), ("持有份额", "12,001.35"), ("参考市值", "¥15,001.69")]
    lines = [line("基金资产", 360, 0, align="center")]
    for r, (label, value) in enumerate(rows, start=1):
        lines += [line(label, 30, r), line(value, 690, r, align="right")]
    assert answer(lines) == ("290684", "12001.35", True)


def test_payment_card():
    lines = page(
        HEADER,
        "持有详情",
        "易方达蓝筹精选混合",
        "005827 | 混合型 | 中高风险",
        "持有金额(元)",
        "23,456.78",
        ("昨日收益(元)", "持有收益(元)", "持有收益率"),
        ("+12.34", "-1,234.56", "-5.01%"),
        "持有份额 10,234.5600份",
        "最新净值 2.2920(01-12)",
        ("卖出", "买入"),
    )
    assert answer(lines) == ("005827", "10234.5600", True)


@pytest.mark.parametrize(
    "distractor",
    [
        "客服电话 13812345678",
        "手机号 138****5678",
        "客服热线 400-820-9888",
        "交易账号 6222021234567890123",
        "银行卡 6222 **** **** 1234",
        "资金账号 100123456",
        "确认日期 20240112",
        "更新时间 2024-01-12 14:30:21",
        "订单号 202401121530123456",
        "客户号 123456",
        "邮编：100032",
        "持有金额 ¥123456",
        "市值 123456.00元",
        "单位净值 1.2345",
        "近1年 +12.34%",
        "昨日收益 +123456",
        "持有收益 -12.30",
        "持有天数 123天",
    ],
)
def test_distractors_are_neither_code_nor_share(distractor):
    lines = page(HEADER, "易方达蓝筹精选混合", "005827", distractor, "持有份额 1,000.00份")
    assert answer(lines) == ("005827", "1000.00", True)


@pytest.mark.parametrize(
    "rows",
    [
        [("资金账号", "4240 303254")],  # the value right of its label, `4240 3032 54` read in two groups
        ["资金账号", "4240 303254"],  # the value under its label
        [("银行卡号", "6222 021234 567890")],
        ["银行卡号", "6222 021234 567890"],
    ],
)
def test_identifiers_printed_in_groups_hold_no_code(rows):
    assert answer(page(HEADER, "易方达蓝筹精选混合", "005827", *rows, "持有份额 1,000.00份")) == ("005827", "1000.00", True)


@pytest.mark.parametrize(("label", "value"), [("客户号", "123456"), ("网点号", "654321"), ("邮编", "100032")])
def test_six_digit_values_of_other_labels_are_not_codes(label, value):
    split = [line(label, 30, 3), line(value, 690, 3, align="right")]
    lines = page(HEADER, "易方达蓝筹精选混合", "005827") + split + [line("持有份额 1,000.00", 30, 4)]
    assert answer(lines) == ("005827", "1000.00", True)
    assert answer(page("易方达蓝筹精选混合", "005827", label, value, "持有份额 1,000.00")) == ("005827", "1000.00", True)


def test_a_six_digit_share_is_not_a_code():
    assert answer(page("易方达蓝筹精选混合(005827)", "持有份额", "154321")) == ("005827", "154321", True)


def test_available_funds_money_is_not_available_shares():
    lines = page(("可用资金", "可取资金"), ("5,000.00", "4,000.00"), "广发纯债债券A 270048", "持有份额 2,000.00")
    assert answer(lines) == ("270048", "2000.00", True)


def test_full_width_text():
    assert answer(page("基金代码：１６１７２５", "持有份额：１２，３４５．６７份")) == ("161725", "12345.67", True)


def test_no_share_figure_is_not_an_answer():
    found = extract(page(HEADER, "易方达蓝筹精选混合", "005827", "持有金额(元)", "12,345.67", "昨日收益 +1.23"))
    assert (found.flag, found.fund_code, found.hold_share, found.fund_codes, found.shares) == (False, "", "", ("005827",), ())


def test_several_funds_are_not_an_answer():
    lines = page("易方达蓝筹精选混合(005827)", "持有份额 1,000.00", "华夏成长混合(000001)", "持有份额 2,000.00")
    found = extract(lines)
    assert (found.flag, found.fund_codes, found.shares) == (False, ("005827", "000001"), ("1000.00", "2000.00"))


def test_no_lines():
    assert extract([]) == Extraction("", "", False)
    assert extract(page("", "   ")) == Extraction("", "", False)


# --- what a share is not ------------------------------------------------------------------------------------


def test_cost_price_and_nav_are_never_shares():
    # Each of these came back flagged with the price as the share count.
    assert answer(page("易方达蓝筹精选混合(005827)", "持仓成本价 1.7003", "单位净值 2.5435")) == ("", "", False)
    assert answer(page("易方达蓝筹精选混合(005827)", "持仓", "1.7003", "最新净值", "2.5435")) == ("", "", False)
    lines = page("易方达蓝筹精选混合(005827)", ("持仓成本价", "单位净值"), ("1.7003", "2.5435"), "持有份额 3,000.00")
    assert answer(lines) == ("005827", "3000.00", True)


def test_cash_of_an_account_summary_is_not_available_shares():
    summary = (("总资产", "可用", "可取"), ("120,345.67", "15,817.43", "15,000.00"))
    assert answer(page("易方达蓝筹精选混合(005827)", *summary)) == ("", "", False)
    assert answer(page("易方达蓝筹精选混合(005827)", "可用资金 15,817.43")) == ("", "", False)
    table = (("代码", "名称", "持仓", "可用"), ("510300", "沪深300ETF", "20,000", "18,000"))
    assert answer(page(*summary, *table)) == ("510300", "18000", True)


def test_a_quote_page_without_a_holding_is_not_an_answer():
    # It came back flagged with the fund code as the share count.
    lines = page(
        HEADER, "嘉实新兴产业股票", "005669", ("单位净值", "日涨幅", "近1年"), ("2.5435", "+1.23%", "-5.01%"),
        ("日期", "单位净值", "累计净值"), ("2024-01-12", "2.5435", "3.1020"), ("2024-01-11", "2.5120", "3.0705"),
        "持有", "005669", ("首页", "行情", "持仓", "我的"),
    )
    found = extract(lines)
    assert (found.flag, found.fund_codes, found.shares) == (False, ("005669",), ())


@pytest.mark.parametrize("value", ["-5.01%", "+1,234.56", "¥15,817.43", "15,817.43元", "20240112", "2024-01-12"])
def test_values_shaped_like_other_figures_are_not_shares_under_a_share_label(value):
    assert answer(page("易方达蓝筹精选混合(005827)", "持有份额", value)) == ("", "", False)


# --- layouts of unfamiliar pages --------------------------------------------------------------------------


def test_stacked_values_under_combined_headers():
    top = ("名称/代码", "持仓/可用", "现价/成本", "市值/盈亏")
    lines = page(top, ("沪深300ETF", "20,000", "2.5435", "50,870.00"), ("510300", "18,000", "1.7003", "+1,234.56"))
    found = extract(lines)
    assert (found.fund_code, found.hold_share, found.flag) == ("510300", "18000", True)
    assert {(c.field, c.value, c.pairing, c.label) for c in found.candidates} == {
        ("fund_code", "510300", "stacked", "code"), ("hold_share", "20000", "stacked", "held"),
        ("hold_share", "18000", "stacked", "available"),
    }


def test_a_combined_header_whose_slash_the_ocr_lost_is_read_as_one():
    top = ("名称/代码", "持仓可用", "现价/成本", "市值/盈亏")
    lines = page(top, ("沪深300ETF", "20,000", "2.5435", "50,870.00"), ("510300", "18,000", "1.7003", "+1,234.56"))
    assert answer(lines) == ("510300", "18000", True)


def test_stacked_values_with_a_footer_under_the_table():
    top = ("名称/代码", "持仓/可用", "市值/盈亏")
    lines = page(top, ("沪深300ETF", "20,000", "50,870.00"), ("510300", "18,000", "+1,234.56"), "没有更多了")
    assert answer(lines) == ("510300", "18000", True)


def test_a_combined_header_with_one_line_under_it_pairs_nothing():
    lines = page(("名称/代码", "持仓/可用", "市值/盈亏"), ("沪深300ETF 510300", "20,000", "50,870.00"))
    assert extract(lines).shares == ()


def test_dot_leaders_between_label_and_value():
    assert answer(page("易方达蓝筹精选混合(005827)", "持有份额 ........ 1,234.56")) == ("005827", "1234.56", True)
    assert answer(page("易方达蓝筹精选混合(005827)", "持有份额 ---------1,234.56")) == ("005827", "1234.56", True)
    rows = [("基金代码……", "161725"), ("可用份额…………", "8,000.00")]
    lines = [line("基金详情", 30, 0)]
    for r, (label, value) in enumerate(rows, start=1):
        lines += [line(label, 30, r), line("·········", 360, r), line(value, 690, r, align="right")]
    found = extract(lines)
    assert (found.fund_code, found.hold_share, found.flag) == ("161725", "8000.00", True)
    assert {c.pairing for c in found.candidates} == {"right_cell"}


def test_two_label_value_pairs_side_by_side():
    lines = page("华夏成长混合(000001)", ("持有份额", "10,000.00", "可用份额", "8,000.00"))
    assert answer(lines) == ("000001", "8000.00", True)


@pytest.mark.parametrize(
    ("rows", "pairing"),
    [
        (("易方达蓝筹精选混合(005827)",), "bracket"),
        (("易方达蓝筹精选混合", "基金代码：005827"), "same_line"),
        (("易方达蓝筹精选混合", "005827"), "alone"),
        (("易方达蓝筹精选混合", "005827 | 混合型 | 中高风险"), "free"),
    ],
)
def test_where_the_code_stands_is_recorded(rows, pairing):
    found = extract(page(*rows, "持有份额 1,000.00"))
    assert (found.fund_code, found.flag) == ("005827", True)
    (code,) = [c for c in found.candidates if c.field == "fund_code"]
    assert (code.pairing, code.value, code.ocr_confidence) == (pairing, "005827", 0.99)


@pytest.mark.parametrize(
    "text",
    ["您的验证码是123456，请勿泄露", "邀请码 654321", "邀请好友填写推荐码：654321", "邮编100032", "工单号：123456", "工单 123456", "客服 010-123456"],
)
def test_six_digits_that_are_not_codes(text):
    found = extract(page("易方达蓝筹精选混合(005827)", text, "持有份额 1,000.00"))
    assert (found.fund_code, found.hold_share, found.fund_codes) == ("005827", "1000.00", ("005827",))


def test_candidates_carry_the_evidence():
    lines = page("易方达蓝筹精选混合", "005827", "持有份额", "10,000.00", "可用份额 8,000.00")
    found = extract(lines)
    shares = sorted((c.value, c.pairing, c.label) for c in found.candidates if c.field == "hold_share")
    assert shares == [("10000.00", "below", "held"), ("8000.00", "same_line", "available")]
    below = next(c for c in found.candidates if c.pairing == "below")
    assert (below.box.left, below.box.top) == (30, 170)


# --- generated pages, read perfectly ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_generated_pages_read_perfectly_are_answered_exactly(layout):
    rng = random.Random(20)
    for _ in range(50):
        generated = generate_page(rng, layout=layout)
        assert answer(perfect_ocr(generated)) == (generated.fund_code, generated.hold_share, generated.flag), generated


def test_answer_does_not_depend_on_the_order_of_lines():
    rng = random.Random(21)
    for layout in LAYOUTS:
        lines = perfect_ocr(generate_page(rng, layout=layout))
        shuffled = rng.sample(lines, len(lines))
        assert extract(shuffled) == extract(lines)


# --- any input ------------------------------------------------------------------------------------------------

LINES = any_lines(LABEL_WORDS)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_any_lines_give_an_answer_and_never_raise(lines):
    found = extract(lines)
    assert found.flag == (len(found.fund_codes) == 1 and len(found.shares) == 1)
    if found.flag:
        assert (found.fund_code, found.hold_share) == (found.fund_codes[0], found.shares[0])
        assert len(found.fund_code) == 6 and found.fund_code.isdigit()
    else:
        assert (found.fund_code, found.hold_share) == ("", "")
