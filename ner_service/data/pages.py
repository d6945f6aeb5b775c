"""Synthetic fund-holdings screenshot pages, with the truth a person would key in and entity spans.

A `Page` is rows of cells placed by their horizontal position; `bench/screens/render.py` draws it and
`page_text` gives its text in the order an OCR engine reads it (rows top to bottom, cells left to right,
one cell a line) with one BIO label per character. Positive layouts show one fund and its share figure
(available shares win over held shares); `multi_fund` and `no_share` are the negatives.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ner_service.data import values as v

LAYOUTS: tuple[str, ...] = ("inline", "stacked", "columns", "broker", "payment", "bank", "multi_fund", "no_share")
NEGATIVE_LAYOUTS: tuple[str, ...] = ("multi_fund", "no_share")

HELD_LABELS = ("持有份额", "持仓份额", "份额", "持仓", "持有份额(份)")
AVAILABLE_LABELS = ("可用份额", "可用", "可用份额(份)", "可赎回份额", "可卖份额")
OTHER_SHARE_LABELS = ("冻结份额", "在途份额", "赎回中份额")
AMOUNT_LABELS = ("持有金额(元)", "持有金额", "资产(元)", "市值", "参考市值", "持仓市值", "金额(元)", "最新市值")
PROFIT_LABELS = ("昨日收益", "持有收益", "累计收益", "浮动盈亏", "当日盈亏", "持仓收益(元)")
PERCENT_LABELS = ("持有收益率", "日涨幅", "近1年", "收益率", "近3月")
NAV_LABELS = ("单位净值", "最新净值", "持仓成本", "成本净值", "累计净值")
DATE_LABELS = ("确认日期", "净值日期", "首次购买", "更新时间", "份额确认日")
ID_LABELS = ("交易账号", "基金账号", "资金账号", "银行卡", "TA账号")
PHONE_LABELS = ("客服电话", "手机号", "预留手机", "客服热线")
ORDER_LABELS = ("订单号", "申请编号", "流水号", "交易单号")
SIX_DIGIT_LABELS = ("客户号", "邮编", "网点号", "推荐码")
TITLES = ("持仓详情", "基金详情", "我的持有", "持有详情", "资产详情", "基金持仓", "我的基金")
BUTTONS = (("卖出", "买入"), ("赎回", "追加"), ("转换", "定投", "买入"), ("卖出", "定投", "追加购买"))
TIPS = ("温馨提示：以上数据仅供参考", "基金有风险，投资需谨慎", "数据更新于收盘后", "交易规则", "查看交易记录")
APPS = {
    "inline": ("天天基金", "蛋卷基金", "且慢", "好买基金", "易方达e钱包"),
    "stacked": ("天天基金", "京东金融", "华夏基金管家", "汇添富现金宝"),
    "columns": ("易方达e钱包", "华夏基金管家", "天天基金", "南方基金"),
    "broker": ("同花顺", "东方财富证券", "涨乐财富通", "君弘", "招商证券"),
    "payment": ("支付宝", "微信理财通"),
    "bank": ("招商银行", "工商银行", "建设银行", "平安口袋银行", "中国银行"),
}


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a cell's text; `label` is an entity type from the schema or None."""

    text: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """One text line on the page; `x` (0..1 of the width) is its left edge, centre or right edge by `align`."""

    spans: tuple[Piece, ...]
    x: float
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True, slots=True)
class Row:
    """Cells sharing one baseline; `size` scales the font, `gap` adds space above, in line heights."""

    cells: tuple[Cell, ...]
    size: float = 1.0
    gap: float = 0.0


@dataclass(frozen=True, slots=True)
class Page:
    layout: str
    app: str
    rows: tuple[Row, ...]
    fund_code: str
    hold_share: str
    flag: bool


@dataclass(frozen=True, slots=True)
class Item:
    """A label and its value, before a layout decides where they go."""

    label: str
    value: tuple[Piece, ...]


def _cell(x: float, *parts: str | Piece, align: str = "left") -> Cell:
    return Cell(tuple(p if isinstance(p, Piece) else Piece(p) for p in parts if (p.text if isinstance(p, Piece) else p)), x, align)


def _row(*cells: Cell, size: float = 1.0, gap: float = 0.0) -> Row:
    return Row(tuple(cells), size, gap)


# --- items ---------------------------------------------------------------------------------------------


def _share_item(rng: random.Random, label: str, number: v.Number, entity: str | None) -> Item:
    unit = "份" if "份)" not in label and rng.random() < 0.35 else ""
    return Item(label, (Piece(number.shown, entity), Piece(unit)))


