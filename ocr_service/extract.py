"""Fund code and share figure from OCR lines, placed by their boxes.

The lines are grouped into visual rows. A label (`可用份额`, `持有份额`, `基金代码`, `市值`, ...) takes its
value from the same line (`持有份额 12,345.67份`), else from the next cell of its row (label left, value
right), else from the row below: by column index when a row of labels sits over a row of as many cells,
else by horizontal overlap. A header row that names a code or name column (`代码 名称 持仓 可用 市值`)
takes every data row under it. Available shares win over held shares. A fund code is six digits standing
alone, in brackets or after `代码`, and never a value of another label (account, phone, date, money,
order, ...) nor part of a longer number. `flag` needs exactly one code and one share figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .numbers import normalise_share, to_halfwidth
from .types import Extraction, OcrLine

AVAILABLE = re.compile(r"可用(份额|数量)?|可赎回?份额|可卖(份额|数量)?")
HELD = re.compile(r"(持有|持仓)?份额|持仓(数量)?|持有(数量|份数)|总份额")
OTHER_SHARE = re.compile(r"(冻结|在途|赎回中|确认中|申购中)份额")
CODE = re.compile(r"(基金|产品|证券)?代码")
NAME = re.compile(r"(基金|产品|证券)?名称(/代码)?")
# How labels of other figures end (amounts, profits, NAV, dates, accounts, phones, orders, ...): their
# values are never shares and their digits never a fund code. Fund names end otherwise (混合, 指数, A, ETF).
OTHER = re.compile(
    r"(金额|市值|资产|收益|盈亏|涨幅|涨跌幅?|净值|成本|价|价格|日期|时间|日|账号|账户|卡|卡号|电话|热线|手机|手机号"
    r"|号|编号|码|邮编|天数|资金|余额|率|比例|占比|近|状态)$"
)
_VALUE_START = re.compile(r"[+\-−]?[¥$]?[0-9]")
_CODE_TOKEN = re.compile(r"(?<![\d.,¥$+\-−*/:#])[0-9]{6}(?![\d.,%*/:]|\s?(?:[份元天年月日万亿]|股(?!票)))")
_TRAILING_FIGURE = re.compile(r"(?<=[^\d.,+\-−¥$])[0-9][0-9.,]*$")
_LABEL_STRIP = re.compile(r"\((份|元|股)\)|[\s:：()（）\[\]【】<>《》|]")


@dataclass(frozen=True, slots=True)
class _Cell:
    line: OcrLine
    text: str
    label: str  # the label part, before any figure, stripped of punctuation
    kind: str | None  # "available", "held", "other_share", "code", "name", "other" or None
    value: str  # the part from the first figure on

    @property
    def is_value(self) -> bool:
        return not self.label and bool(self.value)


@dataclass(frozen=True, slots=True)
class _Pair:
    """A label and the cell its value came from (the label's own cell when they share a line)."""

    label: _Cell
    source: _Cell

    @property
    def value(self) -> str:
        return self.source.value


def extract(lines: Sequence[OcrLine]) -> Extraction:
    """Decide fund code and share from one page's lines; any input gives an answer, never an exception."""
    rows = _rows([cell for line in lines if line.text.strip() for cell in _cells(line)])
    pairs = _pairs(rows)
    consumed = {id(p.source) for p in pairs if p.label.kind != "code" and p.source is not p.label}
    codes = _unique(
        [m.group() for p in pairs if p.label.kind == "code" for m in _CODE_TOKEN.finditer(p.value)]
        + [code for row in rows for cell in row if id(cell) not in consumed for code in _free_codes(cell)]
    )
    available = _unique([s for p in pairs if p.label.kind == "available" if (s := normalise_share(p.value))])
    held = _unique([s for p in pairs if p.label.kind == "held" if (s := normalise_share(p.value))])
    shares = available or held
    if len(codes) == 1 and len(shares) == 1:
        return Extraction(codes[0], shares[0], True, tuple(codes), tuple(shares))
    return Extraction("", "", False, tuple(codes), tuple(shares))


def _cells(line: OcrLine) -> list[_Cell]:
    """The line as one cell, or as two where OCR ran a name into the next column's figure (`沪深300ETF1,000`)."""
    text = to_halfwidth(line.text).strip()
    tail = _TRAILING_FIGURE.search(text)
    if tail and normalise_share(tail.group()) is not None:
        widths = [_width(ch) for ch in text]
        x = line.left + (line.right - line.left) * sum(widths[: tail.start()]) / sum(widths)
        head = _cell(_part(line, text[: tail.start()], line.left, x))
        if head.kind is None and head.label:
            return [head, _cell(_part(line, tail.group(), x, line.right))]
    return [_cell(line)]


def _width(char: str) -> float:
    return 0.55 if char.isascii() else 1.0


def _part(line: OcrLine, text: str, left: float, right: float) -> OcrLine:
    l, r = round(left), round(right)
    return OcrLine(text, line.confidence, ((l, line.top), (r, line.top), (r, line.bottom), (l, line.bottom)))


def _cell(line: OcrLine) -> _Cell:
    text = to_halfwidth(line.text).strip()
    start = _VALUE_START.search(text)
    head, value = (text[: start.start()], text[start.start() :].strip()) if start else (text, "")
    label = _LABEL_STRIP.sub("", head)
    return _Cell(line, text, label, _kind(label), value)


def _kind(label: str) -> str | None:
    if not label:
        return None
    for kind, pattern in (("other_share", OTHER_SHARE), ("available", AVAILABLE), ("held", HELD), ("code", CODE), ("name", NAME)):
        if pattern.fullmatch(label):
            return kind
    return "other" if OTHER.search(label) else None


def _rows(cells: list[_Cell]) -> list[list[_Cell]]:
    """Cells grouped into rows by vertical overlap, rows top to bottom, cells left to right."""
    rows: list[list[_Cell]] = []
    for cell in sorted(cells, key=lambda c: c.line.center[1]):
        row = rows[-1] if rows else None
        if row and abs(cell.line.center[1] - _middle(row)) <= max(2.0, 0.5 * min(cell.line.height, _height(row))):
            row.append(cell)
        else:
            rows.append([cell])
    return [sorted(row, key=lambda c: c.line.left) for row in rows]


def _middle(row: list[_Cell]) -> float:
    return sum(c.line.center[1] for c in row) / len(row)


def _height(row: list[_Cell]) -> float:
    return max(c.line.height for c in row)


def _pairs(rows: list[list[_Cell]]) -> list[_Pair]:
    pairs: list[_Pair] = []
    for r, row in enumerate(rows):
        labels = [c for c in row if c.kind]
        is_header = len(labels) >= 3 and any(c.kind in ("code", "name") for c in labels)
        for j, cell in enumerate(row):
            if not cell.kind:
                continue
            if cell.value:
                pairs.append(_Pair(cell, cell))
            elif j + 1 < len(row) and row[j + 1].is_value and len(labels) == 1:
                pairs.append(_Pair(cell, row[j + 1]))
            elif len(labels) == len(row):
                # Only a row of labels alone heads columns; a label among menu words (买入 卖出 持仓) does not.
                pairs += [_Pair(cell, below) for below in _below(rows, r, j, is_header)]
    return pairs


def _below(rows: list[list[_Cell]], r: int, j: int, is_header: bool) -> list[_Cell]:
    """The value cells under cell j of row r: one row down, or every data row down for a table header."""
    found: list[_Cell] = []
    above = rows[r]
    for row in rows[r + 1 :]:
        gap = row[0].line.top - max(c.line.bottom for c in above)
        if gap > 2.5 * _height(above) or any(c.kind for c in row):
            break
        if not is_header and len(row) > len(rows[r]):
            # More figures than labels: they belong to captions elsewhere (a page title over a summary).
            break
        column = _column(rows[r], row, j)
        if column is not None and column.is_value:
            found.append(column)
        if not is_header:
            break
        above = row
    return found


def _column(labels: list[_Cell], values: list[_Cell], j: int) -> _Cell | None:
    """The cell of `values` under labels[j]: same index when the counts match, else the best overlap."""
    if len(labels) == len(values) and all(c.kind for c in labels):
        return values[j]
    label = labels[j].line
    best, best_score = None, 0.0
    for cell in values:
        overlap = min(label.right, cell.line.right) - max(label.left, cell.line.left)
        score = overlap / max(label.right - label.left, cell.line.right - cell.line.left, 1)
        if score > best_score:
            best, best_score = cell, score
    return best


def _free_codes(cell: _Cell) -> list[str]:
    """Six-digit codes in an unlabelled cell (`005827`, `名称(005827)`, `005827 | 混合型`); none in a signed figure."""
    if cell.kind is not None or cell.text[:1] in "+-−¥$":
        return []
    return [m.group() for m in _CODE_TOKEN.finditer(cell.text)]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
