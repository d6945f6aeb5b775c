"""The wild set: page families the default set never drew, each with the holdings a person would key in.

Families (`FAMILIES`): whole phone screens (status bar, banner, NAV table, cost price, cash, income lines,
tab bar), cards of `label ........ value` lines, broker tables whose headers read `名称/代码` and
`持仓/可用` with two values stacked in each cell, detail pages with six-digit numbers that are not fund
codes, and the negatives: a fund's quote page (no holding) and lists of 2-10 funds (scrolled lists cut a
fund at the top or bottom edge; a cut fund is not a holding). The fund code stands alone under the name,
in brackets after it, after `基金代码：` or before the fund's tags (`code_style` in the labels).
`bench/screens/degrade.py` then photographs, tilts, turns or shrinks each page.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ner_service.data import values as v
from ner_service.data.pages import (
    Item,
    Page,
    Piece,
    Row,
    _buttons,
    _cell,
    _columns,
    _distractor_items,
    _fund_header,
    _place,
    _position,
    _row,
    _share_items,
    _status_bar,
    _title,
)

FAMILIES: tuple[str, ...] = ("screen", "leaders", "broker_stacked", "six_digits", "quote", "list")
NEGATIVE_FAMILIES: tuple[str, ...] = ("quote", "list")

COST_LABELS = ("持仓成本价", "成本价", "持仓成本", "买入均价", "成本单价")
CASH_LABELS = ("可用资金", "可取资金", "现金余额", "账户余额", "可用余额")
ADS = (
    ("新人专享 7日年化", "3.85%"), ("限时福利 领", "88元红包"), ("稳健理财 近1年", "+4.12%"),
    ("定投计划 每月", "500元起"), ("基金热卖榜 TOP", "10"), ("开户即送", "10元体验金"),
)
AD_LINES = ("立即查看 >", "去看看 >", "马上领取", "了解详情 >", "活动规则")
TABS = (("首页", "理财", "持仓", "我的"), ("首页", "基金", "自选", "持仓", "我的"), ("首页", "行情", "交易", "资讯", "我的"))
LEADER_CHARS = (".", "·", "…", "-", "．")
MANAGERS = ("张坤", "刘彦春", "葛兰", "谢治宇", "朱少醒", "周蔚文", "萧楠", "傅鹏博")


@dataclass(frozen=True, slots=True)
class Holding:
    """One fund's line in the truth: figures as a person keys them in (no separators), None when not shown."""

    fund_code: str | None
    fund_name: str | None
    hold_share: str | None
    available_share: str | None
    amount: str | None


@dataclass(frozen=True, slots=True)
class Band:
    """A painted area behind rows `first`..`last` (indices into the page's rows): a banner, a card or a tab bar."""

    kind: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class WildPage:
    """`page.layout` is the family; `screen` pages end at their last row (a tab bar sits at the bottom)."""

    page: Page
    holdings: tuple[Holding, ...]
    bands: tuple[Band, ...] = ()
    screen: bool = False


class _Rows:
    """Rows under construction, remembering where bands start and end."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.bands: list[Band] = []

    def add(self, rows: Sequence[Row], band: str | None = None) -> None:
        if band and rows:
            self.bands.append(Band(band, len(self.rows), len(self.rows) + len(rows) - 1))
        self.rows.extend(rows)


def _value(spans: Sequence[Piece], kind: str) -> str | None:
    """The figure of the first span of entity `kind`, separators removed."""
    return next((s.text.replace(",", "") for s in spans if s.label == kind), None)


def _holding(fund: v.Fund, spans: Sequence[Piece], *, name: str | None = None, code: bool = True) -> Holding:
    return Holding(
        fund.code if code else None,
        name or fund.name,
        _value(spans, "HOLD_SHARE"),
        _value(spans, "AVAILABLE_SHARE"),
        _value(spans, "AMOUNT"),
    )


def _spans(items: Sequence[Item]) -> list[Piece]:
    return [s for item in items for s in item.value]


def _money_item(rng: random.Random, label: str, *, entity: str | None = "AMOUNT") -> Item:
    return Item(label, (Piece(v.money(rng).shown, entity),))


def _nav_date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _change(rng: random.Random) -> str:
    """A day's NAV change: `+1.2%`, `-0.35%`."""
    return f"{rng.choice('+-')}{rng.uniform(0, 4):.{rng.choice((1, 2))}f}%"


