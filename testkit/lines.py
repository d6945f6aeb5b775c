"""Hand-made OCR lines: a 720-pixel-wide page, 30-pixel text, rows 50 pixels apart."""

from __future__ import annotations

from hypothesis import strategies as st

from ner_service.data.pages import Page
from ocr_service.types import OcrLine

# What labels and values are made of, for lines of any text.
LABEL_WORDS = [
    "持有份额", "可用份额", "可用", "持仓", "份额", "代码", "基金代码", "名称", "市值", "冻结份额", "：", "(", ")", "份", "¥", "+", "-", ".", ",",
    " ", "%",
]

CHAR = 30  # pixels per character and per line height


def line(text: str, x: int, row: int, *, align: str = "left") -> OcrLine:
    """`text` on row `row` (50 pixels apart), its left edge, centre or right edge at `x`."""
    width = CHAR * len(text)
    left = {"left": x, "center": x - width // 2, "right": x - width}[align]
    top = 20 + 50 * row
    return OcrLine(text, 0.99, ((left, top), (left + width, top), (left + width, top + CHAR), (left, top + CHAR)))


def page(*rows: str | tuple[str, ...]) -> list[OcrLine]:
    """One row per argument: a string is a line at the left margin; a tuple is columns across the width."""
    lines = []
    for r, row in enumerate(rows):
        cells = (row,) if isinstance(row, str) else row
        for c, text in enumerate(cells):
            if len(cells) == 1:
                lines.append(line(text, 30, r))
            else:
                lines.append(line(text, int(720 * (c + 0.5) / len(cells)), r, align="center"))
    return lines


def perfect_ocr(generated: Page) -> list[OcrLine]:
    """The page's cells as OCR lines, boxes estimated from character counts on a 1000-pixel-wide page."""
    lines = []
    for r, row in enumerate(generated.rows):
        size = round(CHAR * row.size)
        top = 20 + 60 * r
        for cell in row.cells:
            width = round(0.6 * size * len(cell.text))
            anchor = round(1000 * cell.x)
            left = {"left": anchor, "center": anchor - width // 2, "right": anchor - width}[cell.align]
            lines.append(OcrLine(cell.text, 0.99, ((left, top), (left + width, top), (left + width, top + size), (left, top + size))))
    return lines


def any_lines(words: list[str]) -> st.SearchStrategy[list[OcrLine]]:
    """Up to 25 lines anywhere on the page, of up to five pieces each: `words`, digits, any characters."""
    texts = st.lists(st.one_of(st.sampled_from(words), st.text(alphabet="0123456789", min_size=1, max_size=8), st.text(max_size=3)), max_size=5)
    point = st.tuples(st.integers(-50, 2000), st.integers(-50, 3000))
    return st.lists(
        st.builds(lambda text, a, b: OcrLine(text, 0.9, (a, (b[0], a[1]), b, (a[0], b[1]))), texts.map("".join), point, point), max_size=25
    )