def _amount_item(rng: random.Random) -> Item:
    label = rng.choice(AMOUNT_LABELS)
    style = rng.randrange(4) if "元" not in label else 3
    spans = (Piece("¥" if style == 0 else ""), Piece(v.money(rng).shown, "AMOUNT"), Piece("元" if style == 1 else ""))
    return Item(label, spans)


def _nav_spans(rng: random.Random) -> tuple[Piece, ...]:
    if rng.random() < 0.3:
        return (Piece(v.nav(rng)), Piece("("), Piece(v.date(rng)[-5:], "DATE"), Piece(")"))
    return (Piece(v.nav(rng)),)


def _distractor_items(rng: random.Random, count: int) -> list[Item]:
    """Labelled values that are not share figures; amounts and profits first, as apps show them."""
    makers: list[Callable[[], Item]] = [
        lambda: _amount_item(rng),
        lambda: Item(rng.choice(PROFIT_LABELS), (Piece(v.profit(rng), "PROFIT"),)),
        lambda: Item(rng.choice(PERCENT_LABELS), (Piece(v.percent(rng)),)),
        lambda: Item(rng.choice(NAV_LABELS), _nav_spans(rng)),
        lambda: Item(rng.choice(DATE_LABELS), (Piece(v.date(rng), "DATE"),) + ((Piece(" " + v.clock(rng)),) if rng.random() < 0.2 else ())),
        lambda: Item(rng.choice(ID_LABELS), (Piece(v.account(rng)),)),
        lambda: Item(rng.choice(PHONE_LABELS), (Piece(v.phone(rng) if rng.random() < 0.5 else v.hotline(rng)),)),
        lambda: Item(rng.choice(ORDER_LABELS), (Piece(v.digits(rng, rng.randint(14, 20))),)),
        lambda: Item(rng.choice(SIX_DIGIT_LABELS), (Piece(v.digits(rng, 6)),)),
        lambda: Item("持有天数", (Piece(str(rng.randint(1, 900))), Piece("天"))),
    ]
    first, rest = makers[:2], makers[2:]
    chosen = [make() for make in first[: min(count, 2)]]
    chosen += [make() for make in rng.sample(rest, max(0, min(count - 2, len(rest))))]
    return chosen


def _share_items(rng: random.Random, figure: Callable[[random.Random], v.Number] = v.share) -> tuple[list[Item], str]:
    """Held and/or available shares (sometimes a frozen figure too) and the figure a person would key in."""
    mode = rng.choices(("held", "available", "both"), weights=(45, 20, 35))[0]
    held = figure(rng)
    items, truth = [], held.value
    if mode in ("held", "both"):
        items.append(_share_item(rng, rng.choice(HELD_LABELS), held, "HOLD_SHARE"))
    if mode in ("available", "both"):
        decimals = len(held.value.partition(".")[2])
        whole = float(held.value)
        available = held if rng.random() < 0.6 else v.number(rng, max(1.0, whole / 10), max(2.0, whole), decimals=decimals)
        items.append(_share_item(rng, rng.choice(AVAILABLE_LABELS), available, "AVAILABLE_SHARE"))
        truth = available.value
    if rng.random() < 0.15:
        items.append(Item(rng.choice(OTHER_SHARE_LABELS), (Piece("0.00" if rng.random() < 0.6 else v.share(rng, high=500.0).shown),)))
    return items, truth


# --- how items are placed ---------------------------------------------------------------------------------


def _inline(rng: random.Random, item: Item) -> Row:
    sep = rng.choice(("：", ":", " ", "", "  ", "："))
    return _row(_cell(0.05, item.label + sep, *item.value))


def _split(rng: random.Random, item: Item) -> Row:
    return _row(_cell(0.05, item.label), _cell(0.95, *item.value, align="right"))


def _stacked(rng: random.Random, item: Item, x: float = 0.05) -> list[Row]:
    size = 1.0 if rng.random() < 0.7 else 1.3
    return [_row(_cell(x, item.label), gap=0.4), _row(_cell(x, *item.value), size=size)]


def _columns(rng: random.Random, items: Sequence[Item], *, flip: bool = False) -> list[Row]:
    """Labels in a row over their values (under them when `flip`), centred or left-aligned in equal columns."""
    k = len(items)
    centred = rng.random() < 0.6
    xs = [(i + 0.5) / k if centred else 0.05 + i * 0.92 / k for i in range(k)]
    align = "center" if centred else "left"
    labels = _row(*(_cell(x, it.label, align=align) for x, it in zip(xs, items)), size=0.9, gap=0.5)
    numbers = _row(*(_cell(x, *it.value, align=align) for x, it in zip(xs, items)))
    return [numbers, labels] if flip else [labels, numbers]


