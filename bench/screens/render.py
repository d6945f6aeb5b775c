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
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bench.screens.degrade import DEGRADATIONS, QUALITIES, apply, degrade
from bench.screens.wild import FAMILIES, Band, WildPage, code_style, generate_wild_page
from ner_service.data.pages import LAYOUTS, Cell, Page, generate_page, page_lines
from testkit.fonts import FONTS, INSTALL, available_fonts, load

WIDTHS = (720, 750, 828, 1080, 1125, 1170, 1242, 1440)
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
ACCENTS = ((255, 140, 0), (230, 60, 50), (40, 110, 230), (250, 200, 40), (120, 80, 220))
SETS = ("default", "wild")


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


@dataclass(frozen=True, slots=True)
class Placed:
    """One cell where it will be drawn: its face, top-left corner and the index of its row in the page."""

    cell: Cell
    face: ImageFont.FreeTypeFont
    left: int
    top: int
    row: int
    muted: bool  # a caption in a row that also holds values: drawn in the muted colour


@dataclass(frozen=True, slots=True)
class Layout:
    theme: Theme
    base: int  # the body text size in pixels
    width: int
    height: int
    placed: tuple[Placed, ...]


def lay_out(page: Page, rng: random.Random, *, font: str, width: int, theme: str | None = None) -> Layout:
    """Where every cell of the page goes at `width` pixels; a row's text shrinks until its cells do not overlap."""
    colours = THEMES[theme or rng.choice(tuple(THEMES))]
    base = round(width * rng.uniform(0.034, 0.044))
    spacing = rng.uniform(1.5, 2.0)
    placed: list[Placed] = []
    y = round(base * 0.6)
    for index, row in enumerate(page.rows):
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
            placed.append(Placed(cell, face, max(0, left), y, index, has_values))
        y += round(size * spacing)
    height = max(y + base, round(width * rng.uniform(1.4, 2.0)))
    return Layout(colours, base, width, height, tuple(placed))


