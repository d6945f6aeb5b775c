"""What staff corrections teach: an unseen page family corrected through the API, exported, learned, reprocessed.

    python -m bench.learning_loop --train 100 --heldout 60 --old 60 --corrections 20 50 100 --minutes 6

1. Renders pages of a family the shipped model has never seen (bench.screens.traditional: traditional
   characters, 基金代號 / 持有單位), a pool to correct and held-out pages (other seeds), and held-out pages of
   the old families (bench.screens.render); the real OCR reads each once (cached under --work).
2. Serves the service on 127.0.0.1 with the shipped model and a fresh SQLite database. Its OCR step replays
   the cached real OCR result of each image (recognising the same pages again would only cost time); the
   download, rules, model, policy and storage are the service's own. Every page is asked once: "before".
3. For each number of corrections: staff correct that many pool pages through POST /ocr_info_update (the
   truth); export-corrections; the rules learn labels from the export (ocr_service.teach, as
   `server.py learn-labels`) and, unless --minutes is 0, the shipped model is trained on it (--start-from,
   --minutes); reprocess decides every stored answer again with both; the held-out answers are scored again.

Prints, per family, right / abstained / flagged wrong before and after each round.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

import aiohttp

from bench.extraction import load, ocr_set, to_page
from bench.screens.render import render_set
from bench.screens.traditional import render_family
from core.settings import REPO_ROOT, Settings
from db import results
from db.engine import transaction
from ner_service import train
from ner_service.batcher import NerBatcher
from ner_service.predict import NerPredictor
from ocr_service.teach import teach
from ocr_service.types import OcrResult
from server import database, migrate
from service.export import read_corrected, write_export
from service.ner import NerReader
from service.reprocess import reprocess
from testkit.api import API_KEY, Service, served
from testkit.image_host import image_host
from testkit.settings import config_for

SHIPPED = REPO_ROOT / "ner_service" / "model"


class ReplayOcr:
    """The service's OCR step answering each image with the real OCR's cached result for it."""

    version = "replay-of-real-ocr"
    exact_version = None  # the cache holds one reading per page
    queue_depth = 0

    def __init__(self, records: list[dict], images: dict[str, bytes]) -> None:
        self._pages = {
            hashlib.sha256(images[r["url"]]).hexdigest(): to_page(r)
            for r in records
        }

    async def recognize(self, image: bytes, *, exact: bool = False) -> OcrResult:
        return self._pages[hashlib.sha256(image).hexdigest()]

    def close(self) -> None:
        pass


def read_set(folder: Path, cache: Path, render, instances: int) -> list[dict]:  # type: ignore[no-untyped-def]
    if not cache.exists():
        render(folder)
        ocr_set(folder, cache, instances=instances, threads=1)
    return [{**r, "image": (folder / r["path"]).read_bytes()} for r in load(cache)]


def outcome(record: dict, flag: bool, code: str, share: str) -> str:
    """right, abstained or flagged_wrong for a page of one fund; right or flagged_wrong for a negative."""
    if not record["flag"]:
        return "flagged_wrong" if flag else "right"
    if not flag:
        return "abstained"
    right = code == record["fund_code"] and Decimal(share) == Decimal(record["hold_share"])
    return "right" if right else "flagged_wrong"


def family(record: dict) -> str:
    return "unseen: traditional" if record["layout"].startswith("traditional/") else f"old: {record['layout']}"


async def stored_outcomes(engine, pages: list[dict]) -> dict[str, Counter[str]]:  # type: ignore[no-untyped-def]
    table: dict[str, Counter[str]] = {}
    async with transaction(engine) as conn:
        for record in pages:
            row = await results.get_by_url_hash(conn, url_hash=results.url_hash(record["url"]))
            assert row is not None
            table.setdefault(family(record), Counter())[outcome(record, row.flag, row.fund_code, row.hold_share)] += 1
    return table


def show(title: str, table: dict[str, Counter[str]]) -> None:
    print(f"\n{title}")
    print(f"  {'family':28}{'pages':>6}{'right':>9}{'abstained':>11}{'flagged wrong':>15}")
    for name in sorted(table):
        c = table[name]
        n = sum(c.values())
        print(f"  {name:28}{n:6d}{100 * c['right'] / n:8.1f}%{100 * c['abstained'] / n:10.1f}%{100 * c['flagged_wrong'] / n:14.1f}%")


def fresh_database(work: Path) -> Settings:
    """Settings of a new, migrated SQLite database under `work`, the shipped model on."""
    (work / "loop.db").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{work / 'loop.db'}"
    config = config_for(url, NER__ENABLED="true", AUTH__API_KEYS__BACKOFFICE=API_KEY)
    migrate(config)  # Alembic runs its own event loop: not on this one
    return config


async def run(args: argparse.Namespace) -> None:
    work = args.work
    pool = read_set(work / "pool", work / "pool.jsonl", lambda f: render_family(f, count=args.train, seed=31), args.instances)
    held = read_set(work / "held", work / "held.jsonl", lambda f: render_family(f, count=args.heldout, seed=32), args.instances)
    old = read_set(work / "old", work / "old.jsonl", lambda f: render_set(f, count=args.old, seed=2), args.instances)
    config = await asyncio.to_thread(fresh_database, work)
    with image_host() as host:
        for i, record in enumerate(pool + held + old):
            record["url"] = host.put(f"{i:05d}.jpg", record["image"], "image/jpeg")
        ocr = ReplayOcr(pool + held + old, {r["url"]: r["image"] for r in pool + held + old})
        server, _app = served(config, ocr)  # type: ignore[arg-type]
        async with aiohttp.ClientSession() as http:
            with server as base:
                service = Service(base, _app, ocr, host, http)  # type: ignore[arg-type]
                for record in pool + held + old:
                    reply = await service.ocr_handler(record["url"])
                    assert reply.status == 200, reply.body
                engine = database(config)
                show("before (shipped model)", await stored_outcomes(engine, held + old))
                corrected = 0
                for count in args.corrections:
                    for record in pool[corrected:count]:
                        reply = await service.correct(record["url"], record["fund_code"], record["hold_share"])
                        assert reply.status == 200, reply.body
                    corrected = count
                    await learn(engine, work, count, args, threshold=config.decision.threshold)
                    show(f"after {count} corrections", await stored_outcomes(engine, held + old))
                await engine.dispose()


async def learn(engine, work: Path, count: int, args: argparse.Namespace, *, threshold: float) -> None:  # type: ignore[no-untyped-def]
    exported = work / f"fixes-{count}.jsonl"
    tally = await write_export(engine, exported)
    taught = teach(read_corrected([exported]))
    model, trained = SHIPPED, "the shipped model"
    if args.minutes > 0:
        model = work / f"model-{count}"
        options = ["--data", "holdings", "--start-from", str(SHIPPED), "--corrections", str(exported), "--out", str(model),
                   "--minutes", str(args.minutes), "--steps", "100000", "--pages", str(args.pages), "--dev-pages", "200",
                   "--lr", str(args.lr), "--threads", str(args.threads), "--seed", "1"]  # fmt: skip
        await asyncio.to_thread(train.main, options)
        card = json.loads((model / train.CARD_FILE).read_text())
        trained = f"model {card['version']} ({card['steps']} steps in {card['minutes']} min, dev F1 {card['dev']['f1']})"
    predictor = await asyncio.to_thread(NerPredictor.load, model, threads=args.threads, int8=True)
    batcher = NerBatcher(predictor, max_batch=16, max_wait_ms=5)
    ner = NerReader(batcher, version=predictor.version)
    changed = await reprocess(engine, ner=ner, threshold=threshold, learned=taught.labels)
    await batcher.close()
    learned = json.dumps(taught.labels, ensure_ascii=False)
    print(f"\n{count} corrections: export {dict(tally)}; labels learned {learned}; {trained}; reprocess {dict(changed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/fundocr-learning-loop"))
    parser.add_argument("--train", type=int, default=100, help="pages of the unseen family staff may correct")
    parser.add_argument("--heldout", type=int, default=60, help="held-out pages of the unseen family")
    parser.add_argument("--old", type=int, default=60, help="held-out pages of the old families")
    parser.add_argument("--corrections", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--minutes", type=float, default=6.0, help="model training time per round (0: labels only)")
    parser.add_argument("--pages", type=int, default=600, help="generated pages per epoch beside the corrections")
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--instances", type=int, default=2, help="OCR engines for the first read")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
