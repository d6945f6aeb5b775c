"""Extraction accuracy on rendered screenshots read by the real OCR engine: right, abstained, flagged wrong.

    python -m bench.extraction --count 300 --seed 1
    python -m bench.extraction --set wild --count 360 --seed 11 --decision full --calibration /tmp/cal_11.jsonl
    python -m bench.extraction --set wild --families list --count 80 --seed 12 --by family degradation

renders a labelled set (bench.screens.render: the default layout families, or with `--set wild` the wild
families of bench/screens/wild.py photographed, tilted, turned and shrunk by bench/screens/degrade.py),
OCRs it once into a cache (`--cache`, JSON lines), then prints a table per family and per degradation
(`--by`): on positives the pages answered exactly (code, share and flag), abstained (flag false) and
FLAGGED WRONG (flag true with a wrong code or share); on negatives (lists, quote pages, ...) the pages
left unflagged; and the original rules' exact answers on the same lines. Re-runs with the same cache
only re-decide.

On pages whose labels list their holdings (the wild set; `--families list` renders list pages alone) it
also scores `holdings`: pages with every holding exactly right (code, held and available shares, in
order, nothing more), holdings found, holdings invented (returned funds that are no whole holding of the
page, such as a fund cut at the edge), and on flagged pages whether `holdings` is exactly the one of `data`.

`--decision rules` scores what the service answers without its model (service.reading.read_page: the
rules of ocr_service.extract, then service.decide); `--decision full` with the NER model as well. Whatever
the decision returns, its `flag` is the answer's; `--calibration OUT` writes per page its confidence,
whether each field was right and the outcome, to choose a threshold on one seed and check it on another.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench.owner_rules import owner_extract
from bench.screens.render import SETS, render_set, render_wild_set
from bench.screens.wild import FAMILIES
from core.settings import load_settings
from ocr_service.types import OcrResult
from service.reading import Reading, line_json, lines_of, read_page

GROUPS = ("family", "degradation", "code_style")


def ocr_set(folder: Path, cache: Path, *, instances: int, threads: int) -> None:
    """OCR every image listed in folder/labels.jsonl into `cache`: the label record plus the lines. An
    interrupted run's `cache`.part is kept and continued."""
    from ocr_service.pool import EnginePool

    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    partial = cache.with_name(cache.name + ".part")
    done = {json.loads(line)["path"] for line in partial.read_text(encoding="utf-8").splitlines()} if partial.exists() else set()
    records = [r for r in records if r["path"] not in done]
    # config.yaml's engine (backend, precision, max_side), FUNDOCR_OCR__* overrides applied
    # One reading per page: the engine's first (a second look's f32 reading is an f32 cache of its own,
    # composed with this one by bench.engine_accuracy as the service composes them).
    engine = {**load_settings().ocr.engine, "second_look": False}
    with EnginePool(instances=instances, threads_per_instance=threads, **engine) as pool:
        futures = [pool.submit((folder / r["path"]).read_bytes()) for r in records]
        with partial.open("a", encoding="utf-8") as sink:
            for record, future in tqdm(zip(records, futures), total=len(records), desc="OCR", unit="img"):
                sink.write(json.dumps({**record, **page_json(future.result())}, ensure_ascii=False) + "\n")
        partial.rename(cache)


def load(cache: Path) -> list[dict]:
    return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]


def page_json(page: OcrResult) -> dict[str, Any]:
    """What the cache keeps of a read page: its lines as the database keeps them, and how it was turned."""
    kept = dataclasses.asdict(page)
    return {**kept, "lines": [line_json(line) for line in page.lines]}


def to_page(record: dict) -> OcrResult:
    """The page as the OCR read it, from its cache record."""
    kept = {f.name: record[f.name] for f in dataclasses.fields(OcrResult) if f.name in record}
    return OcrResult(**{**kept, "lines": lines_of(record["lines"])})


def texts(record: dict) -> list[str]:
    return [line["text"] for line in record["lines"]]


def correct(record: dict, answer: tuple[str, str, bool] | None) -> bool:
    """Right when the answer is the truth; a crash (None) is wrong on positives and negatives alike."""
    if answer is None:
        return False
    if not record["flag"]:
        return not answer[2]
    return answer == (record["fund_code"], record["hold_share"], True)


def outcome(record: dict, answer: Any) -> str:
    """`right`, `abstained` or `flagged_wrong` on a positive page; `unflagged` or `flagged` on a negative.
    `answer` is anything with `fund_code`, `hold_share` and `flag` (an Extraction, a Decision, ...)."""
    if not record["flag"]:
        return "flagged" if answer.flag else "unflagged"
    if not answer.flag:
        return "abstained"
    return "right" if (answer.fund_code, answer.hold_share) == (record["fund_code"], record["hold_share"]) else "flagged_wrong"


def decide_rules(records: Sequence[dict], *, threshold: float) -> list[Reading]:
    """What a service without a model answers from each page's lines (service.reading.read_page, no NER)."""
    return asyncio.run(_read_all(records, None, threshold=threshold))


