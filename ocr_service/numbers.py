"""Share figures as a person keys them in: digits and one decimal point, nothing else.

Separators: `,` groups thousands and `.` marks decimals, but OCR reads one for the other, so the last
separator decides. It is the decimal point unless three digits follow it and the figure is already
grouped (`1,234,567`, `1.234.567`), or it is a `,` with exactly three digits after it (`12,345`).
A lone `.` with three digits after it (`1.234`) stays a decimal point: a misread thousands separator
would need a whole-number share figure, which apps rarely show, while three decimal places do occur.
So `12.345.67` -> `12345.67`, `12,345,67` -> `12345.67`, `1.234` -> `1.234`, `1,234` -> `1234`.

`shape` says what a value looks like before any label says what it is: a share count is a plain figure,
never a percentage, a signed profit, money (`¥`, `元`), a date or time (`2024.05` is a month; `2084.60`, `2095.07` are no dates: years 1990-2049, months 1-12), a price or NAV (four decimals
under 10: `1.7003`, `2.5435`; share counts are rarely that small and that precise), or a code
(six digits with a leading zero: `005669`).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal

Shape = Literal["figure", "price", "percent", "signed", "money", "date", "code"]

# OCR and full-width typing put these where digits and separators belong.
_LOOK_ALIKES = str.maketrans({"。": ".", "，": ",", "、": ",", "·": ".", "O": "0", "o": "0", "l": "1", "I": "1"})
_UNITS = re.compile(r"^[¥￥$]|(份|股|元)$")
_DATE = re.compile(
    r"(199[0-9]|20[0-4][0-9])([-/.年](0?[1-9]|1[0-2])([-/.月](0?[1-9]|[12][0-9]|3[01])日?)?|(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]))"
    r"|[0-9]{1,2}([-/月][0-9]{1,2}日?)|[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?"
)
# `3.676`: three decimals, or the thousands comma of `3,676` read as a dot; the page alone does not say.
_LONE_DOT_THOUSANDS = re.compile(r"[0-9]{1,3}\.[0-9]{3}")
_FIGURE = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})*(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)?")


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation as their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def normalise_share(text: str) -> str | None:
    """`12,345.67份` -> `12345.67`; None when the text is not one unsigned figure."""
    figure = re.sub(r"\s+", "", to_halfwidth(text))
    figure = _UNITS.sub("", figure).translate(_LOOK_ALIKES)
    if not figure or not _FIGURE.fullmatch(figure):
        return None
    groups = re.split(r"[.,]", figure)
    separators = re.findall(r"[.,]", figure)
    if len(groups) == 1:
        return figure
    head, last = groups[:-1], groups[-1]
    grouped = len(head) > 1 or "," in separators[:-1]
    if len(last) == 3 and (len(head) > 1 and set(separators) == {separators[-1]} or separators[-1] == ","):
        # `1,234,567`, `1.234.567`, `12,345`: every separator groups thousands.
        return "".join(groups) if _thousands(groups) else None
    if grouped and not _thousands(head):
        return None
    return "".join(head) + "." + last


def same_share(a: str, b: str) -> bool:
    """Two share figures of one value (`1234.5` and `1234.50`); False when either is no number."""
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def lone_dot_thousands(value: str) -> bool:
    """Whether a normalised share's only separator is a dot before three digits (`3.676`)."""
    return _LONE_DOT_THOUSANDS.fullmatch(value) is not None


def _thousands(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def shape(text: str) -> Shape | None:
    """`1,234.56` -> figure, `2.5435` -> price, `-5.01%` -> percent, `¥15,817.43` -> money, None: no figure."""
    value = re.sub(r"\s+", "", to_halfwidth(text))
    if "%" in value:
        return "percent"
    if value[:1] in "+-−":
        return "signed"
    if value[:1] in "¥￥$" or value.endswith("元"):
        return "money"
    if _DATE.fullmatch(value):
        return "date"
    figure = normalise_share(value)
    if figure is None:
        return None
    if re.fullmatch(r"0[0-9]{5}", figure):
        return "code"
    whole, _, decimals = figure.partition(".")
    return "price" if len(decimals) == 4 and int(whole) < 10 else "figure"