def _nav_table(rng: random.Random) -> list[Row]:
    """A few days of NAV history under a header: date, unit NAV, accumulated NAV, daily change."""
    xs = (0.05, 0.32, 0.58, 0.95)
    head = ("日期", "单位净值", "累计净值", "日涨跌")
    rows = [_row(*(_cell(x, h, align="right" if x > 0.9 else "left") for x, h in zip(xs, head)), size=0.85, gap=0.6)]
    for _ in range(rng.randint(2, 4)):
        unit = v.nav(rng)
        total = f"{float(unit) + rng.uniform(0, 2):.4f}"
        cells = (_nav_date(rng), unit, total, _change(rng))
        rows.append(_row(*(_cell(x, t, align="right" if x > 0.9 else "left") for x, t in zip(xs, cells)), size=0.85))
    return rows


def _quote_head(rng: random.Random) -> list[Row]:
    """The fund's latest NAV and daily change, as quote and whole-screen pages lead with them."""
    items = [
        Item(rng.choice(("单位净值", "最新净值", "净值")) + f"({_nav_date(rng)})", (Piece(v.nav(rng)),)),
        Item(rng.choice(("日涨跌", "日涨幅", "日涨跌幅")), (Piece(_change(rng)),)),
    ]
    if rng.random() < 0.6:
        items.append(Item(rng.choice(("近1年", "近6月", "成立来")), (Piece(v.percent(rng)),)))
    return _columns(rng, items, flip=rng.random() < 0.3)


def _tab_bar(rng: random.Random) -> Row:
    names = rng.choice(TABS)
    return _row(*(_cell((i + 0.5) / len(names), n, align="center") for i, n in enumerate(names)), size=0.8, gap=1.6)


def _banner(rng: random.Random) -> list[Row]:
    head, figure = rng.choice(ADS)
    return [
        _row(_cell(0.08, head + " " + figure), size=1.05, gap=0.7),
        _row(_cell(0.08, rng.choice(("限时活动", "仅限今日", "优选好基"))), _cell(0.92, rng.choice(AD_LINES), align="right"), size=0.8),
    ]


# --- positive families -------------------------------------------------------------------------------------


def _screen(rng: random.Random) -> WildPage:
    """A whole phone screen: the holding sits among a banner, the NAV, cost, cash and income lines."""
    fund = v.fund(rng)
    shares, truth = _share_items(rng)
    out = _Rows()
    out.add(_status_bar(rng) or [_row(_cell(0.04, v.clock(rng)), _cell(0.96, f"{rng.randint(5, 100)}%", align="right"), size=0.75)])
    out.add([_row(_cell(0.04, "<"), _cell(0.5, rng.choice(("持仓详情", "我的持有", "基金详情")), align="center"), size=1.1)])
    if rng.random() < 0.7:
        out.add(_banner(rng), "banner")
    out.add(_fund_header(rng, fund))
    out.add(_quote_head(rng))
    if rng.random() < 0.5:
        out.add(_nav_table(rng))
    amount = _money_item(rng, rng.choice(("持有金额(元)", "持仓市值", "参考市值")))
    income = [Item(label, (Piece(v.profit(rng), "PROFIT"),)) for label in ("持有收益", "昨日收益")]
    cost = Item(rng.choice(COST_LABELS), (Piece(v.nav(rng)),))
    cash = _money_item(rng, rng.choice(CASH_LABELS))
    body = [amount, *income, cost, *shares, cash]
    out.add([_row(_cell(0.05, rng.choice(("我的持有", "持仓信息", "我的资产"))), size=1.05, gap=0.8)])
    if rng.random() < 0.4:
        out.add(_columns(rng, [amount, *income]) + _place(rng, [cost, *shares, cash], "split"))
    else:
        out.add(_place(rng, body, rng.choice(("split", "inline", "stacked"))))
    out.add(_buttons(rng))
    out.add([_tab_bar(rng)], "tabbar")
    page = Page("screen", rng.choice(("天天基金", "支付宝", "招商银行", "蛋卷基金")), tuple(out.rows), fund.code, truth, True)
    return WildPage(page, (_holding(fund, _spans([amount, *shares])),), tuple(out.bands), screen=True)


