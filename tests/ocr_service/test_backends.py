"""Paddle Inference and OpenVINO run the same model files behind one pipeline: the same lines come out."""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr_service.engine import OcrEngine
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.models import locate_models
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.pipeline import OcrPipeline
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.predictor import (
    cpu_has_bf16,
    load_predictor,
)
from testkit.drawing import HOLDINGS, encode

PEERS = Path(__file__).parent / "data" / "peers"
IMAGES = ["en.jpg", "text_cls.jpg", "text_vertical_words.jpg"]
EXPECTED = [text.replace(" ", "") for _, _, text in HOLDINGS]


@pytest.fixture(scope="module")
def pipelines() -> dict[str, OcrPipeline]:
    return {
        name: OcrPipeline(backend=backend, detector_precision=detector, recogniser_precision=recogniser)
        for name, backend, detector, recogniser in [
            ("paddle", "paddle", "f32", "f32"),
            ("openvino f32", "openvino", "f32", "f32"),
            ("openvino bf16", "openvino", "bf16", "bf16"),
            ("openvino bf16 detector", "openvino", "bf16", "f32"),
            ("openvino int8 detector", "openvino", "int8", "bf16"),
        ]
    }


def lines(pipeline: OcrPipeline, image: np.ndarray) -> list[str]:
    return [line.text for line in pipeline(image).lines]


@pytest.mark.parametrize(
    ("engine", "share", "confidence", "characters"),
    [
        ("openvino f32", 0.1, 1e-3, 0),
        ("openvino bf16 detector", 0.5, 0.02, 0),
        ("openvino bf16", 0.5, 0.02, 0),
        ("openvino int8 detector", 0.5, 0.02, 1),
    ],
)
@pytest.mark.parametrize("name", IMAGES)
def test_openvino_reads_what_paddle_reads(
    pipelines, name: str, engine: str, share: float, confidence: float, characters: int
) -> None:
    """f32 computes what Paddle computes; bf16 may move a box's end by part of a line height (a gap at the
    start of `MovieShots Dataset`) and a line's confidence by a hundredth, and reads the same text. The
    int8 detector's boxes differ as much, and a strip cut a little otherwise may read one character
    otherwise (`from 7858` as `from7858`, `參` as `参`): what the second look in f32 is for."""
    image = cv2.imread(str(PEERS / name), cv2.IMREAD_COLOR)
    paddle = pipelines["paddle"](image)
    openvino = pipelines[engine](image)
    assert len(openvino.lines) == len(paddle.lines)
    assert openvino.rotation == paddle.rotation
    for ours, theirs in zip(openvino.lines, paddle.lines, strict=True):
        assert changed_characters(ours.text, theirs.text) <= characters, (ours.text, theirs.text)
        height = float(np.linalg.norm(theirs.box[3] - theirs.box[0]))
        assert np.abs(ours.box - theirs.box).max() <= max(2.0, share * height)  # pixels
        assert abs(ours.confidence - theirs.confidence) < confidence


def changed_characters(text: str, reference: str) -> int:
    """Characters of the longer of the two that are not matched, in order, in the other."""
    matched = sum(block.size for block in SequenceMatcher(None, text, reference, autojunk=False).get_matching_blocks())
    return max(len(text), len(reference)) - matched


def test_the_engines_exact_reading_is_the_f32_reading_and_only_a_bf16_engine_has_one(pipelines) -> None:
    engine = OcrEngine()  # the defaults: bf16 where the CPU computes it, a second look in f32
    if not cpu_has_bf16():
        # bf16 is computed in f32 here: the engine says so, and keeps no second pipeline reading the same.
        assert (engine.version, engine.exact_version) == (pipelines["openvino f32"].version, None)
        assert pipelines["openvino bf16"].exact
        return
    assert engine.exact_version == pipelines["openvino f32"].version
    assert "bf16/bf16" in engine.version and not pipelines["openvino bf16"].exact
    for name in IMAGES:
        exact = engine.recognize((PEERS / name).read_bytes(), exact=True)
        f32 = pipelines["openvino f32"](cv2.imread(str(PEERS / name), cv2.IMREAD_COLOR))
        assert [(line.text, line.confidence) for line in exact.lines] == [(line.text, line.confidence) for line in f32.lines]
    for options in ({"backend": "paddle"}, {"detector_precision": "f32", "recogniser_precision": "f32"}, {"second_look": False}):
        assert OcrEngine(**options).exact_version is None, options


def test_an_int8_detector_is_never_exact_and_paddle_runs_its_float_model(pipelines) -> None:
    """int8 is OpenVINO's: the engine keeps its second look in f32 (bf16 or f32 for the rest, by the CPU);
    Paddle asked for it computes f32, as it does for bf16."""
    floats = "bf16" if cpu_has_bf16() else "f32"
    assert pipelines["openvino int8 detector"].version.endswith(f"openvino int8/{floats}")
    assert not pipelines["openvino int8 detector"].exact
    engine = OcrEngine(detector_precision="int8")
    assert engine.exact_version == pipelines["openvino f32"].version
    paddle = OcrPipeline(backend="paddle", detector_precision="int8", recogniser_precision="f32")
    assert paddle.exact and paddle.version == pipelines["paddle"].version


def test_every_backend_reads_the_drawn_holdings_page(pipelines, holdings_png) -> None:
    data, _ = holdings_png
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    for name, pipeline in pipelines.items():
        assert [text.replace(" ", "") for text in lines(pipeline, image)] == EXPECTED, name
        assert name.split()[0] in pipeline.version


def test_the_bf16_detector_reads_a_turned_page_upright(pipelines, page) -> None:
    drawn, _ = page(HOLDINGS)
    image = cv2.imdecode(np.frombuffer(encode(drawn.rotate(180)), np.uint8), cv2.IMREAD_COLOR)
    result = pipelines["openvino bf16 detector"](image)
    assert result.rotation == 180
    assert [line.text.replace(" ", "") for line in result.lines] == EXPECTED


def test_an_unknown_backend_or_precision_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown OCR backend 'onnx'"):
        load_predictor(tmp_path, backend="onnx", precision="f32", threads=1, shape_cache=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown precision 'fp8'"):
        load_predictor(tmp_path, backend="openvino", precision="fp8", threads=1, shape_cache=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no int8 model of ch_PP-OCRv4_rec_infer: int8 is for the text detector"):
        load_predictor(locate_models().rec, backend="openvino", precision="int8", threads=1, shape_cache=1)
