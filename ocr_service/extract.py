"""Fund code and share figure from OCR lines, placed by their boxes, with the evidence for each value.

The lines are cut into cells (a label and/or a value) and grouped into visual rows (`layout`). A label
(`labels`) takes its value from the same line (`持有份额 12,345.67份`, `持有份额……12,345.67`), else from
the next cell of its row (label left, value right), else from the row below: by column index when a row
of labels sits over a row of as many cells, else by horizontal overlap. A header row that names a code or
name column (`代码 名称 持仓 可用 市值`) takes every data row under it; a combined header (`持仓/可用`)
takes the upper of two stacked values for its first part and the lower for its second. Available shares
win over held shares; an available label whose figure was not found leaves no share at all. A share is a plain figure above zero (`numbers.shape`): never a price, NAV,
percentage, signed profit, money, date, nor the page's fund code. A fund code is six digits standing
alone, in brackets or after `代码`, never a value of another label (account, phone, date, money, order,
...), never near words such as 验证码 or 邮编, and never part of a longer number.

`flag` needs exactly one code and one share figure; `candidates` keeps every value with how it was
paired, for `confidence` to say how sure the answer is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import layout
from .labels import (
    LEADER,
    NO_LABELS,
    NOT_CODE,
    SHARE_KINDS,
    Kind,
    Learned,
    clean,
    kinds,
)
from .numbers import normalise_share, shape, to_halfwidth
from .types import Box, Candidate, Extraction, OcrLine, Pairing

_VALUE_START = re.compile(r"[+\-−]?[¥$]?[0-9]")
_CODE_TOKEN = re.compile(r"(?<![\d.,¥$+\-−*/:#])[0-9]{6}(?![\d.,%*/:]|\s?(?:[份元天年月日万亿]|股(?!票)))")
_TRAILING_FIGURE = re.compile(r"(?<=[^\d.,+\-−¥$])[0-9][0-9.,]*$")
_OPENING = re.compile(r"[(（\[【]\s*$")
# `可用` alone means cash when it stands among account figures (`总资产 可用 可取`).
_BARE_AVAILABLE = "可用"
_SUMMARY_KINDS = ("money", "profit", "rate")
_NAMED_OTHER = ("other_share", "money", "price", "profit", "rate", "date", "id", "other")
_SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


@dataclass(frozen=True, slots=True)
class _Cell:
    line: OcrLine
    box: Box
    text: str
    label: str  # the label part, before any figure, stripped of punctuation
    kinds: tuple[Kind, ...]  # what the label names: one kind, two for a combined header, none
    value: str  # the part from the first figure on
    run_together: bool = False  # a figure cut off the end of a name the OCR ran it into

    @property
    def is_value(self) -> bool:
        return not self.label and bool(self.value)


@dataclass(frozen=True, slots=True)
class _Pair:
    """A label, the cell its value came from (the label's own cell when they share a line), and how."""

    label: _Cell
    source: _Cell
    kind: Kind
    pairing: Pairing

    @property
    def ocr_confidence(self) -> float:
        return min(self.label.line.confidence, self.source.line.confidence)

    def drift(self, slope: float) -> float:
        """How far a page sloping by `slope` (dy/dx) moves the value off the label's row, in line heights."""
        distance = self.source.box.center[0] - self.label.box.center[0]
        return abs(distance * slope) / max(self.label.box.height, 1.0)


def extract(lines: Sequence[OcrLine], *, learned: Learned = NO_LABELS) -> Extraction:
    """Decide fund code and share from one page's lines; any input gives an answer, never an exception.
    `learned`: labels staff corrections taught, read where the patterns of `labels` know nothing."""
    grid = _grid(lines, learned)
    pairs = _pairs(grid)
    slope = math.tan(math.radians(layout.tilt(lines)))
    consumed = {id(p.source) for p in pairs if p.source is not p.label}
    codes = [
        Candidate(m.group(), "fund_code", p.pairing, p.kind, p.ocr_confidence, p.source.box, p.drift(slope))
        for p in pairs
        if p.kind == "code"
        for m in _CODE_TOKEN.finditer(p.source.value)
    ]
    codes += [code for row in grid for cell in row if id(cell) not in consumed for code in _free_codes(cell)]
    code_values = {c.value for c in codes}
    shares = [s for p in pairs if p.kind in SHARE_KINDS if (s := _share(p, code_values, slope))]
    labelled = {k for row in grid for cell in row for k in cell.kinds if k in SHARE_KINDS}
    if _unlearned_kin(grid, pairs, learned):
        labelled.add("available")
    unpaired = tuple(sorted(labelled - {s.label for s in shares}))
    available = _unique([s.value for s in shares if s.label == "available"])
    decided = available or ([] if "available" in unpaired else _unique([s.value for s in shares if s.label == "held"]))
    found = _unique([c.value for c in codes])
    candidates = tuple(codes + shares)
    amounts = tuple(a for p in pairs if p.kind == "money" if (a := _amount(p, slope)))
    evidence = (tuple(found), tuple(decided), candidates, unpaired, amounts, tuple(_unique(_others(grid, pairs))))
    if len(found) == 1 and len(decided) == 1:
        return Extraction(found[0], decided[0], True, *evidence)
    return Extraction("", "", False, *evidence)


def _unlearned_kin(grid: list[list[_Cell]], pairs: list[_Pair], learned: Learned) -> bool:
    """A held figure came from a learned label while another label on the page, unknown, looks like a learned
    share label (two characters in common: `可回單位` beside `持有單位`): likely the available figure in words
    the corrections have not taught (yet). Taken as an available label without its figure."""
    if not any(p.kind == "held" and p.label.label in learned for p in pairs):
        return False
    shares = [label for label, kind in learned.items() if kind in SHARE_KINDS]
    return any(_kin(label, known) for label in _unknown(grid) for known in shares)


def _kin(a: str, b: str) -> bool:
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def unknown_labels(lines: Sequence[OcrLine], *, learned: Learned = NO_LABELS) -> set[str]:
    """The labels on the page that name nothing the rules know (what `ocr_service.teach` may learn)."""
    return _unknown(_grid(lines, learned))


def _grid(lines: Sequence[OcrLine], learned: Learned) -> list[list[_Cell]]:
    """The page's cells in visual rows."""
    return [_summary(row) for row in layout.rows([c for line in lines if line.text.strip() for c in _cells(line, learned)])]


def _unknown(grid: list[list[_Cell]]) -> set[str]:
    return {c.label for row in grid for c in row if c.label and not c.kinds}


def _cells(line: OcrLine, learned: Learned) -> list[_Cell]:
    """The line as one cell; as one cell per figure where OCR read several columns of figures as one line
    (`211,606.85 211,606.85 51.74`); as two where it ran a name into the next column's figure
    (`沪深300ETF1,000`); none when it holds only punctuation (a dot leader read as a line of its own)."""
    text = to_halfwidth(line.text).strip()
    box = layout.box_of(line)
    figures = list(re.finditer(r"\S+", text))
    if len(figures) > 1 and all(shape(f.group()) for f in figures):
        return [_cell(line, _slice(box, text, f.start(), f.end()), f.group(), learned) for f in figures]
    tail = _TRAILING_FIGURE.search(text)
    if tail and normalise_share(tail.group()) is not None:
        head = _cell(line, _slice(box, text, 0, tail.start()), text[: tail.start()], learned)
        if not head.kinds and head.label:
            return [head, _cell(line, _slice(box, text, tail.start(), len(text)), tail.group(), learned, run_together=True)]
    cell = _cell(line, box, text, learned)
    return [cell] if cell.label or cell.value else []


def _slice(box: Box, text: str, start: int, end: int) -> Box:
    """The part of `box` that text[start:end] covers, by character widths."""
    first, last = layout.span(text, start, end)
    return Box(box.left + box.width * first, box.top, box.left + box.width * last, box.bottom)


def _cell(line: OcrLine, box: Box, text: str, learned: Learned, *, run_together: bool = False) -> _Cell:
    text = LEADER.sub(" ", text).strip()
    start = _VALUE_START.search(text)
    head, value = (text[: start.start()], text[start.start() :].strip()) if start else (text, "")
    label = clean(head)
    return _Cell(line, box, text, label, kinds(label, learned), value, run_together)


def _summary(row: list[_Cell]) -> list[_Cell]:
    """The row with a bare `可用` read as money when every other label of the row names account figures."""
    others = [c for c in row if c.kinds and c.label != _BARE_AVAILABLE]
    if not others or not all(k in _SUMMARY_KINDS for c in others for k in c.kinds):
        return row
    return [_Cell(c.line, c.box, c.text, c.label, ("money",), c.value) if c.label == _BARE_AVAILABLE else c for c in row]


def _pairs(grid: list[list[_Cell]]) -> list[_Pair]:
    pairs: list[_Pair] = []
    for r, row in enumerate(grid):
        labels = [c for c in row if c.kinds]
        is_header = len(labels) >= 3 and any(k in ("code", "name") for c in labels for k in c.kinds)
        for j, cell in enumerate(row):
            if not cell.kinds:
                continue
            if len(cell.kinds) == 2:
                if len(labels) == len(row):
                    pairs += _stacked(grid, r, j, is_header)
            elif cell.value:
                pairs.append(_Pair(cell, cell, cell.kinds[0], "same_line"))
            elif j + 1 < len(row) and row[j + 1].is_value and (len(labels) == 1 or _alternating(row)):
                pairs.append(_Pair(cell, row[j + 1], cell.kinds[0], "right_cell"))
            elif cell.kinds[0] == "id" and (groups := _digit_groups_below(grid, r)):
                pairs += [_Pair(cell, c, "id", "below") for c in groups]
            elif len(labels) == len(row):
                # Only a row of labels alone heads columns; a label among menu words (买入 卖出 持仓) does not.
                pairing: Pairing = "header_column" if is_header else "below"
                pairs += [_Pair(cell, c, cell.kinds[0], pairing) for c in _column(grid, r, j, is_header) if c.is_value]
    return pairs + _grouped_ids(grid, pairs)


def _grouped_ids(grid: list[list[_Cell]], pairs: list[_Pair]) -> list[_Pair]:
    """An identifier is every figure of the line its label took a value from: account and card numbers are
    printed in groups (`4240 3032 54`), which the OCR reads as several figures (`4240 303254`)."""
    return [
        _Pair(p.label, cell, p.kind, p.pairing)
        for p in pairs
        if p.kind == "id" and p.source is not p.label
        for row in grid
        for cell in row
        if cell.line is p.source.line and cell is not p.source and cell.is_value
    ]


def _digit_groups_below(grid: list[list[_Cell]], r: int) -> list[_Cell]:
    """The row under row r when it is one line of digit groups (`4240 303254`): a number printed in groups,
    split by `_cells` into figures, that its label above names whole."""
    if r + 1 == len(grid):
        return []
    below = grid[r + 1]
    if layout.top(below) - layout.bottom(grid[r]) > 2.5 * layout.height(grid[r]) or len({id(c.line) for c in below}) > 1:
        return []
    return below if len(below) > 1 and all(c.is_value and c.value.isdigit() for c in below) else []


def _alternating(row: list[_Cell]) -> bool:
    """Label, value, label, value ...: two label -> value pairs side by side."""
    return len(row) % 2 == 0 and all(bool(c.kinds) == (i % 2 == 0) and (c.kinds or c.is_value) for i, c in enumerate(row))


def _stacked(grid: list[list[_Cell]], r: int, j: int, is_header: bool) -> list[_Pair]:
    """Under a combined header (`持仓/可用`) each cell holds two values, one right above the other: upper for
    the first part, lower for the second (a name has no figure: under `名称/代码` any line counts). A line
    with no partner that close is left out: which part it belongs to is unknown."""
    header = grid[r][j]
    column = _column(grid, r, j, is_header, rows_down=None if is_header else 2)
    if "name" not in header.kinds:
        column = [cell for cell in column if cell.is_value]
    pairs: list[_Pair] = []
    i = 0
    while i + 1 < len(column):
        upper, lower = column[i], column[i + 1]
        if lower.box.top - upper.box.bottom <= 0.8 * upper.box.height:
            pairs += [_Pair(header, upper, header.kinds[0], "stacked"), _Pair(header, lower, header.kinds[1], "stacked")]
            i += 2
        else:
            i += 1
    return pairs


def _column(grid: list[list[_Cell]], r: int, j: int, is_header: bool, rows_down: int | None = 1) -> list[_Cell]:
    """The cells under cell j of row r: `rows_down` rows (every data row of a table header: None)."""
    found: list[_Cell] = []
    labels, above = grid[r], grid[r]
    limit = None if is_header else rows_down
    for row in grid[r + 1 :]:
        gap = layout.top(row) - layout.bottom(above)
        if gap > 2.5 * layout.height(above) or any(c.kinds for c in row):
            break
        if not is_header and len(row) > len(labels):
            # More figures than labels: they belong to captions elsewhere (a page title over a summary).
            break
        cell = _under(labels, row, j)
        if cell is not None:
            found.append(cell)
        above = row
        if limit is not None:
            limit -= 1
            if limit == 0:
                break
    return found


def _under(labels: list[_Cell], values: list[_Cell], j: int) -> _Cell | None:
    """The cell of `values` under labels[j]: same index when the counts match, else the best overlap."""
    if len(labels) == len(values):
        return values[j]
    return layout.under(labels[j], values)[0]


def _share(pair: _Pair, codes: set[str], slope: float) -> Candidate | None:
    """The pair's value as a share candidate, if it is shaped like one (a price only on its label's line)."""
    value = normalise_share(pair.source.value)
    kind = shape(pair.source.value)
    if value is None or value in codes or kind not in ("figure", "price") or float(value) == 0:
        return None
    if kind == "price" and pair.pairing != "same_line":
        return None
    return Candidate(
        value, "hold_share", pair.pairing, pair.kind, pair.ocr_confidence, pair.source.box, pair.drift(slope), pair.source.run_together
    )


def _amount(pair: _Pair, slope: float) -> Candidate | None:
    """The pair's value as an amount of money (`¥12,345.67`, `12,345.67元`, a plain figure), if it is one."""
    value = normalise_share(pair.source.value)
    if value is None or shape(pair.source.value) not in ("figure", "money"):
        return None
    return Candidate(value, "amount", pair.pairing, pair.kind, pair.ocr_confidence, pair.source.box, pair.drift(slope))


def _free_codes(cell: _Cell) -> list[Candidate]:
    """Six-digit codes in an unlabelled cell (`005827`, `名称(005827)`, `005827 | 混合型`); none in a signed
    figure, nor near words that make six digits something else (验证码, 邮编, 工单, ...)."""
    if cell.kinds or cell.text[:1] in "+-−¥$" or NOT_CODE.search(to_halfwidth(cell.line.text)):
        return []
    found = []
    for m in _CODE_TOKEN.finditer(cell.text):
        pairing: Pairing = (
            "alone" if cell.text.strip() == m.group() else "bracket" if _OPENING.search(cell.text[: m.start()]) else "free"
        )
        found.append(Candidate(m.group(), "fund_code", pairing, None, cell.line.confidence, cell.box))
    return found


def _others(grid: list[list[_Cell]], pairs: list[_Pair]) -> list[str]:
    """Figures the page itself names as something else than the fund's code or share: values of other labels
    (`市值 12,890.40`, `冻结份额 800`, `邀请码 500515`) and six digits beside words such as 验证码 or 邮编."""
    named = [v for p in pairs if p.kind in _NAMED_OTHER if (v := normalise_share(p.source.value))]
    beside = [m.group() for row in grid for c in row if NOT_CODE.search(to_halfwidth(c.line.text)) for m in _SIX_DIGITS.finditer(c.text)]
    return named + beside


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
