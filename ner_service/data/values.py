"""Random values that appear on holdings screenshots: funds, share figures, money and the usual clutter.

Every function takes the caller's `random.Random` so that pages are reproducible from one seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COMPANIES = (
    "易方达", "华夏", "南方", "嘉实", "广发", "富国", "汇添富", "博时", "招商", "工银瑞信", "建信",
    "中欧", "景顺长城", "兴证全球", "交银施罗德", "天弘", "鹏华", "银华", "国泰", "华安", "大成",
    "诺安", "前海开源", "中银", "长城", "东方红", "睿远", "农银汇理", "万家", "永赢", "国投瑞银",
)
THEMES = (
    "蓝筹精选", "消费行业", "新兴产业", "医疗保健", "中证白酒", "沪深300", "中证500", "创业板",
    "科技创新", "新能源车", "稳健增长", "优势企业", "价值精选", "成长先锋", "均衡配置", "红利低波",
    "纳斯达克100", "半导体", "国防军工", "双债增强", "纯债", "短债", "安心回报", "品质生活",
    "核心优势", "远见成长", "港股通", "光伏产业", "信息产业", "中证1000", "高端装备",
)
KINDS = ("混合", "股票", "指数", "ETF联接", "债券", "混合(QDII)", "指数(LOF)", "灵活配置混合")
CLASSES = ("A", "C", "", "", "E")
SHORT_SUFFIXES = ("ETF", "LOF", "ETF", "基金")
CODE_PREFIXES = (
    "000", "001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012", "013",
    "014", "015", "016", "017", "018", "110", "160", "161", "162", "163", "166", "519", "510", "512",
    "515", "159", "470", "040", "050", "070", "090", "202", "217", "260", "270", "290", "320", "400",
)
RISKS = ("低风险", "中低风险", "中风险", "中高风险", "高风险")
PHONE_PREFIXES = ("138", "139", "186", "135", "152", "177", "199", "158")
HOTLINES = ("95555", "95588", "95533", "400-881-8088", "400-888-6666", "4006-788-887", "95021")


@dataclass(frozen=True, slots=True)
class Fund:
    """One fund: its full name, a short name for crowded tables, and its 6-digit code."""

    name: str
    short: str
    code: str


@dataclass(frozen=True, slots=True)
class Number:
    """A figure as the app shows it and as a person would key it in (no separators, same decimals)."""

    shown: str
    value: str


def fund(rng: random.Random) -> Fund:
    theme = rng.choice(THEMES)
    name = rng.choice(COMPANIES) + theme + rng.choice(KINDS) + rng.choice(CLASSES)
    code = rng.choice(CODE_PREFIXES) + f"{rng.randrange(1000):03d}"
    return Fund(name=name, short=theme[:4] + rng.choice(SHORT_SUFFIXES), code=code)


def funds(rng: random.Random, count: int) -> list[Fund]:
    """`count` funds with distinct codes."""
    seen: dict[str, Fund] = {}
    while len(seen) < count:
        item = fund(rng)
        seen.setdefault(item.code, item)
    return list(seen.values())


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def number(rng: random.Random, low: float, high: float, *, decimals: int = 2, commas: bool | None = None) -> Number:
    """A log-uniform positive figure in [low, high) with `decimals` places, commas or not."""
    magnitude = low * (high / low) ** rng.random()
    scaled = max(1, int(magnitude * 10**decimals))
    whole, frac = divmod(scaled, 10**decimals)
    digits = str(whole)
    value = digits + (f".{frac:0{decimals}d}" if decimals else "")
    use_commas = rng.random() < 0.6 if commas is None else commas
    shown_whole = _group(digits) if use_commas else digits
    return Number(shown=shown_whole + (f".{frac:0{decimals}d}" if decimals else ""), value=value)


def share(rng: random.Random, *, low: float = 10.0, high: float = 2_000_000.0) -> Number:
    """A share count: mostly two decimals, sometimes three, four or none."""
    decimals = rng.choices((2, 4, 3, 0), weights=(76, 12, 5, 7))[0]
    return number(rng, low, high, decimals=decimals)


def money(rng: random.Random, *, low: float = 10.0, high: float = 3_000_000.0) -> Number:
    return number(rng, low, high, decimals=2)


def profit(rng: random.Random) -> str:
    """A signed profit such as `+123.45` or `-12.30`."""
    sign = rng.choice("+-")
    return sign + money(rng, low=0.01, high=50_000.0).shown


def percent(rng: random.Random, *, signed: bool = True) -> str:
    sign = rng.choice("+-") if signed else ""
    return f"{sign}{rng.uniform(0, 60):.2f}%"


def nav(rng: random.Random) -> str:
    """A net asset value per unit: `1.2345`."""
    return f"{rng.uniform(0.5, 4.5):.4f}"


def date(rng: random.Random) -> str:
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    style = rng.randrange(5)
    if style == 0:
        return f"{year}-{month:02d}-{day:02d}"
    if style == 1:
        return f"{year}/{month:02d}/{day:02d}"
    if style == 2:
        return f"{year}年{month}月{day}日"
    if style == 3:
        return f"{year}{month:02d}{day:02d}"
    return f"{month:02d}-{day:02d}"


def clock(rng: random.Random, *, seconds: bool = False) -> str:
    text = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    return text + (f":{rng.randint(0, 59):02d}" if seconds else "")


def phone(rng: random.Random) -> str:
    prefix, rest = rng.choice(PHONE_PREFIXES), f"{rng.randrange(10**8):08d}"
    return prefix + ("****" + rest[4:] if rng.random() < 0.5 else rest)


def hotline(rng: random.Random) -> str:
    return rng.choice(HOTLINES)


def account(rng: random.Random) -> str:
    """A bank card or fund account number, whole, masked, or in groups of four."""
    digits = "".join(str(rng.randrange(10)) for _ in range(rng.choice((10, 12, 16, 19))))
    style = rng.randrange(3)
    if style == 0:
        return digits
    if style == 1:
        return digits[:4] + " **** **** " + digits[-4:]
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def digits(rng: random.Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in range(count - 1))
