"""Reading order: visual rows top to bottom, lines left to right within a row, in the upright frame."""

from __future__ import annotations

from typing import Protocol, TypeVar

import numpy as np


class Boxed(Protocol):
    upright_box: np.ndarray  # [4, 2] corners in pixels, the page turned upright and levelled


T = TypeVar("T", bound=Boxed)


def reading_order(lines: list[T]) -> list[T]:
    """Group lines into rows by vertical overlap, then read each row left to right."""
    rows: list[list[T]] = []
    for line in sorted(lines, key=lambda item: _span(item)[0] + _span(item)[1]):
        # Compared with the row's last line, so a slightly tilted row still chains together.
        if rows and _same_row(rows[-1][-1], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: float(item.upright_box[:, 0].min()))]


def _same_row(a: Boxed, b: Boxed) -> bool:
    """Two lines share a row when they overlap vertically by at least half the shorter one's height."""
    (a_top, a_bottom), (b_top, b_bottom) = _span(a), _span(b)
    overlap = min(a_bottom, b_bottom) - max(a_top, b_top)
    return overlap >= 0.5 * min(a_bottom - a_top, b_bottom - b_top)


def _span(line: Boxed) -> tuple[float, float]:
    ys = line.upright_box[:, 1]
    return float(ys.min()), float(ys.max())
