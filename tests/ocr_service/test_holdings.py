"""Every holding on a page, from hand-made OCR lines and from generated list pages read perfectly."""

import random

from hypothesis import given, settings

from bench.screens.wild import generate_wild_page
from ocr_service.extract import extract
from ocr_service.holdings import Holding, holdings, single
from ocr_service.types import OcrLine
from testkit.lines import LABEL_WORDS, any_lines, line, page, perfect_ocr


def fields(found: tuple[Holding, ...]) -> list[tuple]:
    return [(h.fund_code, h.fund_name, h.hold_share, h.available_share, h.amount) for h in found]


def test_cards_give_one_holding_each_with_its_figures():
    lines = page(
        ("9:41", "5G 87%"),
        "我的基金",
        "总金额(元)",
        "124,690.12",
        "易方达蓝筹精选混合",
        "005827",
        ("持有金额", "昨日收益", "持有份额"),
        ("12,345.67", "+12.30", "8,000.00"),
        "华夏成长混合(000001)",
        ("金额", "持有收益", "可用份额"),
        ("¥112,344.45", "-1.20", "56,000"),
    )
    assert fields(holdings(lines)) == [
        ("005827", "易方达蓝筹精选混合", "8000.00", None, "12345.67"),
        ("000001", "华夏成长混合", None, "56000", "112344.45"),
    ]


def test_a_list_without_codes_or_shares_keeps_them_null():
    lines = page("我的持有", "易方达蓝筹精选混合", ("金额", "昨日收益"), ("1,000.00", "+1.00"), "华夏成长混合A", ("金额", "昨日收益"), ("2,000.00", "-2.00"))
    assert fields(holdings(lines)) == [
        (None, "易方达蓝筹精选混合", None, None, "1000.00"),
        (None, "华夏成长混合A", None, None, "2000.00"),
    ]


def compact(name: str, amount: str, under: str, profit: str, row: int) -> list[OcrLine]:
    return [line(name, 30, row), line(amount, 690, row, align="right"), line(under, 30, row + 1), line(profit, 690, row + 1, align="right")]


def test_compact_lines_split_where_the_ocr_ran_columns_together():
    lines = [
        line("我的持有", 360, 0, align="center"),
        *compact("易方达蓝筹精选混合", "12,345.67", "005827持有份额1,234.56", "+1.20", 1),
        *compact("华夏成长混合", "99.00", "000001 份额 12.00", "-0.30", 3),
        *compact("南方纯债债券E", "8.10", "202101  持有 3,000", "+0.01", 5),
    ]
    assert fields(holdings(lines)) == [
        ("005827", "易方达蓝筹精选混合", "1234.56", None, "12345.67"),
        ("000001", "华夏成长混合", "12.00", None, "99.00"),
        ("202101", "南方纯债债券E", "3000", None, "8.10"),
    ]


def test_funds_cut_at_the_top_and_bottom_of_a_scrolled_list_are_no_holdings():
    lines = [
        line("110011 持有份额 5.00", 30, 0),  # the lower line of a fund whose name scrolled away
        line("+0.50", 690, 0, align="right"),
        *compact("易方达蓝筹精选混合", "12,345.67", "005827 持有份额 1,234.56", "+1.20", 1),
        *compact("华夏成长混合", "99.00", "000001 份额 12.00", "-0.30", 3),
        line("南方纯债债券E", 30, 5),  # its figures are below the edge
        line("8.10", 690, 5, align="right"),
        line("首页", 90, 7),
        line("持仓", 360, 7),
        line("我的", 630, 7),
    ]
    assert [h.fund_code for h in holdings(lines)] == ["005827", "000001"]


def test_a_stacked_broker_table_pairs_upper_and_lower_values_and_drops_cut_positions():
    header = ("名称/代码", "持仓/可用", "市值/盈亏", "成本/现价")
    lines = page(
        "持仓",
        header,
        ("161725", "300", "+5.00", "1.2000"),  # a position cut at the top: its name scrolled away
        ("白酒LOF", "1,000", "1,234.00", "1.1000"),
        ("161725", "800", "+34.00", "1.2340"),
        ("沪深300ETF", "2,000", "8,000.00", "3.9000"),
        ("510300", "2,000", "-12.00", "4.0000"),
        ("半导体ETF", "500", "700.00", "1.3000"),  # cut at the bottom: no code under it
    )
    assert fields(holdings(lines)) == [
        ("161725", "白酒LOF", "1000", "800", "1234.00"),
        ("510300", "沪深300ETF", "2000", "2000", "8000.00"),
    ]


def test_a_one_row_per_fund_table_takes_each_column_from_its_header():
    lines = page(
        ("代码", "名称", "持仓", "可用", "市值"),
        ("161725", "白酒LOF", "1,000", "800", "1,234.00"),
        ("510300", "沪深300ETF", "2,000", "2,000", "8,000.00"),
    )
    assert fields(holdings(lines)) == [
        ("161725", "白酒LOF", "1000", "800", "1234.00"),
        ("510300", "沪深300ETF", "2000", "2000", "8000.00"),
    ]


