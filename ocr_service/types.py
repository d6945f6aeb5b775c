"""Typed values that flow between the OCR stages, the extraction rules and the callers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Point = tuple[int, int]
Field = Literal["fund_code", "hold_share", "amount"]
# How a candidate's value was found: in its label's line, in the cell right of the label, in the row under a
# label, in a table column under a header, as the lower or upper value of a stacked cell under a combined
# header (`持仓/可用`), or as a code without a label: alone on its line, in brackets after a name, or
# inside other text.
Pairing = Literal["same_line", "right_cell", "below", "header_column", "stacked", "alone", "bracket", "free"]
Quad = tuple[Point, Point, Point, Point]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised text line; `box` is four corners clockwise from the text's top-left, in source-image
    pixels (what a review page draws on the image).

    `upright_box` holds the same corners in the page's upright frame: turned the right way up, tilt and
    perspective removed. Rows, columns and label -> value are read there (`upright()`); None means the
    line's maker knew of no other frame (the box is upright).
    """

    text: str
    confidence: float
    box: Quad
    upright_box: Quad | None = None

    def upright(self) -> OcrLine:
        """This line placed by its upright box: what layout rules should group into rows and columns."""
        if self.upright_box is None:
            return self
        return OcrLine(self.text, self.confidence, self.upright_box)

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
class Box:
    """An upright rectangle in page pixels: what layout reasoning (rows, columns) works on."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class OcrResult:
    """All lines of one image in reading order; no lines is a valid (empty) result.

    `rotation`: degrees clockwise the image was turned before it was read (0, 90, 180, 270; EXIF is applied
    before, and not counted). `orientation_unsure`: the models could not tell which way up the page is,
    so the lines may be misread or out of order; answers from it deserve review, not a flag. `tilt`: the
    degrees the text lines sloped (positive: down to the right), removed in each line's `upright_box`.
    """

    lines: tuple[OcrLine, ...]
    width: int
    height: int
    seconds: float = 0.0
    rotation: int = 0
    orientation_unsure: bool = False
    tilt: float = 0.0

    @property
    def text(self) -> str:
        """The page as the NER model reads it: one OCR line per text line."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value the rules found for a field, with what supports it.

    `value` is normalised (six digits; a share figure as keyed in); `label` is the kind of label it was
    paired with (`available`, `held`, `code`, `name`; None for a code without a label); `ocr_confidence`
    is the recognition confidence of the value's line (the lower of label's and value's when they are
    two lines); `box` is where the value sits; `drift` how far the page's slope moves the value off its
    label's row over the distance between them, in line heights (0 within one line); `run_together`: the
    figure was cut off the end of other text the OCR read as one line with it (`信息产业LOF3,676`, a name
    and the next column's figure), where separators are read least surely.
    """

    value: str
    field: Field
    pairing: Pairing
    label: str | None
    ocr_confidence: float
    box: Box
    drift: float = 0.0
    run_together: bool = False


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the rules decided; `fund_code` and `hold_share` are empty unless `flag` is true.

    `fund_codes` and `shares` are the distinct values found (shares of the winning kind: available over
    held); `candidates` every value found with its evidence, for scoring how sure the answer is; `unpaired`
    the share label kinds on the page that no value was paired with (an available label without its
    figure makes the held figure no answer); `amounts` the figures paired with money labels (金额, 市值,
    ...), which never decide the answer but say what a holding is worth; `others` the figures the page
    itself names as something else than the fund's code or share (a market value, a price, a profit, a
    frozen share, an invitation code, six digits after 验证码): what another reader of the page may not
    take for either.
    """

    fund_code: str
    hold_share: str
    flag: bool
    fund_codes: tuple[str, ...] = ()
    shares: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    unpaired: tuple[str, ...] = ()
    amounts: tuple[Candidate, ...] = ()
    others: tuple[str, ...] = ()
