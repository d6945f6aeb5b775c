"""Hand-made OCR lines: a 720-pixel-wide page, 30-pixel text, rows 50 pixels apart."""

from __future__ import annotations

from ner_service.data.pages import Page
from ocr_service.types import OcrLine

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
