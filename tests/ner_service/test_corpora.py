"""The readers on the published files under ../shared/data/ner (sentence counts from its README)."""

from pathlib import Path

import pytest

from ner_service import bio
from ner_service.data import corpora

ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "ner"
pytestmark = pytest.mark.skipif(not ROOT.exists(), reason="public NER corpora not present")

COUNTS = [
    ("resume", "train", 3821),
    ("resume", "dev", 463),
    ("resume", "test", 477),
    ("weibo", "train", 1350),
    ("weibo", "dev", 270),
    ("weibo", "test", 270),
    ("cluener", "train", 10748),
    ("cluener", "dev", 1343),
    ("peoples_daily", "train", 2318),
    ("peoples_daily", "test", 4636),
]


@pytest.mark.parametrize(("name", "split", "count"), COUNTS)
def test_sentence_counts_match_the_readme_and_labels_are_valid_bio(name, split, count):
    samples = corpora.load(name, split, ROOT)
    assert len(samples) == count
    for sample in samples:
        assert len(sample.chars) == len(sample.labels) > 0
        assert list(sample.labels) == bio.repair(sample.labels)


def test_resume_bmes_becomes_bio_spans():
    first = corpora.load("resume", "train", ROOT)[0]
    assert first.chars.startswith("高勇：男")
    assert first.spans[0] == ("NAME", 0, 2)
    kinds = {kind for s in corpora.load("resume", "dev", ROOT) for kind, _, _ in s.spans}
    assert kinds == {"NAME", "CONT", "RACE", "TITLE", "EDU", "ORG", "PRO", "LOC"}


def test_weibo_drops_the_segment_digit_of_each_character():
    samples = corpora.load("weibo", "train", ROOT)
    assert samples[0].chars.startswith("科技全方位")
    kinds = {kind for s in samples for kind, _, _ in s.spans}
    assert kinds == {f"{k}.{n}" for k in ("PER", "LOC", "ORG", "GPE") for n in ("NAM", "NOM")}


def test_cluener_inclusive_spans_become_exclusive():
    first = corpora.load("cluener", "dev", ROOT)[0]
    found = {(kind, first.chars[start:end]) for kind, start, end in first.spans}
    assert found == {("name", "彭小军"), ("address", "台湾")}


def test_unknown_split_is_an_error():
    with pytest.raises(ValueError):
        corpora.load("cluener", "test", ROOT)