def _leader_row(rng: random.Random, item: Item) -> Row:
    """`label ........ value`: in one text line, or label left, dots between and the value far right."""
    dot = rng.choice(LEADER_CHARS)
    if rng.random() < 0.4:
        count = rng.randint(6, 16) if dot != "…" else rng.randint(3, 6)
        return _row(_cell(0.05, item.label + " " + dot * count + " ", *item.value))
    start = 0.07 + 0.042 * len(item.label)
    value_width = 0.022 * sum(len(s.text) for s in item.value)
    # A leader character's width as a share of the page width, on the large side (halfwidth dots are wide in
    # a mono face): a row too full would shrink all its text.
    em = 0.05 if dot in "…．" else 0.026
    count = max(3, int((0.95 - value_width - start - 0.06) / em))
    return _row(_cell(0.05, item.label), _cell(start, dot * count), _cell(0.95, *item.value, align="right"))


def _leaders(rng: random.Random) -> WildPage:
    """A holding card of dot-leader lines."""
    fund = v.fund(rng)
    shares, truth = _share_items(rng)
    out = _Rows()
    out.add(_status_bar(rng))
    out.add([_title(rng, rng.choice(("持仓明细", "份额明细", "我的持有", "资产详情")))])
    card = _fund_header(rng, fund)
    items = _distractor_items(rng, rng.randint(2, 5))
    if rng.random() < 0.5:
        items.append(Item(rng.choice(COST_LABELS), (Piece(v.nav(rng)),)))
    at = rng.randint(0, len(items))
    body = items[:at] + shares + items[at:]
    card += [_leader_row(rng, item) for item in body]
    out.add(card, "card")
    out.add(_buttons(rng))
    page = Page("leaders", rng.choice(("易方达e钱包", "好买基金", "工商银行", "且慢")), tuple(out.rows), fund.code, truth, True)
    return WildPage(page, (_holding(fund, _spans(body)),), tuple(out.bands))


def _stacked_positions(rng: random.Random, funds: Sequence[v.Fund], *, held_only: bool = False) -> tuple[list[Row], list[Holding]]:
    """A broker table with combined headers (`名称/代码`, `持仓/可用`, ...) and two values stacked in each cell."""
    heads = ["名称/代码", "持仓/可用", "市值/盈亏", rng.choice(("成本/现价", "现价/成本"))]
    if held_only:
        heads[1] = rng.choice(("持仓", "持有份额"))
    xs = (0.04, 0.34, 0.60, 0.96)
    aligns = ("left", "left", "left", "right")
    rows = [_row(*(_cell(x, h, align=a) for x, h, a in zip(xs, heads, aligns)), size=0.8, gap=0.8)]
    holdings = []
    for fund in funds:
        held = _position(rng)
        available = held if rng.random() < 0.5 else v.number(rng, 100.0, max(101.0, float(held.value)), decimals=len(held.value.partition(".")[2]))
        value = v.money(rng, high=500_000.0)
        cost, price = v.nav(rng), v.nav(rng)
        top = (Piece(fund.short, "FUND_NAME"), Piece(held.shown, "HOLD_SHARE"), Piece(value.shown, "AMOUNT"), Piece(cost))
        second = Piece("") if held_only else Piece(available.shown, "AVAILABLE_SHARE")
        under = (Piece(fund.code, "FUND_CODE"), second, Piece(v.profit(rng), "PROFIT"), Piece(price))
        rows.append(_row(*(_cell(x, s, align=a) for x, s, a in zip(xs, top, aligns)), size=0.9, gap=0.5))
        rows.append(_row(*(_cell(x, s, align=a) for x, s, a in zip(xs, under, aligns) if s.text), size=0.75))
        holdings.append(Holding(fund.code, fund.short, held.value, None if held_only else available.value, value.value))
    return rows, holdings


