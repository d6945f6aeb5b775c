"""Detector geometry: the two canvases every image is fitted to, corner order, and the DB unclip step."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.detect import (
    Detector,
    order_corners,
    plan_canvas,
    to_canvas,
    unclip,
)


def test_every_input_lands_on_one_of_two_canvases_of_one_area():
    rng = random.Random(7)
    canvases = set()
    for _ in range(5000):
        width, height = rng.randint(1, 20000), rng.randint(1, 20000)
        layout = plan_canvas(width, height, max_side=1280)
        canvas = (layout.canvas_width, layout.canvas_height)
        canvases.add(canvas)
        assert canvas == ((736, 1280) if height >= width else (1280, 736))
        assert layout.width <= layout.canvas_width and layout.height <= layout.canvas_height
        assert layout.width == layout.canvas_width or layout.height == layout.canvas_height  # fitted
        assert abs(layout.width - width * layout.scale) <= 1 and abs(layout.height - height * layout.scale) <= 1
    assert canvases == {(736, 1280), (1280, 736)}


def test_canvas_keeps_the_image_top_left_and_pads_with_the_mean():
    layout = plan_canvas(100, 190, max_side=640)
    assert (layout.canvas_width, layout.canvas_height) == (384, 640)  # 9/16 of 640, up to a multiple of 32
    assert (layout.width, layout.height) == (round(100 * 640 / 190), 640)
    tensor = to_canvas(np.full((190, 100, 3), 255, np.uint8), layout)
    assert tensor.shape == (1, 3, 640, 384)
    assert (tensor[0, :, :, : layout.width] > 1).all()  # white, normalised
    assert (tensor[0, :, :, layout.width :] == 0).all()


def test_corners_come_clockwise_from_top_left():
    rect = ((100.0, 50.0), (80.0, 20.0), 10.0)  # centre, size, small tilt
    corners = cv2.boxPoints(rect)
    for shuffled in (corners, corners[::-1], np.roll(corners, 2, axis=0)):
        tl, tr, br, bl = order_corners(shuffled)
        assert tl[0] < tr[0] and bl[0] < br[0]
        assert tl[1] < bl[1] and tr[1] < br[1]


def test_unclip_grows_the_kernel_on_every_side():
    quad = np.array([[10, 10], [110, 10], [110, 30], [10, 30]], np.float32)
    grown = unclip(quad, 1.5)
    distance = 100 * 20 * 1.5 / 240
    assert grown[:, 0].min() == pytest.approx(10 - distance, abs=1)
    assert grown[:, 1].max() == pytest.approx(30 + distance, abs=1)


def test_detector_refuses_sizes_the_model_cannot_take():
    with pytest.raises(ValueError, match="multiple of 32"):
        Detector(predictor=None, max_side=1000)
