"""Deskew: tilt and perspective from line boxes, and the boxes levelled by the homography found."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile import deskew

WIDTH, HEIGHT = 720, 1280


def rows(count=8, left=40, width=300, height=36, gap=120):
    """Level line boxes [n, 4, 2]: two columns of `count` rows."""
    boxes = []
    for i in range(count):
        top = 80 + i * gap
        for x in (left, left + 360):
            boxes.append([[x, top], [x + width, top], [x + width, top + height], [x, top + height]])
    return np.array(boxes, dtype=np.float32)


def warp(boxes, matrix):
    return cv2.perspectiveTransform(boxes.reshape(-1, 1, 2).astype(np.float64), matrix).reshape(-1, 4, 2)


def assert_level(boxes, within=1.5):
    """Every box's top edge horizontal, and boxes of one row at one height."""
    assert np.abs(boxes[:, 0, 1] - boxes[:, 1, 1]).max() <= within
    pairs = boxes.reshape(-1, 2, 4, 2)  # the two boxes of each row
    assert np.abs(pairs[:, 0, 0, 1] - pairs[:, 1, 0, 1]).max() <= within


def test_level_page_is_left_as_it_is():
    geometry = deskew.estimate(rows(), WIDTH, HEIGHT)
    assert geometry.tilt == 0.0
    np.testing.assert_allclose(geometry.rectify(rows()), rows(), atol=1e-3)


@pytest.mark.parametrize("degrees", [-8.0, -2.5, 5.0, 9.5])
def test_tilt_is_measured_and_removed(degrees):
    matrix = np.vstack([cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), -degrees, 1.0), [0, 0, 1]])
    boxes = warp(rows(), matrix).astype(np.float32)
    geometry = deskew.estimate(boxes, WIDTH, HEIGHT)
    assert geometry.tilt == pytest.approx(degrees, abs=0.05)
    assert_level(geometry.rectify(boxes))


def test_perspective_is_levelled_where_a_rotation_alone_would_not():
    source = np.float32([[0, 0], [WIDTH, 0], [WIDTH, HEIGHT], [0, HEIGHT]])
    target = np.float32([[70, 50], [WIDTH - 10, 0], [WIDTH, HEIGHT], [0, HEIGHT - 90]])
    boxes = warp(rows(), cv2.getPerspectiveTransform(source, target)).astype(np.float32)
    geometry = deskew.estimate(boxes, WIDTH, HEIGHT)
    assert_level(geometry.rectify(boxes), within=3.0)
    rotated_only = deskew.Geometry(geometry.tilt, np.vstack([cv2.getRotationMatrix2D(
        (WIDTH / 2, HEIGHT / 2), geometry.tilt, 1.0), [0, 0, 1]]))
    with pytest.raises(AssertionError):
        assert_level(rotated_only.rectify(boxes), within=3.0)


def test_short_boxes_and_steep_boxes_give_no_tilt():
    square = np.array([[[0, 0], [30, 3], [27, 33], [-3, 30]]] * 10, dtype=np.float32)  # single characters
    assert deskew.estimate(square, WIDTH, HEIGHT).tilt == 0.0
    steep = math.tan(math.radians(30)) * 300
    long_steep = np.array([[[0, 0], [300, steep], [300, steep + 30], [0, 30]]] * 5, dtype=np.float32)
    assert deskew.estimate(long_steep, WIDTH, HEIGHT).tilt == 0.0
    assert deskew.estimate(np.zeros((0, 4, 2), np.float32), WIDTH, HEIGHT).rectify(np.zeros((0, 4, 2))).shape == (0, 4, 2)
