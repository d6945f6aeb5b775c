"""Every holding on a page: the funds of a holdings list, each with its code, name, shares and amount.

A list repeats one block per fund: a card (name, code, a row of labels over a row of figures), a compact
pair of lines (name and amount, then code and shares), or a position in a table whose header names the
columns (`名称/代码 持仓/可用 市值/盈亏`, two values stacked per cell; or `代码 名称 持仓 可用 市值`, one
row per fund). A block starts at a fund's name and runs to the next name; inside it the extraction rules
(`extract`) pair labels with values as they would on a page of one fund, and under a table header each
cell takes the kind of the column it stands in (upper value: the first part of a combined header, lower:
the second).

A block is a holding when it shows shares, or an amount with a profit (a list that shows no shares); a
fund's name and code over its NAV and returns (a quote page) is none.

A scrolled list cuts a fund at the top or bottom edge: the top one shows no name (its rows before the
first name belong to no block), the bottom one fewer fields than the others (a name without its figures,
a position without its code). A last block whose fields are a strict subset of what the page's other
blocks mostly show is such a cut fund, not a holding.

Lines are split where the OCR read two columns as one (`005827  份额 1,234.56`, `005827 | 混合型`, a name
run into its amount) before they are grouped into rows; every value keeps the corners of the text it came from, in image pixels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import layout
from .extract import extract
from .labels import Kind, clean, kinds
from .numbers import normalise_share, shape, to_halfwidth
from .support import CLARITY, ocr_trust, support
from .types import Box, Candidate, Extraction, OcrLine, Quad

FIELDS = ("fund_code", "fund_name", "hold_share", "available_share", "amount")
# How fund names end: the kind of fund, a share class, a listing (`沪深300ETF`, `蓝筹精选混合(QDII)A`).
_NAME_END = re.compile(r"(混合|股票|指数|ETF|联接|债券|纯债|短债|QDII|LOF|FOF|REITs?|配置|基金|货币|理财)[)\]]*[A-Z]?$")
_NAME_TEXT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()]{4,40}")
_BRACKETED_CODE = re.compile(r"[(\[]\s*[0-9]{6}\s*[)\]]")
_TRAILING_BRACKET = re.compile(r"\([^)]*\)[A-Z]?$")
_NOT_NAME = re.compile(r"^(我的|全部|仅显示|已显示|没有)")
# Where the OCR ran two columns into one line: a wide gap, a bar, or a code followed by words (not a
# unit: `123456份` is a figure).
_COLUMN_GAP = re.compile(r"\s{2,}|\s*[|｜]\s*|(?<=[0-9]{6})(?<![0-9.,][0-9]{6})\s*(?=[\u4e00-\u9fff])(?!\s*(?:份(?!额)|[元股天年月日万亿]))")
_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
# A name the OCR ran into the amount right of it: `红利低波灵活配置混合C1967597.97`.
_NAME_AND_FIGURE = re.compile(r"(.*[^0-9,.\s])\s*([0-9][0-9,]*\.[0-9]{2})")
# A profit whose minus the OCR read as another dash (`=0.02`, `一3.10`, `~1.00`).
_MISREAD_SIGN = re.compile(r"[=~一_]\s?[0-9][0-9,]*\.[0-9]{2}")
# `持有 1,234.56` on a compact list line means the held shares (`持有收益 12.00` stays a profit).
_HELD_ON_LIST = re.compile(r"持有\s*[:：]?\s*([0-9].*)")


@dataclass(frozen=True, slots=True)
class Holding:
    """One fund on the page: fields it does not show are None; `boxes` maps each shown field to the
    corners of its text in image pixels (clockwise from top-left); `confidence` in [0, 1] is the lower of
    its code's and its share's (see `ocr_service.support`)."""

    fund_code: str | None
    fund_name: str | None
    hold_share: str | None
    available_share: str | None
    amount: str | None
    confidence: float
    boxes: dict[str, Quad] = field(default_factory=dict)

    @property
    def share(self) -> str | None:
        """The figure a clerk keys in: available shares when shown, else held shares (as the contract)."""
        return self.available_share if self.available_share is not None else self.hold_share

    def as_json(self) -> dict[str, Any]:
        """The holding as answers and the database carry it: its fields (null where the page shows none),
        its confidence, and the corners of each field it shows."""
        shown = {name: getattr(self, name) for name in FIELDS}
        return {**shown, "confidence": self.confidence, "boxes": {name: [list(p) for p in quad] for name, quad in self.boxes.items()}}


@dataclass(frozen=True, slots=True)
class _Piece:
    """A line, or the part of one that a column gap set apart, placed by its upright box."""

    line: OcrLine
    box: Box


@dataclass(frozen=True, slots=True)
class _Block:
    """What one fund's block shows: its values with their evidence, and which kinds of field it has."""

    name: _Piece | None
    extraction: Extraction
    shows: frozenset[str]
    pieces: tuple[_Piece, ...]


