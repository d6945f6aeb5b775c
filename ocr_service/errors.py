"""The OCR package's exceptions: everything it raises on purpose is an `OcrError`.

- `ImageError`: the bytes are not an image we read (format, truncation, size limit); the caller's input.
- `OcrConfigError`: the engine or pool was configured impossibly (e.g. more threads than cores).
- `OcrError` itself: anything else the package detects (a closed pool, an install conflict).
"""

from __future__ import annotations


class OcrError(Exception):
    """Base of every error ocr_service raises on purpose."""


class ImageError(OcrError):
    """The input cannot be read as a supported image; the message says why."""


class OcrConfigError(OcrError, ValueError):
    """Impossible settings for the engine or the pool."""