def decide_full(records: Sequence[dict], *, model: Path, threads: int, threshold: float) -> list[Reading]:
    """What the service answers from each page's lines: service.reading.read_page with the service's NER step."""
    from ner_service.batcher import NerBatcher
    from ner_service.predict import NerPredictor
    from service.ner import NerReader

    async def read() -> list[Reading]:
        predictor = NerPredictor.load(model, threads=threads)
        batcher = NerBatcher(predictor, max_batch=16, max_wait_ms=5)
        try:
            return await _read_all(records, NerReader(batcher, version=predictor.version), threshold=threshold)
        finally:
            await batcher.close()

    return asyncio.run(read())


async def _read_all(records: Sequence[dict], ner: Any, *, threshold: float) -> list[Reading]:
    return list(await asyncio.gather(*(read_page(to_page(r), ner, threshold=threshold) for r in records)))


def group(record: dict, by: str) -> str:
    """The record's value of `by`; caches written before the wild set have only `layout` and no degradation."""
    return str(record.get(by, {"family": record["layout"], "degradation": "none"}.get(by)))


def evaluate(records: Sequence[dict], answers: Sequence[Any], *, by: str, show: int = 0) -> dict[str, Counter]:
    """{group value: Counter of outcomes, plus `owner` (the original rules right) and `pages`}, over `by`."""
    table: dict[str, Counter] = defaultdict(Counter)
    for record, answer in zip(records, answers):
        row = table[group(record, by)]
        result = outcome(record, answer)
        row[result] += 1
        row["pages"] += 1
        row["positives" if record["flag"] else "negatives"] += 1
        row["owner"] += correct(record, owner_extract(texts(record)))
        if show and result not in ("right", "unflagged"):
            show -= 1
            truth = (record["fund_code"], record["hold_share"], record["flag"])
            print(f"{result} {record['path']} {record.get('family')}/{record.get('degradation')} truth={truth} got={answer}", file=sys.stderr)
            print("   " + " / ".join(texts(record)), file=sys.stderr)
    return table