def _place(rng: random.Random, items: Sequence[Item], style: str) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        if style == "inline":
            rows.append(_inline(rng, item))
        elif style == "split":
            rows.append(_split(rng, item))
        else:
            rows.extend(_stacked(rng, item))
    return rows


# --- page furniture ------------------------------------------------------------------------------------


def _status_bar(rng: random.Random) -> list[Row]:
    if rng.random() < 0.1:
        return []
    right = rng.choice(("5G", "4G", "WiFi", "")) + rng.choice((" ", "  ")) + f"{rng.randint(5, 100)}%"
    left = [_cell(0.04, v.clock(rng))]
    if rng.random() < 0.3:
        left.append(_cell(0.2, rng.choice(("中国移动", "中国联通", "中国电信"))))
    return [_row(*left, _cell(0.96, right.strip(), align="right"), size=0.75)]


def _title(rng: random.Random, text: str | None = None) -> Row:
    cells = [_cell(0.5, text or rng.choice(TITLES), align="center")]
    if rng.random() < 0.3:
        cells.append(_cell(0.95, rng.choice(("分享", "更多", "说明")), align="right"))
    return _row(*cells, size=1.1, gap=0.3)


def _fund_header(rng: random.Random, fund: v.Fund) -> list[Row]:
    """The fund's name and code as detail pages show them."""
    style = rng.randrange(4)
    name = Piece(fund.name, "FUND_NAME")
    code = Piece(fund.code, "FUND_CODE")
    if style == 0:
        return [_row(_cell(0.05, name), size=1.15, gap=0.5), _row(_cell(0.05, code), size=0.85)]
    if style == 1:
        open_, close = rng.choice((("(", ")"), ("（", "）"), ("[", "]")))
        return [_row(_cell(0.05, name, open_, code, close), size=1.1, gap=0.5)]
    if style == 2:
        tags = rng.choice(("混合型", "股票型", "指数型", "债券型")) + rng.choice((" | ", " ", "  ")) + rng.choice(v.RISKS)
        return [_row(_cell(0.05, name), size=1.15, gap=0.5), _row(_cell(0.05, code, rng.choice(("  ", " | ", " ")), tags), size=0.85)]
    return [_row(_cell(0.05, name), size=1.15, gap=0.5), _row(_cell(0.05, rng.choice(("基金代码：", "基金代码 ", "代码：")), code), size=0.85)]


def _buttons(rng: random.Random) -> list[Row]:
    rows = []
    if rng.random() < 0.6:
        rows.append(_row(_cell(0.05, rng.choice(TIPS)), size=0.8, gap=0.8))
    if rng.random() < 0.7:
        names = rng.choice(BUTTONS)
        rows.append(_row(*(_cell((i + 0.5) / len(names), n, align="center") for i, n in enumerate(names)), gap=1.0))
    return rows


# --- layout families --------------------------------------------------------------------------------------


def _detail(rng: random.Random, fund: v.Fund, shares: list[Item], style: str) -> list[Row]:
    """A fund platform's detail page: header, then labelled values one after another in `style`."""
    items = _distractor_items(rng, rng.randint(2, 6))
    if rng.random() < 0.15:
        items.append(Item("基金代码", (Piece(fund.code, "FUND_CODE"),)))
    at = rng.randint(0, min(2, len(items)))
    body = items[:at] + shares + items[at:]
    return _status_bar(rng) + [_title(rng)] + _fund_header(rng, fund) + _place(rng, body, style) + _buttons(rng)


def _inline_page(rng: random.Random, fund: v.Fund, shares: list[Item]) -> list[Row]:
    return _detail(rng, fund, shares, "inline")


def _stacked_page(rng: random.Random, fund: v.Fund, shares: list[Item]) -> list[Row]:
    return _detail(rng, fund, shares, "stacked")


def _columns_page(rng: random.Random, fund: v.Fund, shares: list[Item]) -> list[Row]:
    rows = _status_bar(rng) + [_title(rng)] + _fund_header(rng, fund)
    items = _distractor_items(rng, rng.randint(3, 7))
    if shares:
        group = list(shares)
        while len(group) < 2:
            group.append(Item(rng.choice(OTHER_SHARE_LABELS), (Piece("0.00"),)))
        rng.shuffle(group)
        rows += _columns(rng, items[:2], flip=rng.random() < 0.2) + _columns(rng, group)
        rest = items[2:]
    else:
        rows += _columns(rng, items[:3], flip=rng.random() < 0.2)
        rest = items[3:]
    return rows + _place(rng, rest, rng.choice(("inline", "split"))) + _buttons(rng)


