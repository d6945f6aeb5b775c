import random

import pytest

from ner_service.data.pages import (
    LAYOUTS,
    NEGATIVE_LAYOUTS,
    generate_page,
    page_lines,
    page_text,
)
from ner_service.schema import bio_labels


def _entities(text: str, labels: list[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for char, label in zip(text, labels):
        if label.startswith("B-"):
            found.append((label[2:], char))
        elif label.startswith("I-"):
            assert found and found[-1][0] == label[2:], "I- tag without its B-"
            found[-1] = (found[-1][0], found[-1][1] + char)
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
def test_labels_align_with_text(layout):
    rng = random.Random(7)
    for _ in range(40):
        page = generate_page(rng, layout=layout)
        text, labels = page_text(page)
        assert len(text) == len(labels)
        assert set(labels) <= set(bio_labels())
        assert text.split("\n") == [cell.text for cell in page_lines(page)]
        assert all(label == "O" for char, label in zip(text, labels) if char == "\n")
        spans = [(s.label, s.text) for cell in page_lines(page) for s in cell.spans if s.label]
        assert _entities(text, labels) == spans


@pytest.mark.parametrize("layout", LAYOUTS)
def test_truth_is_on_the_page(layout):
    rng = random.Random(11)
    for _ in range(40):
        page = generate_page(rng, layout=layout)
        text, labels = page_text(page)
        entities = _entities(text, labels)
        if layout in NEGATIVE_LAYOUTS:
            assert (page.flag, page.fund_code, page.hold_share) == (False, "", "")
            continue
        assert page.flag and len(page.fund_code) == 6 and page.fund_code.isdigit()
        assert {t for kind, t in entities if kind == "FUND_CODE"} == {page.fund_code}
        available = [t for kind, t in entities if kind == "AVAILABLE_SHARE"]
        held = [t for kind, t in entities if kind == "HOLD_SHARE"]
        assert len(available) <= 1 and len(held) <= 1 and (available or held)
        assert (available or held)[0].replace(",", "") == page.hold_share


def test_negatives_show_several_funds_or_no_share():
    rng = random.Random(3)
    for _ in range(60):
        for layout in NEGATIVE_LAYOUTS:
            text, labels = page_text(generate_page(rng, layout=layout))
            entities = _entities(text, labels)
            kinds = [kind for kind, _ in entities]
            shares = sum(kind in ("HOLD_SHARE", "AVAILABLE_SHARE") for kind in kinds)
            if layout == "no_share":
                assert shares == 0 and len({t for kind, t in entities if kind == "FUND_CODE"}) == 1
            else:
                assert kinds.count("FUND_NAME") >= 2


def test_same_seed_same_pages():
    first = [generate_page(random.Random(5)) for _ in range(3)]
    again = [generate_page(random.Random(5)) for _ in range(3)]
    assert first == again
    assert generate_page(random.Random(5)) != generate_page(random.Random(6))


def test_every_layout_is_produced_and_unknown_layout_is_refused():
    rng = random.Random(0)
    assert {generate_page(rng).layout for _ in range(200)} == set(LAYOUTS)
    with pytest.raises(ValueError):
        generate_page(rng, layout="nope")