def report(table: dict[str, Counter], *, by: str) -> None:
    """A markdown table: one row per group, then all pages."""

    def part(count: int, total: int) -> str:
        return f"{100 * count / total:.1f}% ({count}/{total})" if total else "-"

    total = sum(table.values(), Counter())
    print(f"| {by} | right | abstained | **flagged wrong** | negatives unflagged | original rules right |")
    print("|---|---|---|---|---|---|")
    for name, row in [*table.items(), ("**all**", total)]:
        positives, negatives = row["positives"], row["negatives"]
        cells = [
            part(row["right"], positives),
            part(row["abstained"], positives),
            part(row["flagged_wrong"], positives),
            part(row["unflagged"], negatives),
            part(row["owner"], row["pages"]),
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()


def score_holdings(records: Sequence[dict], readings: Sequence[Reading], *, by: str = "family", show: int = 0) -> dict[str, Counter]:
    """{group value: Counter} over the pages whose labels list their holdings: `pages`, `pages_right` (every
    holding returned with its code and shares exactly, and nothing more), `truth` (holdings on the pages),
    `found` (those returned exactly), `returned`, `invented` (returned funds that are no whole holding of
    the page: a fund cut at the edge, a title, a fund read twice), `names_right` among the returned; and
    over flagged pages, `flagged` and `flagged_as_data` (exactly one holding, equal to the answer)."""
    table: dict[str, Counter] = defaultdict(Counter)
    for record, reading in zip(records, readings):
        counts = table[group(record, by)]
        decision = reading.decision
        if decision.flag:
            one = [(h.fund_code, h.share) for h in reading.holdings] == [(decision.fund_code, decision.hold_share)]
            counts.update(flagged=1, flagged_as_data=one)
        if "holdings" not in record:
            continue
        truth = [(h["fund_code"], h["hold_share"], h["available_share"]) for h in record["holdings"]]
        got = [(h.fund_code, h.hold_share, h.available_share) for h in reading.holdings]
        unmatched = Counter(truth)
        found = 0
        for key in got:
            if unmatched[key] > 0:
                unmatched[key] -= 1
                found += 1
        names = {h["fund_name"] for h in record["holdings"]}
        right = got == truth
        counts.update(
            pages=1, pages_right=right, truth=len(truth), found=found, returned=len(got),
            invented=len(got) - _same_funds(record["holdings"], reading.holdings),
            names_right=sum(1 for h in reading.holdings if h.fund_name in names),
        )
        if show and not right:
            show -= 1
            print(f"holdings {record['path']} {record.get('degradation')}\n  truth={truth}\n  got=  {got}", file=sys.stderr)
            print("   " + " / ".join(texts(record)), file=sys.stderr)
    return table


def _same_funds(truth: Sequence[dict], got: Sequence[Any]) -> int:
    """How many returned holdings are funds of the page, one for one: by code where the page shows codes,
    else by name or by shares."""
    left = list(truth)
    same = 0
    for holding in got:
        match = next(
            (t for t in left if (t["fund_code"] == holding.fund_code if t["fund_code"] else t["fund_name"] == holding.fund_name)),
            None,
        ) or next((t for t in left if (t["hold_share"], t["available_share"]) == (holding.hold_share, holding.available_share)), None)
        if match is not None:
            left.remove(match)
            same += 1
    return same


def report_holdings(table: dict[str, Counter], *, by: str = "family") -> None:
    """A markdown table of score_holdings: one row per group, then all pages."""

    def part(count: int, total: int) -> str:
        return f"{100 * count / total:.1f}% ({count}/{total})" if total else "-"

    total = sum(table.values(), Counter())
    print(f"| {by} | pages with every holding right | holdings found | **holdings invented** (of returned) | names right (of returned) | flagged: one holding = data |")
    print("|---|---|---|---|---|---|")
    for name, row in [*table.items(), ("**all**", total)]:
        cells = [
            part(row["pages_right"], row["pages"]),
            part(row["found"], row["truth"]),
            part(row["invented"], row["returned"]),
            part(row["names_right"], row["returned"]),
            part(row["flagged_as_data"], row["flagged"]),
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()


def calibration(records: Sequence[dict], readings: Sequence[Reading], out: Path) -> None:
    """Per page: the decision's answer and confidence, the truth, whether each field was right, the outcome."""
    with out.open("w", encoding="utf-8") as sink:
        for record, reading in zip(records, readings):
            answer = reading.decision
            confidence = getattr(answer, "confidence", None)
            if dataclasses.is_dataclass(confidence):
                confidence = dataclasses.asdict(confidence)
            row = {
                "path": record["path"],
                "family": group(record, "family"),
                "degradation": group(record, "degradation"),
                "positive": record["flag"],
                "truth": {"fund_code": record["fund_code"], "hold_share": record["hold_share"]},
                "answer": {"fund_code": answer.fund_code, "hold_share": answer.hold_share, "flag": answer.flag},
                "code_right": bool(record["flag"]) and answer.fund_code == record["fund_code"],
                "share_right": bool(record["flag"]) and answer.hold_share == record["hold_share"],
                "outcome": outcome(record, answer),
                "confidence": confidence,
                "needs_review": getattr(answer, "needs_review", None),
                "decided_by": getattr(answer, "source", None),
                "reasons": list(getattr(answer, "reasons", ())),
                "rules_candidates": {"fund_codes": list(reading.rules.fund_codes), "shares": list(reading.rules.shares)},
            }
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="default", help="default families (seeds 1, 2) or the wild set (seeds 11, 12)")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--families", nargs="*", choices=FAMILIES, default=list(FAMILIES), help="wild families to render (--set wild)")
    parser.add_argument("--images", type=Path, help="where to render (default /tmp/fundocr-[wild-]screens-SEED-COUNT)")
    parser.add_argument("--cache", type=Path, help="OCR lines cache (default /tmp/fundocr-[wild-]ocr-SEED-COUNT.jsonl)")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="threads per engine instance (and for the NER model)")
    parser.add_argument("--decision", choices=("rules", "full"), default="rules", help="the rules alone, or rules + NER + decide")
    parser.add_argument("--model", type=Path, default=Path("ner_service/model"), help="NER model folder for --decision full")
    parser.add_argument("--threshold", type=float, help="flag threshold (default: decision.threshold of config.yaml)")
    parser.add_argument("--by", nargs="*", choices=GROUPS, default=["family", "degradation"])
    parser.add_argument("--calibration", type=Path, help="write per-page confidences and outcomes here (JSON lines)")
    parser.add_argument("--show", type=int, default=0, help="print this many pages not answered right")
    args = parser.parse_args()
    prefix = "wild-" if args.set == "wild" else ""
    tag = f"{args.seed}-{args.count}"
    images = args.images or Path(f"/tmp/fundocr-{prefix}screens-{tag}")
    cache = args.cache or Path(f"/tmp/fundocr-{prefix}ocr-{tag}.jsonl")
    if not cache.exists():
        os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
        if args.set == "wild":
            render_wild_set(images, count=args.count, seed=args.seed, families=tuple(args.families))
        else:
            render_set(images, count=args.count, seed=args.seed)
        ocr_set(images, cache, instances=args.instances, threads=args.threads)
    records = load(cache)
    threshold = load_settings().decision.threshold if args.threshold is None else args.threshold
    if args.decision == "full":
        readings = decide_full(records, model=args.model, threads=args.threads, threshold=threshold)
    else:
        readings = decide_rules(records, threshold=threshold)
    answers = [reading.decision for reading in readings]
    print(f"{len(records)} screenshots, OCR lines from {cache}, decision: {args.decision}, threshold {threshold}\n")
    for index, by in enumerate(args.by):
        report(evaluate(records, answers, by=by, show=args.show if index == 0 else 0), by=by)
    print("Holdings (`holdings` of the answer; the list scores on pages whose labels list them):\n")
    for index, by in enumerate(args.by):
        report_holdings(score_holdings(records, readings, by=by, show=args.show if index == 0 else 0), by=by)
    if args.calibration:
        calibration(records, readings, args.calibration)
        print(f"calibration rows: {args.calibration}")


if __name__ == "__main__":
    main()
