"""The wild families: every page carries its truth, drawn where its labels say, and its holdings."""

import random

import numpy as np
import pytest

from bench.screens.render import draw_wild
from bench.screens.wild import (
    FAMILIES,
    NEGATIVE_FAMILIES,
    code_style,
    generate_wild_page,
)
from ner_service.data.pages import page_lines
from testkit.fonts import available_fonts


def _spans(page, kind):
    return [s.text for cell in page_lines(page) for s in cell.spans if s.label == kind]


@pytest.mark.parametrize("family", FAMILIES)
def test_truth_and_holdings_agree_with_the_spans(family):
    rng = random.Random(5)
    for _ in range(30):
        wild = generate_wild_page(rng, family=family)
        page = wild.page
        assert page.layout == family
        codes = set(_spans(page, "FUND_CODE"))
        if family in NEGATIVE_FAMILIES:
            assert (page.flag, page.fund_code, page.hold_share) == (False, "", "")
            if family == "quote":
                assert wild.holdings == () and len(codes) == 1
                assert not _spans(page, "HOLD_SHARE") and not _spans(page, "AVAILABLE_SHARE")
            else:
                assert 2 <= len(wild.holdings) <= 10
                shown = {h.fund_code for h in wild.holdings if h.fund_code}
                assert shown <= codes and len(shown) in (0, len(wild.holdings))
            continue
        assert page.flag and codes == {page.fund_code}
        (holding,) = wild.holdings
        assert holding.fund_code == page.fund_code
        assert (holding.available_share or holding.hold_share) == page.hold_share
        shares = [t.replace(",", "") for t in _spans(page, "AVAILABLE_SHARE") or _spans(page, "HOLD_SHARE")]
        assert page.hold_share in shares
        assert code_style(page) in ("alone", "brackets", "label", "tags")


def test_lists_cut_at_an_edge_leave_the_cut_funds_out():
    rng = random.Random(8)
    cut = 0
    for _ in range(60):
        wild = generate_wild_page(rng, family="list")
        names = _spans(wild.page, "FUND_NAME")
        listed = {h.fund_name for h in wild.holdings}
        cut += any(name not in listed for name in names)
        assert listed <= set(names)
    assert cut >= 10  # scrolled lists show a name that is not a holding


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown family"):
        generate_wild_page(random.Random(0), family="poster")


@pytest.mark.parametrize("family", FAMILIES)
def test_truth_is_drawn_inside_its_box(family):
    rng = random.Random(3)
    wild = generate_wild_page(rng, family=family)
    image, boxes = draw_wild(wild, rng, font=available_fonts()[0], width=540)
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    assert len(boxes) == len(page_lines(wild.page))
    for cell, (left, top, right, bottom) in zip(page_lines(wild.page), boxes):
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height
        if any(s.label in ("FUND_CODE", "HOLD_SHARE", "AVAILABLE_SHARE") for s in cell.spans):
            assert pixels[top:bottom, left:right].std() > 20, cell.text  # ink, not an empty box
    if wild.screen:
        assert image.height - max(b for *_, b in boxes) < 0.1 * image.width  # a screen ends at its last row
