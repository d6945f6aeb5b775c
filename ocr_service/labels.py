"""What a label names: a share figure, the fund, or another figure whose value is never a share.

A label is the text of a cell before its first figure, stripped of punctuation, units and dot leaders
(`持有份额……` -> `持有份额`). Share and fund labels are matched whole; other figures by how their
labels end (amounts, prices and NAVs, profits, rates, dates, identifiers): a value of those is never a
share count and its digits never a fund code. Fund names end otherwise (混合, 指数, A, ETF). A combined
header (`持仓/可用`, `名称/代码`) names one kind per part, for values stacked in one cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

Kind = Literal[
    "available", "held", "other_share", "code", "name", "money", "price", "profit", "rate", "date", "id", "other"
]
SHARE_KINDS: tuple[Kind, ...] = ("available", "held")
_HEADER_KINDS: tuple[Kind, ...] = (*SHARE_KINDS, "code", "name")  # what the parts of a combined header name
# Labels staff corrections taught the rules (`ocr_service.teach`), whole cleaned labels -> their kind.
Learned = Mapping[str, Kind]
NO_LABELS: Learned = MappingProxyType({})

# `可回份额`: 可赎回份额 with a character lost by the OCR
AVAILABLE = re.compile(r"可用(份额|数量)?|可赎?回?份额|可卖(份额|数量)?")
_WHOLE: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("other_share", re.compile(r"(冻结|在途|赎回中|确认中|申购中)份额")),
    ("available", AVAILABLE),
    ("held", re.compile(r"(持有|持仓)?份额|持仓(数量)?|持有(数量|份数)|总份额")),
    ("code", re.compile(r"(基金|产品|证券)?代(码|号)")),
    ("name", re.compile(r"(基金|产品|证券)?名称")),
)
_ENDING: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("money", re.compile(r"(金额|市值|资产|资金|余额|本金)$")),
    ("price", re.compile(r"(净值|成本|价|价格)$")),
    ("profit", re.compile(r"(收益|盈亏)$")),
    ("rate", re.compile(r"(涨幅|涨跌幅?|率|比例|占比|%)$")),
    ("date", re.compile(r"(日期|时间|日)$")),
    ("id", re.compile(r"(账号|账户|卡|卡号|电话|热线|手机|手机号|号|编号|码|邮编)$")),
    ("other", re.compile(r"(天数|近|状态)$")),
)
# Words that make any six digits near them something other than a fund code, wherever they stand in a line
# (`您的验证码是123456`, `邮编：100032`, `工单 123456`).
NOT_CODE = re.compile(r"验证码|邀请码|推荐码|动态码|密码|邮编|邮政编码|工单|订单|流水|客户号|网点|账号|账户|卡号|手机|电话|热线|客服")

# Dot leaders between a label and its value (`持有份额 ........ 1,234.56`), as OCR reads them.
LEADER = re.compile(r"[.…·・。_\-—–~]{2,}")
# Trailing stops and commas: the OCR reads the dots and specks after a label as either (`可赎回份额．，`).
_STRIP = re.compile(r"\((份|元|股|%)\)|[\s:：()（）\[\]【】<>《》|]|[.．…。·・,，、]+$")


def clean(head: str) -> str:
    """A cell's text before its first figure, as a label: `持有份额(份)：` -> `持有份额`."""
    return _STRIP.sub("", LEADER.sub("", head))


def kinds(label: str, learned: Learned = NO_LABELS) -> tuple[Kind, ...]:
    """The kind a label names (one), or one per part of a combined header (`持仓/可用` -> held, available;
    `持仓可用`, its slash lost, the same)."""
    if not label:
        return ()
    parts = re.split(r"[/／]", label)
    if len(parts) == 2 and all(kind_of(p, learned) for p in parts):
        return tuple(kind_of(p, learned) for p in parts)  # type: ignore[misc]
    found = kind_of(label, learned)
    return (found,) if found else _run_together(label, learned)


def _run_together(label: str, learned: Learned) -> tuple[Kind, ...]:
    """The two kinds of a combined header read without its slash, when exactly one cut makes two labels of
    the kinds such headers name."""
    cuts = [
        (first, second)
        for i in range(2, len(label) - 1)
        if (first := kind_of(label[:i], learned)) in _HEADER_KINDS and (second := kind_of(label[i:], learned)) in _HEADER_KINDS
    ]
    return cuts[0] if len(cuts) == 1 else ()


def kind_of(label: str, learned: Learned = NO_LABELS) -> Kind | None:
    """What the patterns above make of the label; where they know nothing, what staff corrections taught."""
    for kind, pattern in _WHOLE:
        if pattern.fullmatch(label):
            return kind
    for kind, pattern in _ENDING:
        if pattern.search(label):
            return kind
    return learned.get(label)
