import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr_service.numbers import normalise_share, shape, to_halfwidth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,345.67份", "12345.67"),
        ("8,000.00", "8000.00"),
        ("1,234.5678", "1234.5678"),
        ("1,234.567", "1234.567"),
        ("12.345.67", "12345.67"),  # `,` read as `.`
        ("1.234.567.89", "1234567.89"),
        ("12,345,67", "12345.67"),  # `.` read as `,`
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1,234", "1234"),
        ("1.234", "1.234"),  # a lone `.` stays a decimal point
        ("0.00", "0.00"),
        ("60", "60"),
        ("¥1,234.50", "1234.50"),
        ("1,234.50元", "1234.50"),
        ("300股", "300"),
        (" 12 345.67 份", "12345.67"),
        ("１２，３４５．６７份", "12345.67"),
        ("12，345。67", "12345.67"),
        ("1O,000.00", "10000.00"),
    ],
)
def test_normalise_share(text, expected):
    assert normalise_share(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "份", "abc", "+12.30", "-5.00", "12.30%", "1,2345.67", "1234,567", "2024-01-12", "14:30", "1..2", ".5", "12.", "1.2.3"],
)
def test_not_a_share(text):
    assert normalise_share(text) is None


def test_to_halfwidth():
    assert to_halfwidth("基金代码：００５８２７（Ａ）") == "基金代码:005827(A)"


def _grouped(whole: int) -> str:
    return f"{whole:,}"


@given(st.integers(0, 10**9), st.sampled_from([0, 2, 4]), st.booleans(), st.booleans(), st.booleans())
def test_shown_figures_come_back_as_keyed(whole, decimals, commas, unit, misread):
    frac = f"{whole % 10**decimals:0{decimals}d}" if decimals else ""
    keyed = str(whole) + (f".{frac}" if decimals else "")
    shown = (_grouped(whole) if commas else str(whole)) + (f".{frac}" if decimals else "") + ("份" if unit else "")
    if misread and decimals:
        # OCR swaps `,` and `.`: with 2 or 4 decimal places the last separator still reads as the point.
        shown = shown.translate(str.maketrans(",.", ".,"))
    assert normalise_share(shown) == keyed


@given(st.text(max_size=30))
def test_any_text_gives_a_figure_or_none(text):
    result = normalise_share(text)
    assert result is None or re.fullmatch(r"[0-9]+(\.[0-9]+)?", result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "figure"), ("10234.5600份", "figure"), ("154321", "figure"), ("72.2150", "figure"),
        ("1.7003", "price"), ("2.5435", "price"),
        ("-5.01%", "percent"), ("+1,234.56", "signed"), ("¥15,817.43", "money"), ("15,817.43元", "money"),
        ("20240112", "date"), ("2024-01-12", "date"), ("01-12", "date"), ("14:30:21", "date"),
        ("005669", "code"), ("混合型", None), ("1.2345(01-12)", None),
        # a year (1990-2049) and a month only when they are one: `2084.60`, `1922.72` and `2095.07` are share counts
        ("2024.05", "date"), ("2024.5.31", "date"), ("2084.60", "figure"), ("1922.72", "figure"), ("2024.13", "figure"),
        ("2095.07", "figure"), ("1989.12", "figure"), ("1990.12", "date"),
    ],
)
def test_shape(text, expected):
    assert shape(text) == expected
