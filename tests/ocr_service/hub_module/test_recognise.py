"""Recogniser: greedy CTC decoding, and the few input widths lines are padded to."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.models import locate_models
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.recognise import Recogniser

CLASSES = 6625  # blank + 6623 characters + space


class ShapeRecorder:
    """Stands in for the Paddle predictor: this test is about the shapes it is given."""

    def __init__(self):
        self.shapes = []

    def __call__(self, batch):
        self.shapes.append(batch.shape)
        return np.zeros((1, batch.shape[3] // 8, CLASSES), np.float32)


@pytest.fixture(scope="module")
def keys():
    return locate_models().keys


def one_hot(indices, confidence=0.9):
    probs = np.full((len(indices), CLASSES), (1 - confidence) / (CLASSES - 1), np.float32)
    probs[np.arange(len(indices)), indices] = confidence
    return probs


def test_ctc_collapses_repeats_and_drops_blanks(keys):
    recogniser = Recogniser(ShapeRecorder(), keys)
    chars = ["", *keys.read_text(encoding="utf-8").splitlines(), " "]
    one, two, space = chars.index("1"), chars.index("2"), CLASSES - 1
    read = recogniser.decode(one_hot([0, one, one, 0, one, two, two, space, 0]))
    assert read.text == "112 "
    assert read.confidence == pytest.approx(0.9)


def test_all_blank_reads_nothing(keys):
    read = Recogniser(ShapeRecorder(), keys).decode(one_hot([0, 0, 0]))
    assert (read.text, read.confidence) == ("", 0.0)


def test_lines_are_padded_to_a_few_widths(keys):
    recorder = ShapeRecorder()
    recogniser = Recogniser(recorder, keys, min_width=320, max_width=1600, step=160)
    for width in range(5, 4000, 37):
        recogniser(np.full((30, width, 3), 255, np.uint8))
    widths = {shape[3] for shape in recorder.shapes}
    assert {shape[:3] for shape in recorder.shapes} == {(1, 3, 48)}
    assert widths == set(range(320, 1601, 160))