def _broker_summary(rng: random.Random) -> list[Row]:
    summary = [_money_item(rng, label) for label in ("总资产", "总市值", rng.choice(CASH_LABELS), "当日盈亏")]
    return _columns(rng, rng.sample(summary, 3), flip=rng.random() < 0.2)


def _broker_stacked(rng: random.Random) -> WildPage:
    """One position in a stacked broker table: the truth is the available figure under the held one."""
    fund = v.fund(rng)
    out = _Rows()
    out.add(_status_bar(rng))
    out.add([_title(rng, rng.choice(("持仓", "我的持仓", "场内基金")))])
    out.add(_broker_summary(rng))
    rows, holdings = _stacked_positions(rng, [fund])
    out.add(rows)
    if rng.random() < 0.5:
        out.add([_row(_cell(0.5, rng.choice(("没有更多了", "仅显示场内基金", "-- 已显示全部 --")), align="center"), size=0.8, gap=1.0)])
    out.add([_tab_bar(rng)], "tabbar")
    holding = holdings[0]
    page = Page("broker_stacked", rng.choice(("同花顺", "东方财富证券", "涨乐财富通", "国泰君安君弘")), tuple(out.rows), fund.code, holding.available_share or "", True)
    return WildPage(page, (holding,), tuple(out.bands))


def _six_digit_items(rng: random.Random) -> list[Item]:
    """Numbers of six digits (and phones, accounts) that are not fund codes."""
    def six() -> str:
        return v.digits(rng, 6)

    makers: list[Callable[[], Item]] = [
        lambda: Item("验证码", (Piece(six()),)),
        lambda: Item("邀请码", (Piece(six()),)),
        lambda: Item("邮编", (Piece(rng.choice(("100010", "200120", "518048", "310013", "510623"))),)),
        lambda: Item(rng.choice(("工单号", "服务单号")), (Piece(six()),)),
        lambda: Item(rng.choice(("客户号", "推荐人编号", "经办人工号")), (Piece(six()),)),
        lambda: Item(rng.choice(("手机号", "联系电话")), (Piece(v.phone(rng)),)),
        lambda: Item(rng.choice(("资金账号", "银行卡号", "基金账号")), (Piece(v.account(rng)),)),
    ]
    return [make() for make in rng.sample(makers, rng.randint(3, 5))]


def _six_digits(rng: random.Random) -> WildPage:
    """A detail page with verification codes, postcodes, ticket and phone numbers beside the fund code."""
    fund = v.fund(rng)
    shares, truth = _share_items(rng)
    out = _Rows()
    out.add(_status_bar(rng))
    out.add([_title(rng)])
    if rng.random() < 0.5:
        sms = rng.choice(("【{app}】您的验证码为{code}，5分钟内有效。", "验证码{code}，请勿告诉他人", "您的动态码：{code}"))
        out.add([_row(_cell(0.05, sms.format(app=rng.choice(("天天基金", "招商银行")), code=v.digits(rng, 6))), size=0.8, gap=0.3)], "banner")
    out.add(_fund_header(rng, fund))
    items = _six_digit_items(rng) + _distractor_items(rng, rng.randint(1, 3))
    at = rng.randint(0, len(items))
    body = items[:at] + shares + items[at:]
    out.add(_place(rng, body, rng.choice(("split", "inline"))))
    if rng.random() < 0.5:
        out.add([_row(_cell(0.05, f"客服热线 {v.hotline(rng)}  邮编 {rng.choice(('100010', '518048'))}"), size=0.8, gap=1.0)])
    out.add(_buttons(rng))
    page = Page("six_digits", rng.choice(("天天基金", "招商银行", "华夏基金管家", "中国银行")), tuple(out.rows), fund.code, truth, True)
    return WildPage(page, (_holding(fund, _spans(body)),), tuple(out.bands))


