"""api.validation: the number and code rules, checked with generated inputs (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.errors import BadRequest
from api.validation import correction_request, is_share


@given(st.decimals(min_value=0, max_value=Decimal(999999999999999), places=2, allow_nan=False))
def test_every_non_negative_decimal_in_plain_notation_is_a_share(value: Decimal) -> None:
    assert is_share(f"{value:f}")


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_whole_number_is_a_share(value: int) -> None:
    assert is_share(str(value))


@given(st.decimals(max_value=Decimal("-0.01"), places=2, allow_nan=False))
def test_negative_numbers_are_not_shares(value: Decimal) -> None:
    assert not is_share(f"{value:f}")


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), min_size=1))
def test_text_without_ascii_digits_is_not_a_share(text: str) -> None:
    assert not is_share(text)


@pytest.mark.parametrize("text", ["", ".5", "5.", "1e3", "1,000", "+1", " 1", "1 ", "١٢٣", "1.2.3", "nan", "inf"])
def test_odd_spellings_are_not_shares(text: str) -> None:
    assert not is_share(text)


@given(code=st.from_regex(r"\A[0-9]{6}\Z"), share=st.from_regex(r"\A[0-9]{1,15}(\.[0-9]{1,6})?\Z"))
def test_a_well_formed_correction_is_accepted_as_sent(code: str, share: str) -> None:
    body = f'{{"image_url": "http://x/y.png", "update_fund_code": "{code}", "update_hold_share": "{share}"}}'
    request = correction_request(body.encode())
    assert (request.fund_code, request.hold_share, request.author) == (code, share, None)


@given(code=st.text(max_size=10).filter(lambda text: not (len(text) == 6 and text.isascii() and text.isdigit())))
def test_any_other_fund_code_is_a_400(code: str) -> None:
    body = {"image_url": "http://x/y.png", "update_fund_code": code, "update_hold_share": "1"}
    with pytest.raises(BadRequest):
        correction_request(json.dumps(body).encode())
