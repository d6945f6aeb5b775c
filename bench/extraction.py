"""Extraction accuracy on rendered screenshots read by the real OCR engine: our rules next to the owner's.

    python -m bench.extraction --count 300 --seed 1

renders a labelled set (bench.screens.render: every layout family, the installed CJK fonts, widths
720-1440, JPEG qualities, slight blur, negatives), OCRs it once into a cache (`--cache`, JSON lines), then
prints per layout family the share of positives answered exactly (code, share and flag) and of negatives
left unflagged. Re-runs with the same cache only re-evaluate the rules.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

from bench.owner_rules import owner_extract
from bench.screens.render import render_set
from ocr_service.extract import extract
from ocr_service.types import OcrLine


def ocr_set(folder: Path, cache: Path, *, instances: int, threads: int) -> None:
    """OCR every image listed in folder/labels.jsonl into `cache`: the label record plus the lines."""
    from ocr_service.pool import EnginePool

    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    with EnginePool(instances=instances, threads_per_instance=threads) as pool:
        futures = [pool.submit((folder / r["path"]).read_bytes()) for r in records]
        partial = cache.with_name(cache.name + ".part")
        with partial.open("w", encoding="utf-8") as sink:
            for record, future in tqdm(zip(records, futures), total=len(records), desc="OCR", unit="img"):
                result = future.result()
                lines = [[line.text, line.confidence, line.box] for line in result.lines]
                sink.write(json.dumps({**record, "lines": lines, "seconds": result.seconds}, ensure_ascii=False) + "\n")
        partial.rename(cache)


def load(cache: Path) -> list[dict]:
    return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]


def to_lines(record: dict) -> list[OcrLine]:
    return [OcrLine(text, confidence, tuple(tuple(p) for p in box)) for text, confidence, box in record["lines"]]


def correct(record: dict, answer: tuple[str, str, bool] | None) -> bool:
    """Right when the answer is the truth; a crash (None) is wrong on positives and negatives alike."""
    if answer is None:
        return False
    if not record["flag"]:
        return not answer[2]
    return answer == (record["fund_code"], record["hold_share"], True)


def evaluate(records: list[dict], *, show: int = 0) -> dict[str, dict[str, list[int]]]:
    """{layout: {"ours"|"owner": [right, total], "crashes": [owner's IndexErrors]}}, printing `show` of our misses."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"ours": [0, 0], "owner": [0, 0], "crashes": [0]})
    for record in records:
        lines = to_lines(record)
        found = extract(lines)
        answers = {"ours": (found.fund_code, found.hold_share, found.flag), "owner": owner_extract([l.text for l in lines])}
        table[record["layout"]]["crashes"][0] += answers["owner"] is None
        for who, answer in answers.items():
            cell = table[record["layout"]][who]
            cell[0] += correct(record, answer)
            cell[1] += 1
        if show and not correct(record, answers["ours"]):
            show -= 1
            truth = (record["fund_code"], record["hold_share"], record["flag"])
            print(f"miss {record['path']} {record['layout']} truth={truth} ours={found}", file=sys.stderr)
            print("   " + " / ".join(l.text for l in lines), file=sys.stderr)
    return table


def report(table: dict[str, dict[str, list[int]]]) -> None:
    def share(pair: list[int]) -> str:
        return f"{100 * pair[0] / pair[1]:6.1f}% ({pair[0]}/{pair[1]})" if pair[1] else "-"

    print(f"{'layout':12} {'ours':>18} {'owner':>18}")
    groups = {"positives exactly right": [], "negatives left unflagged": []}
    for layout, row in table.items():
        print(f"{layout:12} {share(row['ours']):>18} {share(row['owner']):>18}")
        negative = layout in ("multi_fund", "no_share")
        groups["negatives left unflagged" if negative else "positives exactly right"].append(row)
    print(f"owner's rules raised IndexError on {sum(row['crashes'][0] for row in table.values())} screenshots")
    for name, rows in groups.items():
        total = {who: [sum(r[who][0] for r in rows), sum(r[who][1] for r in rows)] for who in ("ours", "owner")}
        print(f"{name}: ours {share(total['ours'])}, owner {share(total['owner'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--images", type=Path, help="where to render (default /tmp/fundocr-screens-SEED-COUNT)")
    parser.add_argument("--cache", type=Path, help="OCR lines cache (default /tmp/fundocr-ocr-SEED-COUNT.jsonl)")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="threads per engine instance")
    parser.add_argument("--show", type=int, default=0, help="print this many of our misses")
    args = parser.parse_args()
    tag = f"{args.seed}-{args.count}"
    images = args.images or Path(f"/tmp/fundocr-screens-{tag}")
    cache = args.cache or Path(f"/tmp/fundocr-ocr-{tag}.jsonl")
    if not cache.exists():
        os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
        render_set(images, count=args.count, seed=args.seed)
        ocr_set(images, cache, instances=args.instances, threads=args.threads)
    records = load(cache)
    print(f"{len(records)} screenshots, OCR lines from {cache}")
    report(evaluate(records, show=args.show))


if __name__ == "__main__":
    main()
