"""Draw synthetic holdings pages as phone screenshots, and write labelled sets of them.

    python -m bench.screens.render --out /tmp/screens --count 300 --seed 1

writes `NNNN.jpg` files and `labels.jsonl` (one record per image: the truth, the render settings and every
cell's spans with its pixel box, so that OCR lines can be aligned to entities).
"""

from __future__ import annotations

import argparse
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ner_service.data.pages import LAYOUTS, Cell, Page, generate_page
from testkit.fonts import FONTS, INSTALL, available_fonts, load

WIDTHS = (720, 750, 828, 1080, 1125, 1170, 1242, 1440)
QUALITIES = (55, 70, 80, 90, 95)
BLURS = (0.0, 0.0, 0.4, 0.7, 1.0)


@dataclass(frozen=True, slots=True)
class Theme:
    background: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    rule: tuple[int, int, int]


THEMES = {
    "light": Theme((255, 255, 255), (25, 25, 25), (130, 130, 135), (232, 232, 235)),
    "grey": Theme((244, 245, 247), (34, 34, 34), (120, 122, 128), (225, 226, 230)),
    "warm": Theme((252, 249, 242), (51, 40, 30), (140, 128, 112), (232, 224, 210)),
    "dark": Theme((30, 30, 32), (228, 228, 230), (150, 150, 156), (60, 60, 64)),
    "navy": Theme((22, 28, 44), (222, 226, 236), (140, 150, 170), (50, 58, 80)),
}
RED, GREEN = (230, 60, 50), (30, 160, 80)


def _colour(cell: Cell, theme: Theme, row_has_values: bool) -> tuple[int, int, int]:
    text = cell.text
    if any(s.label == "PROFIT" for s in cell.spans) or (text[:1] in "+-" and text.endswith("%")):
        return RED if text.startswith("+") else GREEN
    if row_has_values and not any(s.label for s in cell.spans):
        return theme.muted
    return theme.text


def render_page(page: Page, rng: random.Random, *, font: str, width: int, theme: str | None = None) -> Image.Image:
    """The page drawn at `width` pixels in `font` (a key of FONTS), on a random or given theme."""
    return draw_page(page, rng, font=font, width=width, theme=theme)[0]


def draw_page(
    page: Page, rng: random.Random, *, font: str, width: int, theme: str | None = None
) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """The page drawn, and each cell's box (left, top, right, bottom) in reading order."""
    colours = THEMES[theme or rng.choice(tuple(THEMES))]
    base = round(width * rng.uniform(0.034, 0.044))
    spacing = rng.uniform(1.5, 2.0)
    placed: list[tuple[Cell, ImageFont.FreeTypeFont, int, int, bool]] = []
    y = round(base * 0.6)
    for row in page.rows:
        y += round(row.gap * base)
        size = round(base * row.size)
        bold = row.size >= 1.1
        while True:
            face = load(FONTS[font], size, bold=bold)
            lefts = [_left(cell, face, width) for cell in row.cells]
            widths = [face.getlength(cell.text) for cell in row.cells]
            fits = all(lefts[i] + widths[i] + size * 0.4 <= lefts[i + 1] for i in range(len(lefts) - 1))
            fits = fits and min(lefts) >= 0 and max(l + w for l, w in zip(lefts, widths)) <= width
            if fits or size <= base * 0.55:
                break
            size -= 1
        has_values = any(s.label for cell in row.cells for s in cell.spans)
        for cell, left in zip(row.cells, lefts):
            placed.append((cell, face, max(0, left), y, has_values))
        y += round(size * spacing)
    height = max(y + base, round(width * rng.uniform(1.4, 2.0)))
    image = Image.new("RGB", (width, height), colours.background)
    draw = ImageDraw.Draw(image)
    rules = {y for _, _, _, y, _ in placed}
    for rule_y in sorted(rules)[2:]:
        if rng.random() < 0.12:
            draw.line([(0, rule_y - base // 2), (width, rule_y - base // 2)], fill=colours.rule, width=max(1, width // 540))
    boxes = []
    for cell, face, left, top, has_values in placed:
        draw.text((left, top), cell.text, font=face, fill=_colour(cell, colours, has_values))
        l, t, r, b = draw.textbbox((left, top), cell.text, font=face)
        boxes.append((l, t, r, b))
    return image, boxes


def _left(cell: Cell, face: ImageFont.FreeTypeFont, width: int) -> int:
    length = face.getlength(cell.text)
    anchor = cell.x * width
    if cell.align == "right":
        return round(anchor - length)
    if cell.align == "center":
        return round(anchor - length / 2)
    return round(anchor)


def encode(image: Image.Image, *, quality: int, blur: float) -> bytes:
    """JPEG bytes of the image after a slight Gaussian blur, as screenshots are when forwarded."""
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def render_set(out: Path, *, count: int, seed: int, layouts: tuple[str, ...] = LAYOUTS) -> Path:
    """Write `count` screenshots cycling through `layouts` and the installed fonts; returns labels.jsonl."""
    fonts = available_fonts()
    if not fonts:
        raise SystemExit(f"no CJK font installed: {INSTALL}")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    labels = out / "labels.jsonl"
    with labels.open("w", encoding="utf-8") as sink:
        for i in range(count):
            page = generate_page(rng, layout=layouts[i % len(layouts)])
            font, width = fonts[(i // len(layouts)) % len(fonts)], rng.choice(WIDTHS)
            quality, blur = rng.choice(QUALITIES), rng.choice(BLURS)
            image, boxes = draw_page(page, rng, font=font, width=width)
            name = f"{i:04d}.jpg"
            (out / name).write_bytes(encode(image, quality=quality, blur=blur))
            cells = [cell for row in page.rows for cell in row.cells]
            record = {
                "path": name, "layout": page.layout, "app": page.app, "fund_code": page.fund_code,
                "hold_share": page.hold_share, "flag": page.flag, "font": font, "width": width,
                "quality": quality, "blur": blur,
                "cells": [{"box": box, "spans": [[s.text, s.label] for s in cell.spans]} for cell, box in zip(cells, boxes)],
            }
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layouts", nargs="*", choices=LAYOUTS, default=list(LAYOUTS))
    args = parser.parse_args()
    print(render_set(args.out, count=args.count, seed=args.seed, layouts=tuple(args.layouts)))


if __name__ == "__main__":
    main()
