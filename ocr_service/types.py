"""Typed values that flow between the OCR stages, the extraction rules and the callers."""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised text line; `box` is four corners clockwise from top-left, in source-image pixels."""

    text: str
    confidence: float
    box: tuple[Point, Point, Point, Point]

    @property
    def left(self) -> int:
        return min(x for x, _ in self.box)

    @property
    def right(self) -> int:
        return max(x for x, _ in self.box)

    @property
    def top(self) -> int:
        return min(y for _, y in self.box)

    @property
    def bottom(self) -> int:
        return max(y for _, y in self.box)

    @property
    def center(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class OcrResult:
    """All lines of one image in reading order; no lines is a valid (empty) result."""

    lines: tuple[OcrLine, ...]
    width: int
    height: int
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The page as the NER model reads it: one OCR line per text line."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the rules decided; `fund_code` and `hold_share` are empty unless `flag` is true."""

    fund_code: str
    hold_share: str
    flag: bool
    fund_codes: tuple[str, ...] = ()
    shares: tuple[str, ...] = ()
