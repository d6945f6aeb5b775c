"""Visual rows and columns of a page's text, from the boxes of its lines.

Everything here reads a line's position through `quad_of`, the one place that decides which corners
layout reasoning uses. Rows group items whose vertical centres are within half a line height; columns
match items by horizontal overlap. Rows are only as good as the page is level: `tilt` measures how far
the long lines slope in those corners.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Protocol, TypeVar

from .types import Box, OcrLine, Point, Quad


class Placed(Protocol):
    @property
    def box(self) -> Box: ...


P = TypeVar("P", bound=Placed)


def quad_of(line: OcrLine) -> Quad:
    """The line's corners, clockwise from top-left, in the frame rows and columns are read in: the page's
    upright frame (turned the right way up, tilt and perspective removed) where the OCR knew one."""
    return line.upright().box


def box_of(line: OcrLine) -> Box:
    """The line's bounding rectangle in that frame."""
    xs, ys = [x for x, _ in quad_of(line)], [y for _, y in quad_of(line)]
    return Box(min(xs), min(ys), max(xs), max(ys))


def tilt(lines: Sequence[OcrLine]) -> float:
    """Degrees the page's long lines (three times as wide as tall) slope, their median; 0 with fewer than 3."""
    angles = []
    for line in lines:
        (x0, y0), (x1, y1), _, (x3, y3) = quad_of(line)
        if math.hypot(x1 - x0, y1 - y0) >= 3 * math.hypot(x3 - x0, y3 - y0):
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return statistics.median(angles) if len(angles) >= 3 else 0.0


def span(text: str, start: int, end: int) -> tuple[float, float]:
    """Where text[start:end] begins and ends along its line, as shares of the line's length, by character
    widths (a CJK character is about twice as wide as a digit)."""
    widths = [0.55 if ch.isascii() else 1.0 for ch in text]
    total = sum(widths) or 1.0
    return sum(widths[:start]) / total, sum(widths[:end]) / total


def slice_quad(quad: Quad, first: float, last: float) -> Quad:
    """The part of a line's corners from `first` to `last` of its length (see `span`)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad

    def at(ax: int, ay: int, bx: int, by: int, share: float) -> Point:
        return round(ax + (bx - ax) * share), round(ay + (by - ay) * share)

    return at(x0, y0, x1, y1, first), at(x0, y0, x1, y1, last), at(x3, y3, x2, y2, last), at(x3, y3, x2, y2, first)


def rows(items: Sequence[P]) -> list[list[P]]:
    """Items grouped into rows by vertical overlap, rows top to bottom, items left to right."""
    grouped: list[list[P]] = []
    for item in sorted(items, key=lambda i: i.box.center[1]):
        row = grouped[-1] if grouped else None
        if row and abs(item.box.center[1] - middle(row)) <= max(2.0, 0.5 * min(item.box.height, height(row))):
            row.append(item)
        else:
            grouped.append([item])
    return [sorted(row, key=lambda i: i.box.left) for row in grouped]


def middle(row: Sequence[Placed]) -> float:
    return sum(i.box.center[1] for i in row) / len(row)


def height(row: Sequence[Placed]) -> float:
    return max(i.box.height for i in row)


def top(row: Sequence[Placed]) -> float:
    return min(i.box.top for i in row)


def bottom(row: Sequence[Placed]) -> float:
    return max(i.box.bottom for i in row)


def overlap(a: Box, b: Box) -> float:
    """Horizontal overlap of two boxes as a share of the wider one: 1 for one column, 0 for none."""
    shared = min(a.right, b.right) - max(a.left, b.left)
    return max(0.0, shared) / max(a.width, b.width, 1.0)


def under(header: Placed, row: Sequence[P]) -> tuple[P | None, float]:
    """The item of `row` that overlaps `header` most, and by how much (see `overlap`)."""
    best, best_score = None, 0.0
    for item in row:
        score = overlap(header.box, item.box)
        if score > best_score:
            best, best_score = item, score
    return best, best_score