def _bank_page(rng: random.Random, fund: v.Fund, shares: list[Item]) -> list[Row]:
    head = [Item("基金名称", (Piece(fund.name, "FUND_NAME"),)), Item(rng.choice(("基金代码", "产品代码")), (Piece(fund.code, "FUND_CODE"),))]
    items = _distractor_items(rng, rng.randint(3, 7))
    body = head + items[:2] + shares + items[2:]
    rows = _status_bar(rng) + [_title(rng, rng.choice(("基金持仓", "我的基金", "理财持仓", "基金资产")))]
    rows += _place(rng, body, "split")
    rows.append(_row(_cell(0.05, "客服热线 " + v.hotline(rng)), size=0.8, gap=1.0))
    return rows


def _payment_page(rng: random.Random, fund: v.Fund, shares: list[Item]) -> list[Row]:
    """A payment app's holding card: big amount, a row of profits, then a key-value list."""
    rows = _status_bar(rng) + [_title(rng, rng.choice(("持有详情", "持仓", "理财详情", fund.short)))]
    rows += _fund_header(rng, fund)
    amount = Item("持有金额(元)", (Piece(v.money(rng).shown, "AMOUNT"),))
    rows += [_row(_cell(0.05, amount.label), size=0.9, gap=0.5), _row(_cell(0.05, *amount.value), size=1.7)]
    profits = [Item(lbl, (Piece(v.profit(rng), "PROFIT"),)) for lbl in ("昨日收益(元)", "持有收益(元)")]
    profits.append(Item("持有收益率", (Piece(v.percent(rng)),)))
    rows += _columns(rng, profits[: rng.randint(2, 3)], flip=rng.random() < 0.2)
    body = shares + _distractor_items(rng, rng.randint(1, 4))[2:]  # amount and profits are shown above
    rng.shuffle(body)
    return rows + _place(rng, body, rng.choice(("split", "inline"))) + _buttons(rng)


def _broker_page(rng: random.Random, fund: v.Fund, shares: list[Item], *, more: Sequence[v.Fund] = ()) -> list[Row]:
    """A broker's position table: account summary, a header row, one data row per position."""
    rows = _status_bar(rng) + [_title(rng, rng.choice(("持仓", "我的持仓", "交易")))]
    if rng.random() < 0.5:
        tabs = ("买入", "卖出", "撤单", "持仓", "查询")
        rows.append(_row(*(_cell((i + 0.5) / 5, t, align="center") for i, t in enumerate(tabs)), size=0.9))
    summary = [Item(lbl, (Piece(v.money(rng).shown, "AMOUNT"),)) for lbl in ("总资产", "总市值", "可用资金", "可取资金")]
    rows += _columns(rng, rng.sample(summary, 3), flip=rng.random() < 0.2)
    held = next((it for it in shares if it.value[0].label == "HOLD_SHARE"), None)
    avail = next((it for it in shares if it.value[0].label == "AVAILABLE_SHARE"), None)
    words = rng.choice((("代码", "名称", "持仓", "可用", "市值"), ("名称", "代码", "持仓", "可用", "市值"), ("证券代码", "证券名称", "持仓数量", "可用数量", "参考市值")))
    columns = [("code" if "代码" in w else "name", w) for w in words[:2]]
    columns += [("held", words[2])] if held else []
    columns += [("avail", words[3])] if avail else []
    columns += [("value", words[4])] + ([("profit", "盈亏")] if len(columns) < 4 else [])
    k = len(columns)
    xs = [0.04 + i * 0.94 / k for i in range(k)]
    rows.append(_row(*(_cell(x, w) for x, (_, w) in zip(xs, columns)), size=0.8, gap=0.8))
    for item_fund, item_held, item_avail in [(fund, held, avail)] + [(f, held and _reshare(rng, held), avail and _reshare(rng, avail)) for f in more]:
        values = {
            "code": (Piece(item_fund.code, "FUND_CODE"),),
            "name": (Piece(item_fund.short, "FUND_NAME"),),
            "held": item_held.value[:1] if item_held else (),
            "avail": item_avail.value[:1] if item_avail else (),
            "value": (Piece(v.money(rng, high=500_000.0).shown, "AMOUNT"),),
            "profit": (Piece(v.profit(rng), "PROFIT"),),
        }
        rows.append(_row(*(_cell(x, *values[key]) for x, (key, _) in zip(xs, columns)), size=0.85, gap=0.5))
    return rows