def holdings(lines: Sequence[OcrLine]) -> tuple[Holding, ...]:
    """The whole funds of the page, top to bottom; any input gives an answer (possibly none), never an exception."""
    grid = layout.rows([p for line in lines if line.text.strip() for p in _pieces(line)])
    header = next((r for r, row in enumerate(grid) if _is_header(row)), None)
    start = 0 if header is None else header + 1
    anchors = _anchors(grid, start, header)
    spans = list(zip(anchors, [*anchors[1:], len(grid)]))
    if len(spans) > 1:
        # the last block ends about where the blocks before it would (a card's name and code may take one
        # row or two): the page's footer is no part of it
        tallest = max(layout.bottom(grid[end - 1]) - layout.top(grid[first]) for first, end in spans[:-1])
        first = spans[-1][0]
        end = next((r for r in range(first + 1, len(grid)) if layout.bottom(grid[r]) - layout.top(grid[first]) > 2 * tallest), len(grid))
        spans[-1] = (first, end)
    blocks = [_block(grid[first:end], grid[header] if header is not None else None) for first, end in spans]
    if len(blocks) > 1 and _cut(blocks[-1], blocks[:-1]):
        blocks.pop()
    return tuple(h for b in blocks if (h := _holding(b)) is not None)


def _pieces(line: OcrLine) -> list[_Piece]:
    text = to_halfwidth(line.text)
    parts, at = [], 0
    for gap in _COLUMN_GAP.finditer(text):
        parts.append((at, gap.start()))
        at = gap.end()
    parts.append((at, len(text)))
    parts = [(a, b) for a, b in parts if text[a:b].strip()]
    if len(parts) == 1 and (run := _NAME_AND_FIGURE.fullmatch(text)) and _looks_like_name(run.group(1)):
        parts = [run.span(1), run.span(2)]
    if len(parts) <= 1:
        return [_Piece(line, layout.box_of(line))]
    pieces = []
    for a, b in parts:
        first, last = layout.span(text, a, b)
        upright = None if line.upright_box is None else layout.slice_quad(line.upright_box, first, last)
        piece = OcrLine(text[a:b].strip(), line.confidence, layout.slice_quad(line.box, first, last), upright)
        pieces.append(_Piece(piece, layout.box_of(piece)))
    return pieces


def _label_kinds(piece: _Piece) -> tuple[Kind, ...]:
    """The kinds a piece names when it is a label alone (no figure in it)."""
    text = piece.line.text
    return () if re.search(r"[0-9]", text) else kinds(clean(text))


def _is_header(row: list[_Piece]) -> bool:
    """A table header: a row of three or more labels, one of them naming the name or code column."""
    found = [_label_kinds(p) for p in row]
    return len(row) >= 3 and all(found) and any(k in ("code", "name") for ks in found for k in ks)


def _is_name(piece: _Piece) -> bool:
    return not _label_kinds(piece) and _looks_like_name(piece.line.text)


def _looks_like_name(text: str) -> bool:
    """Words shaped like a fund's name: its kind at the end, before or inside a closing bracket (a listing
    the OCR misread, `指数(L0F)`, still ends in its kind)."""
    text = _BRACKETED_CODE.sub("", to_halfwidth(text)).strip()
    ending = _NAME_END.search(text) or _NAME_END.search(_TRAILING_BRACKET.sub("", text))
    return bool(_NAME_TEXT.fullmatch(text) and ending and not _NOT_NAME.search(text))


def _name_text(piece: _Piece) -> str:
    return _BRACKETED_CODE.sub("", to_halfwidth(piece.line.text)).strip()


