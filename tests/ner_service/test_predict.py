"""The shipped model, loaded once for the module."""

import random
import re
from itertools import pairwise
from pathlib import Path

import pytest

from ner_service.data.pages import generate_page, page_text
from ner_service.predict import NerPredictor, windows

MODEL = Path(__file__).resolve().parents[2] / "ner_service" / "model"


@pytest.fixture(scope="module")
def predictor() -> NerPredictor:
    return NerPredictor.load(MODEL, threads=1)


def test_windows_tile_the_text_and_overlap():
    assert windows(10, 20, 5) == [(0, 10, 0, 10)]
    for length in (21, 40, 57, 100, 511):
        parts = windows(length, 20, 5)
        assert parts[0][2] == 0 and parts[-1][3] == length
        for (s, e, a, b), (s2, e2, a2, b2) in pairwise(parts):
            assert b == a2 and s2 < e  # owned parts meet, windows overlap
        for s, e, a, b in parts:
            assert e - s == 20 and s <= a < b <= e


def test_finds_fund_code_and_available_share_in_a_generated_page(predictor):
    rng = random.Random(11)
    pages = [generate_page(rng, layout=layout) for layout in ("inline", "stacked", "bank", "payment")]
    texts, truths = [], []
    for page in pages:
        text, labels = page_text(page)
        texts.append(text)
        truths.append(labels)
    for page, text, entities in zip(pages, texts, predictor.predict(texts)):
        found = {(e.type, e.text) for e in entities}
        assert ("FUND_CODE", page.fund_code) in found, text
        shares = {e.text.replace(",", "") for e in entities if e.type in ("AVAILABLE_SHARE", "HOLD_SHARE")}
        assert page.hold_share in shares, text
        for e in entities:
            assert text[e.start : e.end] == e.text


def test_long_texts_are_read_whole_in_windows(predictor):
    page = generate_page(random.Random(5), layout="inline")
    text = "\n".join([page_text(page)[0]] * 8)
    assert len(text) > predictor.window
    entities = predictor.predict([text])[0]
    # every copy of the code is tagged once, in order: windows neither drop nor repeat what they overlap
    expected = [match.start() for match in re.finditer(page.fund_code, text)]
    found = [e.start for e in entities if e.type == "FUND_CODE" and e.text == page.fund_code]
    assert found == expected and expected[-1] > 2 * predictor.window


def test_batch_in_batch_out_and_empty_text(predictor):
    assert predictor.predict([]) == []
    page = generate_page(random.Random(3), layout="stacked")
    result = predictor.predict(["", page_text(page)[0], "   "])
    assert len(result) == 3 and result[0] == [] and result[2] == []
    assert ("FUND_CODE", page.fund_code) in {(e.type, e.text) for e in result[1]}
    assert len(predictor.version) == 12


def test_the_int8_model_tags_generated_pages_as_the_float_model_does(predictor):
    quantised = NerPredictor.load(MODEL, threads=1, int8=True)
    assert quantised.version == f"{predictor.version}-int8"
    rng = random.Random(11)
    texts = [page_text(generate_page(rng))[0] for _ in range(20)]
    spans = [{(e.type, e.start, e.end) for e in found} for found in predictor.predict(texts)]
    quantised_spans = [{(e.type, e.start, e.end) for e in found} for found in quantised.predict(texts)]
    same = sum(len(a & b) for a, b in zip(spans, quantised_spans))
    assert same >= 0.97 * sum(len(a) for a in spans)
