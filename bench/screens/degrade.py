"""What happens to a screenshot before it reaches us, drawn with numpy and PIL alone.

`degrade(image, kind, rng)` returns the file's bytes, the size of the image as a viewer shows it (EXIF
applied), and the homography that takes a point of the clean page to that image, so that cell boxes
follow the page. Kinds (`DEGRADATIONS`):

- `none`: the screenshot as a JPEG;
- `photo`: a phone photo of the screen: bezel and desk around it, perspective, up to 8 degrees of tilt,
  moiré fringes, a glare spot, blur, sensor noise, JPEG;
- `tilt`: the screenshot turned by 1.5-8 degrees;
- `lowres`: downscaled to 360-540 pixels wide;
- `rot90`, `rot180`, `rot270`: the pixels turned clockwise, no EXIF;
- `exif90`, `exif180`, `exif270`: the same turned pixels with the EXIF orientation tag that turns them
  back: a viewer (and our decoder) shows the page upright.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

DEGRADATIONS: tuple[str, ...] = (
    "none", "photo", "tilt", "lowres", "rot90", "rot180", "rot270", "exif90", "exif180", "exif270",
)
QUALITIES = (55, 70, 80, 90, 95)  # JPEG qualities screenshots are forwarded at
# Pixels turned clockwise by the key, and the EXIF orientation that tells a viewer to turn them back.
TURNS = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
EXIF_ORIENTATION = {90: 8, 180: 3, 270: 6}
ORIENTATION_TAG = 0x0112


@dataclass(frozen=True, slots=True)
class Degraded:
    data: bytes  # the JPEG file
    width: int  # as shown, EXIF orientation applied
    height: int
    transform: np.ndarray  # 3x3: clean page pixel -> shown image pixel
    settings: dict  # what was drawn (angle, quality, ...), for the labels


def degrade(image: Image.Image, kind: str, rng: random.Random) -> Degraded:
    """`image` (the clean RGB page) as `kind` makes it; see the module docstring."""
    quality = rng.choice(QUALITIES)
    if kind == "none":
        return _saved(image, np.eye(3), quality=quality)
    if kind == "photo":
        return _photo(image, rng)
    if kind == "tilt":
        angle = rng.choice((-1, 1)) * rng.uniform(1.5, 8.0)
        matrix, size = _rotation(image.size, angle)
        fill = image.getpixel((0, 0))
        return _saved(_warp(image, matrix, size, fill), matrix, quality=quality, angle=round(angle, 2))
    if kind == "lowres":
        scale = rng.uniform(360, 540) / image.width
        size = (round(image.width * scale), round(image.height * scale))
        small = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        return _saved(small, np.diag([scale, scale, 1.0]), quality=quality, scale=round(scale, 3))
    if kind.startswith(("rot", "exif")):
        turn = int(kind.removeprefix("rot").removeprefix("exif"))
        turned = image.transpose(TURNS[turn])
        if kind.startswith("rot"):
            return _saved(turned, _quarter(image.size, turn), quality=quality, turn=turn)
        return _saved(turned, np.eye(3), quality=quality, shown=image.size, orientation=EXIF_ORIENTATION[turn])
    raise ValueError(f"unknown degradation {kind!r}; expected one of {DEGRADATIONS}")


def apply(matrix: np.ndarray, points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Points through a homography, rounded to pixels."""
    out = []
    for x, y in points:
        u, w, z = matrix @ np.array([x, y, 1.0])
        out.append((round(u / z), round(w / z)))
    return out


def _saved(
    image: Image.Image,
    matrix: np.ndarray,
    *,
    quality: int,
    shown: tuple[int, int] | None = None,
    orientation: int | None = None,
    **settings: object,
) -> Degraded:
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = orientation
        image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    else:
        image.save(out, "JPEG", quality=quality)
    width, height = shown or image.size
    return Degraded(out.getvalue(), width, height, matrix, {"quality": quality, "orientation": orientation, **settings})


def _quarter(size: tuple[int, int], turn: int) -> np.ndarray:
    """Where a clockwise quarter turn of an image of `size` takes each point."""
    width, height = size
    return {
        90: np.array([[0.0, -1, height], [1, 0, 0], [0, 0, 1]]),
        180: np.array([[-1.0, 0, width], [0, -1, height], [0, 0, 1]]),
        270: np.array([[0.0, 1, 0], [-1, 0, width], [0, 0, 1]]),
    }[turn]


def _rotation(size: tuple[int, int], degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """A turn about the centre by `degrees` (counter-clockwise on screen), and the size that holds it all."""
    width, height = size
    a = math.radians(degrees)
    turn = np.array([[math.cos(a), math.sin(a), 0.0], [-math.sin(a), math.cos(a), 0.0], [0, 0, 1]])
    corners = np.array([[0, 0, 1], [width, 0, 1], [width, height, 1], [0, height, 1]], dtype=float).T
    moved = turn @ corners
    shift = np.array([[1.0, 0, -moved[0].min()], [0, 1, -moved[1].min()], [0, 0, 1]])
    return shift @ turn, (math.ceil(np.ptp(moved[0])), math.ceil(np.ptp(moved[1])))


def _homography(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> np.ndarray:
    """The 3x3 matrix taking four source points to four target points."""
    rows, rhs = [], []
    for (x, y), (u, w) in zip(source, target):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -w * x, -w * y])
        rhs += [u, w]
    h = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return np.append(h, 1.0).reshape(3, 3)


