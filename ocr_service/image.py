"""Image loading: bytes in memory to an upright BGR array, or an `ImageError` that says what is wrong."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.settings import MAX_PIXELS

from .errors import ImageError

FORMATS = ("PNG", "JPEG", "WEBP", "BMP")
WHITE = (255, 255, 255, 255)
BLACK = (0, 0, 0, 255)
_JPEG_END = b"\xff\xd9"  # EOI
LIGHT = 128  # mean luma (0-255) of the visible pixels above which they are shown on black


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """Decoded pixels, EXIF orientation applied, transparency flattened onto white (black behind light ink)."""

    pixels: np.ndarray  # [height, width, 3] uint8, BGR: the channel order the OCR models take
    format: str  # one of FORMATS

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def height(self) -> int:
        return self.pixels.shape[0]


def load_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Decode PNG, JPEG, WebP or BMP bytes; refuse anything else, a truncated file, or a decompression bomb."""
    if not data:
        raise ImageError("empty input: no image bytes")
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageError(f"not an image: the data is none of {', '.join(FORMATS)}") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image too large: {exc}") from None
    kind = image.format
    if kind not in FORMATS:
        raise ImageError(f"unsupported image format {kind}; send one of {', '.join(FORMATS)}")
    # The header gives the size before any pixel is decoded: a bomb is refused without the memory it asks.
    width, height = image.size
    if width * height > max_pixels:
        raise ImageError(
            f"image too large: {width} x {height} = {width * height:,} pixels, limit {max_pixels:,}"
        )
    if kind == "JPEG" and image.mode == "RGB" and data.rstrip(b"\0").endswith(_JPEG_END):
        # A whole colour JPEG (one that ends with its end marker: a truncated one goes to Pillow, which
        # refuses it): libjpeg-turbo through OpenCV gives Pillow's pixels, EXIF turn applied, BGR, without
        # Pillow's two copies of the image.
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if pixels is not None:
            return LoadedImage(pixels=pixels, format=kind)
    try:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    # Pillow's decoders signal damage with many types (OSError, SyntaxError, ValueError, EOFError, ...).
    except Exception as exc:  # noqa: BLE001
        raise ImageError(f"corrupt or truncated {kind} image: {exc}") from None
    rgb = np.asarray(_to_rgb(image))
    return LoadedImage(pixels=cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), format=kind)


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB; transparent pixels become white, or black where the visible pixels are light (white text
    on nothing would vanish on white)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", image.size, _backdrop(rgba)), rgba).convert("RGB")
    if image.mode.startswith("I"):  # 16-bit grey PNG: convert("RGB") would clip it to white
        return Image.fromarray((np.asarray(image, dtype=np.uint32) // 257).astype(np.uint8)).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _backdrop(rgba: Image.Image) -> tuple[int, int, int, int]:
    """White, or black when the pixels that show (weighted by their opacity) are light on average."""
    pixels = np.asarray(rgba, dtype=np.float32)
    alpha = pixels[..., 3] / 255
    if alpha.sum() == 0:
        return WHITE
    luma = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return BLACK if float((luma * alpha).sum() / alpha.sum()) > LIGHT else WHITE