def test_pages_without_funds_have_no_holdings():
    assert holdings([]) == ()
    assert holdings(page("我的基金", "基金有风险，投资需谨慎", ("首页", "持仓", "我的"))) == ()
    quote = page("易方达蓝筹精选混合", "005827", ("单位净值", "日涨跌"), ("1.2345", "+1.20%"), ("近1月", "近1年"), ("+2.10%", "-5.00%"), "起购金额 10.00元")
    assert holdings(quote) == ()  # a fund's quote: its code and figures, but nothing held


def test_boxes_are_in_image_pixels_where_the_page_was_turned():
    upright = page("易方达蓝筹精选混合", "005827  持有份额 1,234.56")
    # the same page turned a quarter clockwise in a 1280 x 720 image: x -> 720 - y, y -> x (upright: as read)
    turned = [
        OcrLine(u.text, u.confidence, tuple((720 - y, x) for x, y in u.box), u.box)
        for u in upright
    ]
    (holding,) = holdings(turned)
    assert (holding.fund_code, holding.hold_share) == ("005827", "1234.56")
    assert holding.boxes["fund_name"] == turned[0].box
    # the code is the start of its line, the share the rest: one after the other down the turned line
    code, share, line_box = holding.boxes["fund_code"], holding.boxes["hold_share"], turned[1].box
    assert code[0] == line_box[0] and share[1] == line_box[1]
    assert line_box[0][1] < code[1][1] < share[0][1] < line_box[1][1]
    assert all(x == line_box[0][0] for x, _ in (code[0], code[1], share[0], share[1]))


def test_generated_list_pages_read_perfectly_give_their_holdings_and_invent_none():
    rng = random.Random(30)
    right = 0
    for _ in range(100):
        wild = generate_wild_page(rng, family="list")
        found = holdings(perfect_ocr(wild.page))
        truth = [(h.fund_code, h.fund_name, h.hold_share, h.available_share) for h in wild.holdings]
        got = [(h.fund_code, h.fund_name, h.hold_share, h.available_share) for h in found]
        right += got == truth
        codes = {h.fund_code for h in wild.holdings}
        assert len(found) <= len(truth) and all(h.fund_code in codes for h in found), (truth, got)
    assert right == 100


def test_a_page_answered_as_one_fund_has_that_one_holding():
    lines = page("易方达蓝筹精选混合", "005827", "持有份额 10,000.00", "可用份额 8,000.00", ("持有金额", "昨日收益"), ("12,000.00", "+1.00"))
    found = holdings(lines)
    one = single(found, extract(lines), lines, fund_code="005827", share="8000.00", confidence=0.95)
    assert (one.fund_code, one.fund_name, one.hold_share, one.available_share, one.confidence) == (
        "005827", "易方达蓝筹精选混合", "10000.00", "8000.00", 0.95,
    )
    assert one.share == "8000.00"
    # when the page's blocks disagree with the answer, the answer stands, with the rules' boxes for it
    other = single((), extract(lines), lines, fund_code="005827", share="8000.00", confidence=0.95)
    assert (other.fund_code, other.hold_share, other.available_share, other.fund_name) == ("005827", None, "8000.00", None)
    assert other.boxes["fund_code"] == lines[1].box and set(other.boxes) == {"fund_code", "available_share"}


def test_a_photographed_list_keeps_its_names_as_their_edge_drifts_and_its_misread_figures():
    lines = [line("我的持有", 360, 0, align="center")]
    for n, (name, code) in enumerate((("易方达蓝筹精选混合", "005827"), ("华夏成长混合", "000001"), ("南方纯债债券E", "202101"))):
        drift = 25 * n  # perspective: each name a little further right than the one above
        lines += [
            line(f"{name}{1000 + n:,}.50" if n == 2 else name, 30 + drift, 1 + 2 * n),  # the last name run into its amount
            line(f"{code}持有份额{10 + n}.00", 30 + drift, 2 + 2 * n),
            line("=0.02" if n == 2 else "+0.01", 690, 2 + 2 * n, align="right"),  # a minus read as `=`
        ]
    assert [(h.fund_code, h.fund_name, h.hold_share) for h in holdings(lines)] == [
        ("005827", "易方达蓝筹精选混合", "10.00"), ("000001", "华夏成长混合", "11.00"), ("202101", "南方纯债债券E", "12.00"),
    ]


@settings(max_examples=300, deadline=None)
@given(any_lines([*LABEL_WORDS, "易方达蓝筹精选混合", "沪深300ETF", "名称/代码", "持仓/可用", "市值/盈亏", "  ", "|", "持有", "金额"]))
def test_any_lines_give_holdings_and_never_raise(lines):
    for holding in holdings(lines):
        assert holding.fund_code is None or (len(holding.fund_code) == 6 and holding.fund_code.isdigit())
        assert 0 <= holding.confidence <= 1
        assert set(holding.boxes) <= {"fund_code", "fund_name", "hold_share", "available_share", "amount"}
        assert all(len(quad) == 4 for quad in holding.boxes.values())
