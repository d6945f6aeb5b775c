"""The same page sets read by several OCR engines, decided by today's service, family by family side by side.

    python -m bench.engine_accuracy --decision full \
        stock=/tmp/eval/c-stock-w12.jsonl default=/tmp/eval/c-default-w12.jsonl ...

Each NAME=CACHE is one engine's reading of one set (caches written by bench.extraction with that engine's
FUNDOCR_OCR__* settings); caches of one set must list the same pages. NAME=FAST+EXACT is the service with
a second look: FAST's reading, and EXACT's (the f32 engine's) on the pages whose FAST answer is worth an
exact reading (service.decide: a near miss, or a share that may be a misread comma), as service.pipeline
answers. Per family (and per degradation where the set has them): positives as right / abstained /
FLAGGED WRONG, negatives left unflagged, and the pages whose every holding is right; then, per engine, the
second looks taken and the families below the first engine's figure. Numbers only; nothing is checked.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bench.extraction import decide_full, decide_rules, evaluate, load, score_holdings
from core.settings import load_settings
from service.reading import Reading


def cell(row: Counter, holdings: Counter) -> str:
    if row["positives"]:
        text = f"{row['right']} / {row['abstained']} / **{row['flagged_wrong']}**"
    else:
        text = f"{row['unflagged']}/{row['negatives']} unflagged"
    if holdings["pages"]:
        text += f"; holdings {holdings['pages_right']}/{holdings['pages']}"
    return text


def score(row: Counter, holdings: Counter) -> tuple[int, int, int]:
    """What "below" compares, higher is better: pages flagged wrong (negated), right or left unflagged, pages
    with every holding right. An engine is below another in a group where any of the three is lower."""
    return (-row["flagged_wrong"] - row["flagged"], row["right"] + row["unflagged"], holdings["pages_right"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("caches", nargs="+", help="NAME=CACHE, the first is the reference")
    parser.add_argument("--decision", choices=("rules", "full"), default="full")
    parser.add_argument("--by", default="family", choices=("family", "degradation"))
    parser.add_argument("--threads", type=int, default=1, help="NER threads for --decision full")
    args = parser.parse_args()
    threshold = load_settings().decision.threshold
    tables: dict[str, tuple[dict[str, Counter], dict[str, Counter]]] = {}
    looks: dict[str, int] = {}
    pages: list[str] | None = None

    def read(path: str) -> tuple[list[dict], list[Reading]]:
        nonlocal pages
        records = load(Path(path))
        paths = [r["path"] for r in records]
        if pages is not None and paths != pages:
            sys.exit(f"{path} lists other pages than the first cache")
        pages = paths
        if args.decision == "full":
            return records, decide_full(records, model=Path("ner_service/model"), threads=args.threads, threshold=threshold)
        return records, decide_rules(records, threshold=threshold)

    for spec in args.caches:
        name, _, paths = spec.partition("=")
        fast, _, exact = paths.partition("+")
        records, readings = read(fast)
        if exact:
            exact_records, exact_readings = read(exact)
            second = [reading.decision.worth_exact_reading for reading in readings]
            looks[name] = sum(second)
            records = [e if look else r for r, e, look in zip(records, exact_records, second, strict=True)]
            readings = [e if look else r for r, e, look in zip(readings, exact_readings, second, strict=True)]
        answers = [reading.decision for reading in readings]
        tables[name] = (evaluate(records, answers, by=args.by), score_holdings(records, readings, by=args.by))
    names = list(tables)
    print(f"command: {' '.join(sys.orig_argv)}")
    print(f"{len(pages or [])} pages, decision {args.decision}, threshold {threshold}; positives right / abstained / **flagged wrong**\n")
    print("| " + args.by + " | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    groups = sorted({g for outcomes, _ in tables.values() for g in outcomes})
    for group in [*groups, "all"]:
        cells = []
        for name in names:
            outcomes, holdings = tables[name]
            row = sum(outcomes.values(), Counter()) if group == "all" else outcomes[group]
            held = sum(holdings.values(), Counter()) if group == "all" else holdings[group]
            cells.append(cell(row, held))
        print(f"| {group} | " + " | ".join(cells) + " |")
    reference = tables[names[0]]
    print()
    for name, count in looks.items():
        print(f"{name}: second looks on {count} of {len(pages or [])} pages")
    for name in names[1:]:
        below = [
            g
            for g in groups
            if any(a < b for a, b in zip(score(*(t[g] for t in tables[name])), score(*(t[g] for t in reference)), strict=True))
        ]
        print(f"{name}: below {names[0]} in {', '.join(below) if below else 'no ' + args.by}")


if __name__ == "__main__":
    main()