def _reshare(rng: random.Random, item: Item) -> Item:
    return Item(item.label, (Piece(_position(rng).shown, item.value[0].label),))


def _position(rng: random.Random) -> v.Number:
    """A broker position: whole lots or a fund's share figure, small enough for a table column."""
    return v.number(rng, 100.0, 300_000.0, decimals=rng.choice((0, 0, 2)))


def _multi_fund_page(rng: random.Random, funds: list[v.Fund]) -> list[Row]:
    """A holdings list: a total, then several funds each with its figures."""
    rows = _status_bar(rng) + [_title(rng, rng.choice(("我的持有", "基金", "我的基金", "持仓")))]
    rows += [_row(_cell(0.05, rng.choice(("总金额(元)", "总资产(元)", "基金总资产"))), size=0.9), _row(_cell(0.05, Piece(v.money(rng).shown, "AMOUNT")), size=1.6)]
    show_codes = rng.random() < 0.7
    with_share = rng.random() < 0.5
    for fund in funds:
        rows += _fund_header(rng, fund) if show_codes else [_row(_cell(0.05, Piece(fund.name, "FUND_NAME")), gap=0.8)]
        items = [Item(rng.choice(("金额", "持有金额", "市值")), (Piece(v.money(rng).shown, "AMOUNT"),)), Item(rng.choice(("昨日收益", "持有收益")), (Piece(v.profit(rng), "PROFIT"),))]
        if with_share:
            items.append(_share_item(rng, rng.choice(HELD_LABELS[:2]), v.share(rng), "HOLD_SHARE"))
        rows += _columns(rng, items)
    return rows + _buttons(rng)


POSITIVE_BUILDERS: dict[str, Callable[[random.Random, v.Fund, list[Item]], list[Row]]] = {
    "inline": _inline_page,
    "stacked": _stacked_page,
    "columns": _columns_page,
    "broker": _broker_page,
    "payment": _payment_page,
    "bank": _bank_page,
}


def generate_page(rng: random.Random, *, layout: str | None = None) -> Page:
    """One page of the given layout family (any, uniformly, when None), drawn from `rng` alone."""
    layout = layout or rng.choice(LAYOUTS)
    if layout == "multi_fund":
        if rng.random() < 0.35:
            family = "broker"
            shares, _ = _share_items(rng, _position)
            funds = v.funds(rng, rng.randint(2, 4))
            rows = _broker_page(rng, funds[0], shares, more=funds[1:])
        else:
            family = rng.choice(("inline", "stacked", "columns", "payment"))
            rows = _multi_fund_page(rng, v.funds(rng, rng.randint(2, 4)))
        return Page(layout, rng.choice(APPS[family]), tuple(rows), "", "", False)
    if layout == "no_share":
        family = rng.choice(tuple(POSITIVE_BUILDERS))
        rows = POSITIVE_BUILDERS[family](rng, v.fund(rng), [])
        return Page(layout, rng.choice(APPS[family]), tuple(rows), "", "", False)
    if layout not in POSITIVE_BUILDERS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    fund = v.fund(rng)
    shares, truth = _share_items(rng, _position if layout == "broker" else v.share)
    rows = POSITIVE_BUILDERS[layout](rng, fund, shares)
    if rng.random() < 0.15:
        rows = _cropped(rng, rows)
    return Page(layout, rng.choice(APPS[layout]), tuple(rows), fund.code, truth, True)


def _cropped(rng: random.Random, rows: list[Row]) -> list[Row]:
    """The screenshot cut off just under the share figures, as people often send it."""
    shares = [i for i, row in enumerate(rows) for c in row.cells for s in c.spans if s.label in ("HOLD_SHARE", "AVAILABLE_SHARE")]
    return rows[: max(shares) + 1 + rng.randint(0, 1)]


def page_lines(page: Page) -> list[Cell]:
    """Cells in OCR reading order: rows top to bottom, cells left to right."""
    return [cell for row in page.rows for cell in row.cells]


def page_text(page: Page) -> tuple[str, list[str]]:
    """The page's text (one cell a line, joined by "\\n") and one BIO label per character."""
    text: list[str] = []
    labels: list[str] = []
    for i, cell in enumerate(page_lines(page)):
        if i:
            text.append("\n")
            labels.append("O")
        for span in cell.spans:
            text.append(span.text)
            tags = ["O"] * len(span.text) if span.label is None else [f"B-{span.label}"] + [f"I-{span.label}"] * (len(span.text) - 1)
            labels.extend(tags)
    return "".join(text), labels