def _anchors(grid: list[list[_Piece]], start: int, header: int | None) -> list[int]:
    """The rows where a fund's block starts: under a table header, each row whose name column holds words
    (a code or a figure there is the lower half of a position); elsewhere each row with a fund name in the
    column the names share (a title centred above them is no fund)."""
    if header is not None:
        column = next(p for p in grid[header] if "name" in _label_kinds(p))
        return [
            r
            for r in range(start, len(grid))
            if (cell := _under(column, grid[r])) and not _CODE.search(cell.line.text) and shape(cell.line.text) is None
            and any(re.search(r"[0-9]", p.line.text) for p in grid[r])
        ]
    names = [(r, p) for r in range(start, len(grid)) for p in grid[r] if _is_name(p)]
    if not names:
        return []
    # A name in a column of names (left edges within a line and a half of another's: the edge may drift
    # down a photographed page); a page with no such column has one fund, its leftmost name.
    tolerance = 1.5 * max(p.box.height for _, p in names)
    column = {r for r, p in names if any(q is not p and abs(p.box.left - q.box.left) <= tolerance for _, q in names)}
    return sorted(column or {min(names, key=lambda n: n[1].box.left)[0]})


def _under(header: _Piece, row: list[_Piece]) -> _Piece | None:
    return layout.under(header, row)[0]


def _block(rows: list[list[_Piece]], header: list[_Piece] | None) -> _Block:
    pieces = [p for row in rows for p in row]
    name = next((p for p in rows[0] if _is_name(p)), None)
    if header is None:
        found = extract([_relabelled(p.line) for p in pieces])
        amounts = found.amounts or _unlabelled_amounts(rows[0], name)
    else:
        found, amounts, name = _table(rows, header, name)
    shows = {c.label for c in found.candidates if c.field == "hold_share" and c.label}
    if found.fund_codes:
        shows.add("fund_code")
    if name is not None:
        shows.add("fund_name")
    shapes = {shape(p.line.text) for p in pieces if p.line.text not in found.fund_codes}
    if "signed" in shapes or any(_MISREAD_SIGN.fullmatch(to_halfwidth(p.line.text).strip()) for p in pieces):
        shows.add("profit")
    if shapes - {None, "signed", "code"}:
        shows.add("figures")
    extraction = Extraction("", "", False, found.fund_codes, found.shares, found.candidates, found.unpaired, tuple(amounts))
    return _Block(name, extraction, frozenset(shows), tuple(pieces))


def _relabelled(line: OcrLine) -> OcrLine:
    """The line with a compact list's own label spelled as the rules know it (`持有 12.00` -> held)."""
    if match := _HELD_ON_LIST.fullmatch(to_halfwidth(line.text)):
        return OcrLine(f"持有份额 {match.group(1)}", line.confidence, line.box, line.upright_box)
    return line


def _unlabelled_amounts(row: list[_Piece], name: _Piece | None) -> tuple[Candidate, ...]:
    """A compact list shows the amount without a label, right of the name."""
    if name is None:
        return ()
    return tuple(
        Candidate(value, "amount", "right_cell", None, p.line.confidence, p.box)
        for p in row
        if p.box.left > name.box.right and shape(p.line.text) in ("figure", "money") and (value := normalise_share(p.line.text))
    )


def _table(rows: list[list[_Piece]], header: list[_Piece], name: _Piece | None) -> tuple[Extraction, tuple[Candidate, ...], _Piece | None]:
    """A position under a table header: each cell takes the kind of its column, the upper of two stacked
    cells the header's first part and the lower its second."""
    codes: list[Candidate] = []
    shares: list[Candidate] = []
    amounts: list[Candidate] = []
    seen: Counter[int] = Counter()
    for row in rows:
        for piece in row:
            column, overlap = layout.under(piece, header)
            if column is None or overlap == 0:
                continue
            parts = _label_kinds(column)
            part = seen[id(column)]
            seen[id(column)] += 1
            if part >= len(parts):
                continue
            kind = parts[part]
            pairing = "stacked" if len(parts) == 2 else "header_column"
            confidence = min(piece.line.confidence, column.line.confidence)
            text = piece.line.text
            if kind == "name":
                name = piece
            elif kind == "code" and (code := _CODE.search(text)):
                codes.append(Candidate(code.group(), "fund_code", pairing, kind, confidence, piece.box))
            elif kind in ("held", "available") and shape(text) == "figure" and (value := normalise_share(text)) and float(value) > 0:
                shares.append(Candidate(value, "hold_share", pairing, kind, confidence, piece.box))
            elif kind == "money" and shape(text) in ("figure", "money") and (value := normalise_share(text)):
                amounts.append(Candidate(value, "amount", pairing, kind, confidence, piece.box))
    found = Extraction("", "", False, tuple(dict.fromkeys(c.value for c in codes)), (), tuple(codes + shares))
    return found, tuple(amounts), name