def draw_page(
    page: Page,
    rng: random.Random,
    *,
    font: str,
    width: int,
    theme: str | None = None,
    backdrop: Callable[[ImageDraw.ImageDraw, Layout], None] | None = None,
    layout: Layout | None = None,
) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """The page drawn (over what `backdrop` paints first), and each cell's box (left, top, right, bottom)
    in reading order; `layout` is lay_out's, when the caller adjusted it."""
    layout = layout or lay_out(page, rng, font=font, width=width, theme=theme)
    colours, base = layout.theme, layout.base
    image = Image.new("RGB", (layout.width, layout.height), colours.background)
    draw = ImageDraw.Draw(image)
    if backdrop:
        backdrop(draw, layout)
    rules = {p.top for p in layout.placed}
    for rule_y in sorted(rules)[2:]:
        if rng.random() < 0.12:
            draw.line([(0, rule_y - base // 2), (width, rule_y - base // 2)], fill=colours.rule, width=max(1, width // 540))
    boxes = []
    for p in layout.placed:
        draw.text((p.left, p.top), p.cell.text, font=p.face, fill=_colour(p.cell, colours, p.muted))
        boxes.append(draw.textbbox((p.left, p.top), p.cell.text, font=p.face))
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

    def shot(i: int, rng: random.Random, fonts: list[str]) -> tuple[bytes, dict]:
        page = generate_page(rng, layout=layouts[i % len(layouts)])
        font, width = fonts[(i // len(layouts)) % len(fonts)], rng.choice(WIDTHS)
        quality, blur = rng.choice(QUALITIES), rng.choice(BLURS)
        image, boxes = draw_page(page, rng, font=font, width=width)
        record = {
            "layout": page.layout, "family": page.layout, "degradation": "none", "app": page.app,
            "fund_code": page.fund_code, "hold_share": page.hold_share, "flag": page.flag, "font": font,
            "width": width, "quality": quality, "blur": blur, "cells": _cells(page, boxes),
        }
        return encode(image, quality=quality, blur=blur), record

    return _write(out, count=count, seed=seed, shot=shot)


def draw_wild(wild: WildPage, rng: random.Random, *, font: str, width: int) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A wild page drawn over its bands; a whole screen ends just under its last row."""
    layout = lay_out(wild.page, rng, font=font, width=width)
    if wild.screen:
        bottom = max(p.top + p.face.size for p in layout.placed)
        layout = replace(layout, height=bottom + layout.base)
    return draw_page(wild.page, rng, font=font, width=width, layout=layout, backdrop=lambda draw, lay: _bands(draw, lay, wild.bands, rng))


def _bands(draw: ImageDraw.ImageDraw, layout: Layout, bands: tuple[Band, ...], rng: random.Random) -> None:
    """Banners in a tint of an accent colour, cards outlined, the tab bar under a rule with an icon per tab."""
    theme, base, width = layout.theme, layout.base, layout.width
    for band in bands:
        placed = [p for p in layout.placed if band.first <= p.row <= band.last]
        if not placed:
            continue
        top = min(p.top for p in placed) - base // 2
        bottom = max(p.top + p.face.size for p in placed) + base // 2
        if band.kind == "banner":
            accent = rng.choice(ACCENTS)
            tint = tuple(round(b + 0.2 * (a - b)) for a, b in zip(accent, theme.background))
            draw.rounded_rectangle((width * 0.03, top, width * 0.97, bottom), radius=base // 2, fill=tint)
        elif band.kind == "card":
            draw.rounded_rectangle((width * 0.02, top, width * 0.98, bottom), radius=base // 2, outline=theme.rule, width=max(2, width // 400))
        elif band.kind == "tabbar":
            rule_y = top - base
            draw.line([(0, rule_y), (width, rule_y)], fill=theme.rule, width=max(1, width // 540))
            for p in placed:
                centre = p.left + p.face.getlength(p.cell.text) / 2
                radius = base * 0.35
                draw.ellipse((centre - radius, rule_y + base * 0.25, centre + radius, rule_y + base * 0.25 + 2 * radius), outline=theme.muted, width=max(2, width // 400))


def render_wild_set(out: Path, *, count: int, seed: int, families: tuple[str, ...] = FAMILIES) -> Path:
    """Write `count` wild pages, `families` in turn and degradations in turn over them; returns labels.jsonl."""

    def shot(i: int, rng: random.Random, fonts: list[str]) -> tuple[bytes, dict]:
        family = families[i % len(families)]
        degradation = DEGRADATIONS[(i // len(families)) % len(DEGRADATIONS)]
        wild = generate_wild_page(rng, family=family)
        font, width = rng.choice(fonts), rng.choice(WIDTHS)
        image, boxes = draw_wild(wild, rng, font=font, width=width)
        degraded = degrade(image, degradation, rng)
        page = wild.page
        record = {
            "set": "wild", "family": family, "layout": family, "degradation": degradation,
            "app": page.app, "fund_code": page.fund_code, "hold_share": page.hold_share, "flag": page.flag,
            "holdings": [asdict(h) for h in wild.holdings], "code_style": code_style(page), "font": font,
            "page_width": image.width, "page_height": image.height, "width": degraded.width, "height": degraded.height,
            **degraded.settings, "cells": _cells(page, boxes, degraded.transform),
        }
        return degraded.data, record

    return _write(out, count=count, seed=seed, shot=shot)


def _write(out: Path, *, count: int, seed: int, shot: Callable[[int, random.Random, list[str]], tuple[bytes, dict]]) -> Path:
    """`NNNN.jpg` and a line of labels.jsonl for each of `count` pages that `shot` draws from one seeded rng."""
    fonts = _fonts()
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    labels = out / "labels.jsonl"
    with labels.open("w", encoding="utf-8") as sink:
        for i in range(count):
            data, record = shot(i, rng, fonts)
            name = f"{i:04d}.jpg"
            (out / name).write_bytes(data)
            sink.write(json.dumps({"path": name, **record}, ensure_ascii=False) + "\n")
    return labels


def _fonts() -> list[str]:
    fonts = available_fonts()
    if not fonts:
        raise SystemExit(f"no CJK font installed: {INSTALL}")
    return fonts


def _cells(page: Page, boxes: list[tuple[int, int, int, int]], transform: np.ndarray | None = None) -> list[dict]:
    """Each cell's spans and box; through `transform`, also its corners (`quad`) and the box around them."""
    records = []
    for cell, (left, top, right, bottom) in zip(page_lines(page), boxes):
        record: dict = {"box": [left, top, right, bottom]}
        if transform is not None:
            quad = apply(transform, [(left, top), (right, top), (right, bottom), (left, bottom)])
            xs, ys = [x for x, _ in quad], [y for _, y in quad]
            record = {"box": [min(xs), min(ys), max(xs), max(ys)], "quad": quad}
        records.append({**record, "spans": [[s.text, s.label] for s in cell.spans]})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", choices=SETS, default="default", help="the default families, or the wild set")
    parser.add_argument("--layouts", nargs="*", choices=LAYOUTS, default=list(LAYOUTS), help="default set only")
    parser.add_argument("--families", nargs="*", choices=FAMILIES, default=list(FAMILIES), help="wild set only")
    args = parser.parse_args()
    if args.set == "wild":
        print(render_wild_set(args.out, count=args.count, seed=args.seed, families=tuple(args.families)))
    else:
        print(render_set(args.out, count=args.count, seed=args.seed, layouts=tuple(args.layouts)))


if __name__ == "__main__":
    main()