# --- negatives -----------------------------------------------------------------------------------------


def _quote(rng: random.Random) -> WildPage:
    """A fund's quote page: code, NAV, returns, facts and buttons, and no holding."""
    fund = v.fund(rng)
    out = _Rows()
    out.add(_status_bar(rng))
    out.add([_title(rng, rng.choice(("基金详情", "基金档案", fund.short)))])
    out.add(_fund_header(rng, fund))
    out.add(_quote_head(rng))
    returns = [Item(label, (Piece(v.percent(rng)),)) for label in ("近1月", "近3月", "近6月", "近1年")]
    out.add(_columns(rng, returns[: rng.randint(3, 4)]))
    if rng.random() < 0.6:
        out.add(_nav_table(rng))
    facts = [
        Item("基金规模", (Piece(f"{rng.uniform(0.5, 600):.2f}亿"),)),
        Item("成立日期", (Piece(v.date(rng)),)),
        Item("基金经理", (Piece(rng.choice(MANAGERS)),)),
        Item("风险等级", (Piece(rng.choice(v.RISKS)),)),
        Item(rng.choice(("申购费率", "买入费率")), (Piece(f"{rng.choice((0.12, 0.15, 0.10, 1.5))}%"),)),
        Item("起购金额", (Piece(rng.choice(("10.00元", "1.00元", "100元"))),)),
    ]
    out.add(_place(rng, rng.sample(facts, rng.randint(3, 6)), rng.choice(("split", "inline"))))
    if rng.random() < 0.25:
        out.add([_row(_cell(0.05, rng.choice(("持有份额 --", "我的持有 暂无", "暂未持有该基金"))), size=0.9, gap=0.6)])
    names = rng.choice((("自选", "定投", "买入"), ("加自选", "立即购买"), ("定投", "买入")))
    out.add([_row(*(_cell((i + 0.5) / len(names), n, align="center") for i, n in enumerate(names)), gap=1.0)])
    page = Page("quote", rng.choice(("天天基金", "支付宝", "蛋卷基金", "好买基金")), tuple(out.rows), "", "", False)
    return WildPage(page, (), tuple(out.bands))


def _card_block(rng: random.Random, fund: v.Fund, *, show_code: bool, with_share: bool) -> tuple[list[Row], Holding]:
    """One fund of a list: its name (and code), then its figures in columns."""
    rows = _fund_header(rng, fund) if show_code else [_row(_cell(0.05, Piece(fund.name, "FUND_NAME")), gap=0.8)]
    items = [_money_item(rng, rng.choice(("金额", "持有金额", "市值"))), Item(rng.choice(("昨日收益", "持有收益")), (Piece(v.profit(rng), "PROFIT"),))]
    if with_share:
        number = v.share(rng)
        items.append(Item(rng.choice(("持有份额", "份额", "可用份额")), (Piece(number.shown, "HOLD_SHARE"),)))
        if items[-1].label == "可用份额":
            items[-1] = Item("可用份额", (Piece(number.shown, "AVAILABLE_SHARE"),))
    rows += _columns(rng, items)
    return rows, _holding(fund, _spans(items), code=show_code)


def _line_block(rng: random.Random, fund: v.Fund, *, show_code: bool, with_share: bool) -> tuple[list[Row], Holding]:
    """One fund of a compact list: name left and amount right, code and shares under them."""
    amount = v.money(rng)
    rows = [_row(_cell(0.05, Piece(fund.name, "FUND_NAME")), _cell(0.95, Piece(amount.shown, "AMOUNT"), align="right"), gap=0.7)]
    under: list[Piece] = [Piece(fund.code, "FUND_CODE"), Piece("  ")] if show_code else []
    number = v.share(rng)
    if with_share:
        under += [Piece(rng.choice(("份额 ", "持有份额 ", "持有 "))), Piece(number.shown, "HOLD_SHARE")]
    cells = [_cell(0.05, *under)] if under else []
    rows.append(_row(*cells, _cell(0.95, Piece(v.profit(rng), "PROFIT"), align="right"), size=0.8))
    shown = [Piece(amount.shown, "AMOUNT")] + ([Piece(number.shown, "HOLD_SHARE")] if with_share else [])
    return rows, _holding(fund, shown, code=show_code)


