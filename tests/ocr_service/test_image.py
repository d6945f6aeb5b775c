"""Image loading: every supported format and mode to upright BGR, every bad input to a clear ImageError."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from ocr_service.errors import ImageError, OcrError
from ocr_service.image import load_image
from testkit.drawing import encode

BGR = (30, 20, 10)  # of the RGB colour (10, 20, 30)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "BMP"])
def test_supported_formats_decode_to_bgr(fmt):
    loaded = load_image(encode(Image.new("RGB", (40, 20), (10, 20, 30)), fmt, quality=100))
    assert loaded.format == fmt
    assert (loaded.width, loaded.height) == (40, 20)
    assert loaded.pixels.shape == (20, 40, 3) and loaded.pixels.dtype == np.uint8
    assert np.abs(loaded.pixels[10, 20].astype(int) - BGR).max() <= 2


@pytest.mark.parametrize("trailing", [b"", b"\0" * 7])
def test_a_jpeg_decodes_to_the_pixels_pillow_decodes(trailing):
    data = encode(Image.effect_noise((64, 48), 60).convert("RGB"), "JPEG", quality=90) + trailing
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[:, :, ::-1]
    assert np.array_equal(load_image(data).pixels, decoded)


def test_exif_orientation_is_applied():
    stored = Image.new("RGB", (40, 20), "white")
    stored.paste((0, 0, 0), (0, 0, 10, 20))  # black band on the stored image's left
    exif = stored.getexif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise: the band ends up on top
    loaded = load_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=100))
    assert (loaded.width, loaded.height) == (20, 40)
    assert loaded.pixels[2, 10].max() < 60 and loaded.pixels[35, 10].min() > 200


def test_transparency_becomes_white():
    clear = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    clear.putpixel((0, 0), (0, 0, 0, 255))
    pixels = load_image(encode(clear, "PNG")).pixels
    assert pixels[4, 4].tolist() == [255, 255, 255] and pixels[0, 0].tolist() == [0, 0, 0]


def test_light_ink_on_transparency_is_shown_on_black():
    clear = Image.new("RGBA", (8, 8), (255, 255, 255, 0))  # invisible white, as editors store "nothing"
    clear.putpixel((0, 0), (250, 250, 250, 255))
    clear.putpixel((1, 0), (240, 240, 240, 128))
    pixels = load_image(encode(clear, "PNG")).pixels
    assert pixels[4, 4].tolist() == [0, 0, 0] and pixels[0, 0].tolist() == [250, 250, 250]
    assert 100 < pixels[0, 1, 0] < 140  # half opaque: halfway to black


@pytest.mark.parametrize(
    "image",
    [
        Image.new("L", (8, 8), 128),
        Image.new("RGB", (8, 8), (128, 128, 128)).convert("P", palette=Image.Palette.ADAPTIVE),
        Image.new("LA", (8, 8), (128, 255)),
        Image.fromarray(np.full((8, 8), 128 * 257, np.uint16)),  # 16-bit grey
    ],
    ids=["grey", "palette", "grey-alpha", "grey16"],
)
def test_other_modes_become_rgb(image):
    pixels = load_image(encode(image, "PNG")).pixels
    assert pixels.shape == (8, 8, 3)
    assert np.abs(pixels.astype(int) - 128).max() <= 1


def test_header_size_beyond_the_cap_is_refused_before_decoding():
    bomb = encode(Image.new("1", (6000, 6000)), "PNG")  # 36 Mpx in a few kB
    assert len(bomb) < 100_000
    with pytest.raises(ImageError, match="too large: 6000 x 6000"):
        load_image(bomb)
    with pytest.raises(ImageError, match="too large"):
        load_image(encode(Image.new("RGB", (100, 100)), "PNG"), max_pixels=9_999)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size but holds almost no data: all a decompression bomb needs."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_pillow_bomb_limit_also_reads_as_image_error():
    with pytest.raises(ImageError, match="too large"):
        load_image(png_header(40000, 40000), max_pixels=10**10)


def _noise_png() -> bytes:
    return encode(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty input"),
        (b"definitely not an image" * 10, "not an image"),
        (_noise_png()[:5000], "truncated PNG"),
        (encode(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")[:3000], "truncated JPEG"),
        (encode(Image.new("RGB", (8, 8)), "GIF"), "unsupported image format GIF"),
        (encode(Image.new("RGB", (8, 8)), "TIFF"), "unsupported image format TIFF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an image"),
    ],
    ids=["empty", "garbage", "truncated-png", "truncated-jpeg", "gif", "tiff", "png-signature-only"],
)
def test_bad_input_is_an_image_error(data, reason):
    with pytest.raises(ImageError, match=reason) as caught:
        load_image(data)
    assert isinstance(caught.value, OcrError)