def _warp(image: Image.Image, matrix: np.ndarray, size: tuple[int, int], fill: tuple[int, ...]) -> Image.Image:
    inverse = np.linalg.inv(matrix)
    inverse /= inverse[2, 2]
    return image.transform(size, Image.Transform.PERSPECTIVE, tuple(inverse.flatten()[:8]), Image.Resampling.BICUBIC, fillcolor=fill)


def _photo(image: Image.Image, rng: random.Random) -> Degraded:
    """The screen in its bezel on a desk, photographed at an angle, then the camera's artefacts."""
    bezel = round(image.width * rng.uniform(0.03, 0.07))
    framed = Image.new("RGB", (image.width + 2 * bezel, image.height + 2 * bezel), (rng.randint(5, 30),) * 3)
    framed.paste(image, (bezel, bezel))
    scale = rng.uniform(0.7, 1.0)
    width, height = framed.width * scale, framed.height * scale
    angle = rng.uniform(-8.0, 8.0)
    turn, (turned_w, turned_h) = _rotation((round(width), round(height)), angle)
    jitter = 0.06 * min(width, height)
    corners = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
    target = [(x + rng.uniform(-jitter, jitter), y + rng.uniform(-jitter, jitter)) for x, y in apply(turn, corners)]
    margin = rng.uniform(0.03, 0.08) * max(turned_w, turned_h)
    left, top = min(x for x, _ in target) - margin, min(y for _, y in target) - margin
    target = [(x - left, y - top) for x, y in target]
    size = (math.ceil(max(x for x, _ in target) + margin), math.ceil(max(y for _, y in target) + margin))
    frame = [(0.0, 0.0), (framed.width, 0.0), (framed.width, framed.height), (0.0, framed.height)]
    matrix = _homography(frame, target)
    desk = tuple(rng.randint(70, 170) + d for d in (rng.randint(0, 30), 10, 0))
    photo = np.asarray(_warp(framed, matrix, size, desk), dtype=np.float32)
    moire = _moire(photo.shape[:2], rng)
    glare = _glare(photo.shape[:2], rng)
    photo = np.clip(photo * moire[..., None] * _vignette(photo.shape[:2], rng)[..., None] + glare[..., None], 0, 255)
    blur = rng.uniform(0.4, 1.4)
    shot = Image.fromarray(photo.astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur))
    noise = rng.uniform(2.0, 7.0)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0.0, noise, (shot.height, shot.width, 3))
    shot = Image.fromarray(np.clip(np.asarray(shot, dtype=np.float32) + grain, 0, 255).astype(np.uint8))
    page = matrix @ np.array([[1.0, 0, bezel], [0, 1, bezel], [0, 0, 1]])
    return _saved(shot, page, quality=rng.choice((60, 70, 80, 90)), angle=round(angle, 2), blur=round(blur, 2), noise=round(noise, 1))


def _moire(shape: tuple[int, int], rng: random.Random) -> np.ndarray:
    """The beat of the screen's pixel grid against the sensor's: slow, slightly curved bands."""
    height, width = shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    a = rng.uniform(0, math.pi)
    period = rng.uniform(14.0, 60.0)
    bend = rng.uniform(0.0, 12.0) * np.sin(2 * math.pi * y / (height * rng.uniform(0.5, 2.0)))
    phase = (x * math.cos(a) + y * math.sin(a) + bend) * (2 * math.pi / period)
    strength = rng.uniform(0.03, 0.08)
    return (1.0 + strength * np.cos(phase)).astype(np.float32)


def _glare(shape: tuple[int, int], rng: random.Random) -> np.ndarray:
    """A bright elliptical reflection somewhere on the glass, added to every channel."""
    height, width = shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.1, 0.9) * height
    rx, ry = rng.uniform(0.12, 0.4) * width, rng.uniform(0.06, 0.25) * height
    a = rng.uniform(0, math.pi)
    u = ((x - cx) * math.cos(a) + (y - cy) * math.sin(a)) / rx
    w = (-(x - cx) * math.sin(a) + (y - cy) * math.cos(a)) / ry
    return (rng.uniform(40.0, 120.0) * np.exp(-(u * u + w * w))).astype(np.float32)


def _vignette(shape: tuple[int, int], rng: random.Random) -> np.ndarray:
    height, width = shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((x - width / 2) / (width / 2)) ** 2 + ((y - height / 2) / (height / 2)) ** 2
    return (1.0 - rng.uniform(0.05, 0.25) * r2 / 2).astype(np.float32)
