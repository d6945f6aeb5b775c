"""A detector size the model cannot take is refused by the engine before any model is loaded."""

from __future__ import annotations

import pytest

from ocr_service.engine import OcrEngine
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile import pipeline
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.detect import check_max_side


@pytest.mark.parametrize("max_side", [63, 100, 0, 32])
def test_the_engine_refuses_a_bad_max_side_before_loading_models(
    max_side: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_models() -> None:
        raise AssertionError("models were loaded for a max_side the detector cannot take")

    monkeypatch.setattr(pipeline, "locate_models", no_models)
    with pytest.raises(ValueError, match=rf"max_side \({max_side}\) must be a multiple of 32 .*and at least 64"):
        OcrEngine(max_side=max_side)


@pytest.mark.parametrize("max_side", [64, 1280])
def test_sizes_on_the_stride_pass(max_side: int) -> None:
    check_max_side(max_side)
