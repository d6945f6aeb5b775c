from ocr_service import layout
from ocr_service.types import OcrLine


def _line(text: str, left: int, top: int, width: int = 120, height: int = 30) -> OcrLine:
    return OcrLine(text, 0.9, ((left, top), (left + width, top), (left + width, top + height), (left, top + height)))


class _Item:
    def __init__(self, line: OcrLine) -> None:
        self.text = line.text
        self.box = layout.box_of(line)


def test_rows_group_by_vertical_centre_and_sort_left_to_right():
    items = [_Item(_line(t, x, y)) for t, x, y in [("c", 500, 104), ("a", 20, 100), ("b", 260, 96), ("d", 20, 160)]]
    assert [[i.text for i in row] for row in layout.rows(items)] == [["a", "b", "c"], ["d"]]


def test_under_picks_the_most_overlapping_item():
    header = _Item(_line("持仓", 300, 0))
    row = [_Item(_line("510300", 20, 50)), _Item(_line("20,000", 320, 50)), _Item(_line("80,000", 560, 50))]
    best, score = layout.under(header, row)
    assert best.text == "20,000" and 0.8 < score <= 1.0
    assert layout.under(_Item(_line("x", 2000, 0)), row) == (None, 0.0)


def _sloped(text: str, left: int, top: int, degrees: float, width: int = 300, height: int = 30) -> OcrLine:
    import math

    dy = round(width * math.tan(math.radians(degrees)))
    return OcrLine(text, 0.9, ((left, top), (left + width, top + dy), (left + width, top + dy + height), (left, top + height)))


def test_tilt_is_the_median_slope_of_the_long_lines():
    lines = [_sloped(f"line {i}", 20, 60 * i, 4.0) for i in range(4)] + [_sloped("x", 500, 0, -30.0, width=40)]
    assert abs(layout.tilt(lines) - 4.0) < 0.2
    assert layout.tilt(lines[:2]) == 0.0  # too few to tell
