"""Reading order: rows by vertical overlap, left to right within a row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.order import reading_order


@dataclass
class Line:
    text: str
    upright_box: np.ndarray


def line(text, left, top, right, bottom, tilt=0.0):
    corners = [[left, top], [right, top + tilt], [right, bottom + tilt], [left, bottom]]
    return Line(text, np.array(corners, float))


def test_label_and_bigger_value_share_a_row_and_columns_read_left_to_right():
    lines = [
        line("12,345.67", 400, 95, 600, 150),  # larger type, top a little higher than its label
        line("持有份额", 40, 110, 200, 140),
        line("冻结份额", 400, 200, 560, 230),
        line("可用份额", 40, 200, 200, 230),
        line("基金名称", 40, 20, 300, 60),
    ]
    assert [item.text for item in reading_order(lines)] == ["基金名称", "持有份额", "12,345.67", "可用份额", "冻结份额"]


def test_close_rows_stay_apart():
    lines = [line("b", 10, 36, 100, 66), line("a2", 300, 0, 400, 30), line("a1", 10, 0, 100, 30)]
    assert [item.text for item in reading_order(lines)] == ["a1", "a2", "b"]


def test_a_slightly_tilted_row_chains_together():
    lines = [line(f"w{i}", 10 + 200 * i, 100 + 8 * i, 190 + 200 * i, 130 + 8 * i) for i in range(5)]
    lines.append(line("next", 10, 200, 100, 230))
    assert [item.text for item in reading_order(lines[::-1])] == ["w0", "w1", "w2", "w3", "w4", "next"]


def test_no_lines():
    assert reading_order([]) == []
