import pytest

from ner_service.data.sample import Sample
from ner_service.evaluate import Score, evaluate, score
from ner_service.types import Entity


def test_exact_type_and_boundaries_per_type_and_micro():
    gold = [[("CODE", 0, 6), ("SHARE", 10, 15)], [("CODE", 2, 8)], []]
    predicted = [
        [("CODE", 0, 6), ("SHARE", 10, 14)],  # right code; share one character short: fp + fn
        [("SHARE", 2, 8)],  # right place, wrong type: fp for SHARE, fn for CODE
        [("CODE", 1, 3)],  # spurious
    ]
    report = score(gold, predicted)
    assert report.by_type["CODE"] == Score(tp=1, fp=1, fn=1)
    assert report.by_type["SHARE"] == Score(tp=0, fp=2, fn=1)
    assert report.micro == Score(tp=1, fp=3, fn=2)
    assert report.micro.precision == pytest.approx(1 / 4)
    assert report.micro.recall == pytest.approx(1 / 3)
    assert report.micro.f1 == pytest.approx(2 / 7)
    assert "micro" in report.table() and "SHARE" in report.table()


def test_perfect_and_empty_scores():
    assert score([[("A", 0, 1)]], [[("A", 0, 1)]]).micro.f1 == 1.0
    empty = score([[]], [[]])
    assert empty.micro == Score() and empty.micro.f1 == 0.0
    with pytest.raises(ValueError):
        score([[]], [])


class _Echo:
    """Predicts exactly the first gold entity of each text: the scorer, not a model, is under test."""

    def __init__(self, samples):
        self.truth = {s.chars: s.spans for s in samples}

    def predict(self, texts):
        return [[Entity(k, t[a:b], a, b) for k, a, b in self.truth[t][:1]] for t in texts]


def test_evaluate_runs_a_predictor_over_samples_in_batches():
    samples = [
        Sample.of("ab cd", ["B-X", "I-X", "O", "B-Y", "I-Y"]),
        Sample.of("xyz", ["O", "B-X", "O"]),
    ] * 3
    report = evaluate(_Echo(samples), samples, batch=4, progress=False)
    assert report.by_type["X"] == Score(tp=6)
    assert report.by_type["Y"] == Score(fn=3)