def _list(rng: random.Random) -> WildPage:
    """A holdings list of 2-10 funds; a scrolled list shows a fund cut at the top or bottom edge."""
    funds = v.funds(rng, rng.randint(2, 10) + 2)
    whole, cut_top, cut_bottom = funds[:-2], funds[-2], funds[-1]
    style = rng.choice(("cards", "lines", "stacked"))
    out = _Rows()
    out.add(_status_bar(rng))
    out.add([_title(rng, rng.choice(("我的持有", "基金", "我的基金", "持仓")))])
    scrolled = rng.random() < 0.45
    if style == "stacked":
        if not scrolled:
            out.add(_broker_summary(rng))
        rows, holdings = _stacked_positions(rng, whole, held_only=rng.random() < 0.2)
        head, body = rows[:1], rows[1:]
        if scrolled:
            cut_rows, _ = _stacked_positions(rng, [cut_top, cut_bottom])
            body = cut_rows[2:3] + body + cut_rows[3:4]  # the under-row of one fund, the top row of another
        out.add(head + body)
    else:
        if not scrolled:
            out.add([_row(_cell(0.05, rng.choice(("总金额(元)", "总资产(元)", "基金总资产"))), size=0.9), _row(_cell(0.05, Piece(v.money(rng).shown, "AMOUNT")), size=1.6)])
        block = _card_block if style == "cards" else _line_block
        show_code, with_share = rng.random() < 0.75, rng.random() < 0.6
        holdings = []
        blocks = []
        for fund in whole:
            rows, holding = block(rng, fund, show_code=show_code, with_share=with_share)
            blocks.append(rows)
            holdings.append(holding)
        if scrolled:
            top_rows, _ = block(rng, cut_top, show_code=show_code, with_share=with_share)
            bottom_rows, _ = block(rng, cut_bottom, show_code=show_code, with_share=with_share)
            blocks = [top_rows[-1:]] + blocks + [bottom_rows[:1]]
        out.add([row for rows in blocks for row in rows])
    if not scrolled:
        out.add(_buttons(rng))
    out.add([_tab_bar(rng)], "tabbar")
    page = Page("list", rng.choice(("天天基金", "支付宝", "同花顺", "招商银行", "且慢")), tuple(out.rows), "", "", False)
    return WildPage(page, tuple(holdings), tuple(out.bands), screen=scrolled)


BUILDERS: dict[str, Callable[[random.Random], WildPage]] = {
    "screen": _screen,
    "leaders": _leaders,
    "broker_stacked": _broker_stacked,
    "six_digits": _six_digits,
    "quote": _quote,
    "list": _list,
}


def generate_wild_page(rng: random.Random, *, family: str) -> WildPage:
    """One page of `family` (one of FAMILIES), drawn from `rng` alone."""
    if family not in BUILDERS:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    return BUILDERS[family](rng)


def code_style(page: Page) -> str | None:
    """How the first fund code is shown: `alone` on its line, in `brackets` after the name, after a `label`
    (基金代码：) or before the fund's `tags`; None when the page shows no code."""
    for row in page.rows:
        for cell in row.cells:
            kinds = [s.label for s in cell.spans]
            if "FUND_CODE" not in kinds:
                continue
            if "FUND_NAME" in kinds:
                return "brackets"
            if cell.text.strip() == next(s.text for s in cell.spans if s.label == "FUND_CODE"):
                return "alone"
            return "label" if kinds.index("FUND_CODE") > 0 else "tags"
    return None
