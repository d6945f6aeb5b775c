"""Reads holdings screenshots: image loading, the PaddleHub OCR module, the engine pool, extraction rules."""