def _cut(block: _Block, others: list[_Block]) -> bool:
    """Whether an edge block shows less than the page's other blocks mostly do: a fund cut at the edge."""
    if not others:
        return False
    usual = Counter(b.shows for b in others).most_common(1)[0][0]
    return block.shows < usual


def _holding(block: _Block) -> Holding | None:
    found = block.extraction
    code = support(found, "fund_code")
    held, available = (support(found, "hold_share", label=kind) for kind in ("held", "available"))
    amount = max(found.amounts, key=lambda c: CLARITY[c.pairing] * ocr_trust(c.ocr_confidence), default=None)
    if held.value is None and available.value is None and (amount is None or "profit" not in block.shows):
        return None  # no shares, nor what a holding is worth and earned: a fund's quote or facts, not a holding
    sure = [s.confidence for s in (code, held, available) if s.value is not None]
    if not sure and block.name is not None:
        sure = [ocr_trust(block.name.line.confidence) * CLARITY["alone"]]
    values = {"fund_code": code.value, "hold_share": held.value, "available_share": available.value}
    boxes = _evidence(found, values, block.pieces)
    if amount is not None:
        boxes["amount"] = _corners(amount.box, block.pieces)
    fund_name = None
    if block.name is not None:
        fund_name = _name_text(block.name)
        boxes["fund_name"] = block.name.line.box
    return Holding(
        code.value, fund_name, held.value, available.value, amount.value if amount else None, round(min(sure, default=0.0), 4), boxes
    )


def _evidence(found: Extraction, values: dict[str, str | None], pieces: Sequence[_Piece]) -> dict[str, Quad]:
    """For each field's value (code, held or available share), the image corners of its clearest candidate."""
    boxes: dict[str, Quad] = {}
    for name, value in values.items():
        kind = {"hold_share": "held", "available_share": "available"}.get(name)
        field_name = "fund_code" if kind is None else "hold_share"
        evidence = [c for c in found.candidates if (c.value, c.field) == (value, field_name) and kind in (None, c.label)]
        if value is not None and evidence:
            boxes[name] = _corners(max(evidence, key=lambda c: CLARITY[c.pairing]).box, pieces)
    return boxes


def _corners(box: Box, pieces: Sequence[_Piece]) -> Quad:
    """`box` (upright frame) in image pixels: the part of the image corners of the piece it lies in that it
    covers along the line."""
    x, y = box.center
    within = [p for p in pieces if p.box.left <= x <= p.box.right and p.box.top <= y <= p.box.bottom]
    if not within:
        left, top, right, bottom = (round(v) for v in (box.left, box.top, box.right, box.bottom))
        return (left, top), (right, top), (right, bottom), (left, bottom)
    piece = min(within, key=lambda p: p.box.width)
    width = max(piece.box.width, 1.0)
    first = min(max((box.left - piece.box.left) / width, 0.0), 1.0)
    last = min(max((box.right - piece.box.left) / width, first), 1.0)
    return layout.slice_quad(piece.line.box, first, last)


def single(
    found: Sequence[Holding], rules: Extraction, lines: Sequence[OcrLine], *, fund_code: str, share: str, confidence: float
) -> Holding:
    """The one holding of a page answered as one fund (`fund_code`, `share`): the page's own block when it
    agrees (with its name, amount and boxes), else the answer with the boxes of the rules' evidence for it;
    its share is available or held as the rules' label for it says."""
    agreeing = [h for h in found if h.fund_code == fund_code and h.share == share]
    if len(agreeing) == 1:
        return replace(agreeing[0], confidence=confidence)
    labels = {c.label for c in rules.candidates if c.field == "hold_share" and c.value == share}
    kind = "available_share" if "available" in labels else "hold_share"
    boxes = _evidence(rules, {"fund_code": fund_code, kind: share}, [_Piece(line, layout.box_of(line)) for line in lines])
    same = [h for h in found if h.fund_code == fund_code]
    named = same[0] if len(same) == 1 else None
    if named is not None:
        boxes.update({k: v for k, v in named.boxes.items() if k in ("fund_name", "amount")})
    return Holding(
        fund_code,
        named.fund_name if named else None,
        share if kind == "hold_share" else None,
        share if kind == "available_share" else None,
        named.amount if named else None,
        confidence,
        boxes,
    )
