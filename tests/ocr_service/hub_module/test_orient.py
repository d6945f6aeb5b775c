"""Orientation helpers: turning an image and mapping points the same way."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.orient import turn, turn_points


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_points_land_where_their_pixels_do(rotation):
    image = np.zeros((30, 50, 3), np.uint8)
    points = np.array([[0, 0], [49, 0], [7, 21], [49, 29]], dtype=np.float32)
    for value, (x, y) in enumerate(points.astype(int), start=1):
        image[y, x] = value
    turned = turn(image, rotation)
    height, width = image.shape[:2]
    for value, (x, y) in enumerate(turn_points(points, rotation, width, height).astype(int), start=1):
        assert turned[y, x, 0] == value


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_turning_back_restores_the_points(rotation):
    points = np.array([[3, 4], [40, 25]], dtype=np.float32)
    there = turn_points(points, rotation, 50, 30)
    width, height = (30, 50) if rotation % 180 else (50, 30)
    np.testing.assert_allclose(turn_points(there, (360 - rotation) % 360, width, height), points)
