"""Whether a change leaves the contract's answers alone: `flag`, `fund_code`, `hold_share`, confidences and
reasons of every cached page, decided by the rules (service.reading.read_page without the model).

    git archive main | tar -x -C /tmp/main-src
    PYTHONPATH=/tmp/main-src .venv/bin/python bench/contract.py --out /tmp/main.json CACHE.jsonl ...
    PYTHONPATH=. .venv/bin/python bench/contract.py --against /tmp/main.json CACHE.jsonl ...

Run as a file, so that PYTHONPATH decides which source tree answers; it reads the caches of
bench/extraction.py itself (lines as the database keeps them: `box`, and `upright_box` where the page was
turned) and needs nothing else of bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from ocr_service.types import OcrLine, OcrResult
from service.reading import read_page


def _quad(points: list[list[int]]) -> Any:
    return tuple(tuple(p) for p in points)


async def answers(caches: list[Path]) -> list[dict[str, Any]]:
    """One row per cached page: its cache, path and the rules' decision."""
    rows = []
    for cache in caches:
        for text in cache.read_text(encoding="utf-8").splitlines():
            record = json.loads(text)
            lines = tuple(
                OcrLine(line["text"], line["confidence"], _quad(line["box"]), _quad(line["upright_box"]) if "upright_box" in line else None)
                for line in record["lines"]
            )
            page = OcrResult(lines, record["width"], record["height"], orientation_unsure=record["orientation_unsure"])
            decision = (await read_page(page, None, threshold=0.9)).decision
            answer = [decision.flag, decision.fund_code, decision.hold_share, decision.confidence, list(decision.reasons)]
            rows.append({"cache": cache.name, "path": record["path"], "answer": answer})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("caches", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="write the answers here")
    parser.add_argument("--against", type=Path, help="compare with answers written by another tree")
    args = parser.parse_args()
    rows = asyncio.run(answers(args.caches))
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    if args.against:
        before = {(r["cache"], r["path"]): r["answer"] for r in json.loads(args.against.read_text(encoding="utf-8"))}
        changed = [r for r in rows if before.get((r["cache"], r["path"])) != r["answer"]]
        contract = [r for r in changed if before.get((r["cache"], r["path"]), [None] * 3)[:3] != r["answer"][:3]]
        print(f"{len(rows)} pages: {len(changed)} answers differ, {len(contract)} in flag / fund_code / hold_share")
        for row in changed:
            print(f"  {row['cache']} {row['path']}: {before.get((row['cache'], row['path']))} -> {row['answer']}")


if __name__ == "__main__":
    main()
