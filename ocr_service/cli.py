"""`python -m ocr_service PATH [PATH ...]`: one JSON object per image per line on stdout.

Folders are searched recursively for .png .jpg .jpeg .webp .bmp files; files named directly are read
whatever their suffix. Each line has `path`, `flag`, `fund_code`, `hold_share`, `holdings` (every fund on the
page, `ocr_service.holdings`), `lines` and `seconds`;
an image that cannot be read also has `error`. The exit code is 0 whatever the images held.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from tqdm import tqdm

from core.settings import MAX_PIXELS

from .errors import OcrError
from .extract import extract
from .holdings import holdings, single
from .pool import EnginePool
from .support import support
from .types import OcrResult

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
NO_ANSWER = {"flag": False, "fund_code": "", "hold_share": "", "holdings": [], "lines": []}
PROGRESS_FROM = 5  # images; fewer finish before a bar would tell anything


def find_images(paths: Iterable[str]) -> list[Path]:
    """Files as given, and the images under each folder in name order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(path)
    return found


def record(path: Path, outcome: Future[OcrResult]) -> dict[str, Any]:
    """The JSON object printed for one image."""
    try:
        result = outcome.result()
    except OcrError as exc:
        return {**NO_ANSWER, "path": str(path), "error": str(exc)}
    found = extract(result.lines)
    listed = holdings(result.lines)
    if found.flag:
        # answered as one fund: its one holding is the answer
        sure = min(support(found, "fund_code").confidence, support(found, "hold_share").confidence)
        listed = (single(listed, found, result.lines, fund_code=found.fund_code, share=found.hold_share, confidence=round(sure, 4)),)
    return {
        "path": str(path),
        "flag": found.flag,
        "fund_code": found.fund_code,
        "hold_share": found.hold_share,
        "holdings": [holding.as_json() for holding in listed],
        "lines": [
            {"text": line.text, "confidence": round(line.confidence, 4), "box": line.box}
            for line in result.lines
        ],
        "rotation": result.rotation,
        "orientation_unsure": result.orientation_unsure,
        "tilt": result.tilt,
        "seconds": round(result.seconds, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ocr_service", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.add_argument("--instances", type=int, default=1, help="OCR engines working in parallel (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per engine (default 1)")
    parser.add_argument("--max-pixels", type=int, default=MAX_PIXELS, help="refuse larger images")
    args = parser.parse_args(argv)
    images = find_images(args.paths)
    try:
        pool = EnginePool(
            instances=args.instances, threads_per_instance=args.threads, max_pixels=args.max_pixels
        )
    except OcrError as exc:
        parser.error(str(exc))
    # A short window of images in flight keeps every engine busy without reading all files at once.
    pending: deque[tuple[Path, Future[OcrResult]]] = deque()
    quiet = len(images) < PROGRESS_FROM
    with pool, tqdm(total=len(images), unit="image", file=sys.stderr, disable=quiet) as bar:
        for path in images:
            pending.append((path, _submit(pool, path)))
            if len(pending) > 2 * args.instances:
                _print(record(*pending.popleft()))
                bar.update()
        while pending:
            _print(record(*pending.popleft()))
            bar.update()
    return 0


def _submit(pool: EnginePool, path: Path) -> Future[OcrResult]:
    try:
        return pool.submit(path.read_bytes())
    except OSError as exc:
        failed: Future[OcrResult] = Future()
        failed.set_exception(OcrError(f"cannot read the file: {exc.strerror or exc}"))
        return failed


def _print(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
