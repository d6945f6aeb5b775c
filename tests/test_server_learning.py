"""`python server.py export-corrections`, `learn-labels` and `reprocess` against what the API stored, on SQLite
and MariaDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import update

from core.settings import REPO_ROOT
from db import corrections, results
from db.engine import create_engine, transaction
from db.tables import results as results_table
from db.tables import utcnow
from testkit.api import API_KEY, Service, served
from testkit.drawing import blank_png
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.settings import config_for


def command(database_url: str, *args: str, ner: bool = False, **settings: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FUNDOCR_")}
    env.update(FUNDOCR_DATABASE__URL=database_url, FUNDOCR_NER__ENABLED=str(ner).lower(), OMP_NUM_THREADS="1")
    env.update({f"FUNDOCR_{key}": value for key, value in settings.items()})
    done = subprocess.run(
        [sys.executable, "server.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


async def corrections_state(database_url: str, since) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every correction of the rows stored since `since`: the values beside the row and its whole history."""
    engine = create_engine(database_url)
    try:
        async with transaction(engine) as conn:
            rows = await results.list_results(conn, since=since)
            return [
                (r.url, r.corrected_fund_code, r.corrected_hold_share, r.corrected_at, r.corrected_by,
                 [(c.new_fund_code, c.new_hold_share, c.author) for c in await corrections.list_for(conn, result_id=r.id)])
                for r in rows
            ]  # fmt: skip
    finally:
        await engine.dispose()


@pytest.fixture
async def service(database_url: str, image_host: ImageHost) -> AsyncIterator[Service]:
    ocr = FakeOcr(delay=0.01)
    # no memory of answers: each request reads what the commands left in the database
    server, app = served(config_for(database_url, AUTH__API_KEYS__BACKOFFICE=API_KEY, CACHE__SIZE="0"), ocr)
    async with aiohttp.ClientSession() as http:
        with server as base:
            yield Service(base, app, ocr, image_host, http)


def page(service: Service, lines: list[str]) -> str:
    image = service.ocr.teach(blank_png(), lines)
    return service.host.put(f"learn-{len(service.host.files)}.png", image)


async def test_corrections_export_as_labelled_text_and_reprocessing_keeps_them(
    service: Service, database_url: str, tmp_path: Path
) -> None:
    started = utcnow()
    flagged = service.holding("110022", "1234.56")
    unsure = page(service, ["华夏成长混合 000001", "易方达消费行业 110022", "可用份额 2,000.00"])
    accepted = service.holding("519002", "300")
    unread = page(service, ["招商中证白酒指数", "份额 ***"])
    for url in (flagged, unsure, accepted, unread):
        assert (await service.ocr_handler(url)).status == 200
    assert (await service.ocr_handler(unsure)).body["flag"] is False
    for url, code, share in ((unsure, "000001", "2000"), (accepted, "519002", "300"), (unread, "161725", "88")):
        assert (await service.correct(url, code, share)).status == 200

    out = tmp_path / "fixes.jsonl"
    tally = command(database_url, "export-corrections", "--out", str(out), "--since", started.isoformat())
    records = {r["image_url"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert tally["exported"] == 2 and tally["labelled"] == 1 and tally["fund_code_not_in_text"] == 1
    assert set(records) == {unsure, unread}
    fixed = records[unsure]
    assert [(s["type"], s["text"]) for s in fixed["spans"] if s["type"] != "FUND_NAME"] == [
        ("FUND_CODE", "000001"), ("AVAILABLE_SHARE", "2,000.00"),
    ]  # fmt: skip
    assert fixed["author"] == "backoffice" and fixed["fund_code"] == "000001" and len(fixed["labels"]) == len(fixed["chars"])
    assert records[unread]["reason"] == "fund_code_not_in_text" and "labels" not in records[unread]
    everything = command(database_url, "export-corrections", "--out", str(out), "--since", started.isoformat(),
                         "--include-accepted")  # fmt: skip
    assert everything["exported"] == 3
    assert [json.loads(line)["accepted"] for line in out.read_text(encoding="utf-8").splitlines()] == [False, True, False]

    # An answer an older release stored unflagged and without holdings; reprocessing decides it again from
    # its stored lines.
    engine = create_engine(database_url)
    async with transaction(engine, write=True) as conn:
        await conn.execute(
            update(results_table).where(results_table.c.url_hash == results.url_hash(flagged))
            .values(flag=False, fund_code="", hold_share="", holdings=None)
        )  # fmt: skip
    await engine.dispose()
    before = await corrections_state(database_url, started)
    tally = command(database_url, "reprocess", "--since", started.isoformat(), ner=True)
    assert tally["newly_flagged"] >= 1 and tally["model"]
    assert sum(tally[k] for k in ("unchanged", "newly_flagged", "unflagged", "values_changed")) == 4
    assert await corrections_state(database_url, started) == before
    again = (await service.ocr_handler(flagged)).body
    assert again["flag"] is True and again["data"] == {"fund_code": "110022", "hold_share": "1234.56"}
    assert again["models"]["ner"] == tally["model"]
    assert [(h["fund_code"], h["hold_share"]) for h in again["holdings"]] == [("110022", "1234.56")]
    corrected = (await service.ocr_handler(unsure)).body
    assert corrected["corrected"] is True and corrected["data"] == {"fund_code": "000001", "hold_share": "2000"}
    engine = create_engine(database_url)
    async with transaction(engine) as conn:
        unflagged = len(await results.list_results(conn, since=started, flag=False))
    await engine.dispose()
    only_unflagged = command(database_url, "reprocess", "--since", started.isoformat(), "--where", "unflagged")
    assert sum(only_unflagged[k] for k in ("unchanged", "newly_flagged", "unflagged", "values_changed")) == unflagged


def traditional(code: str, held: str, available: str | None) -> list[str]:
    """A Hong Kong app's page: words the rules do not know; some pages show no available units."""
    shown = [f"可贖回單位 {available}"] if available else []
    return ["東方紅睿豐混合", f"基金代號 {code}", f"持有單位 {held}", *shown, "凍結單位 5.00"]


async def test_labels_learned_from_corrections_answer_pages_of_that_kind(
    service: Service, database_url: str, image_host: ImageHost, tmp_path: Path
) -> None:
    started = utcnow()
    both = [("005827", "1,000.00", "800.00"), ("110011", "52.30", "20.00"), ("161725", "8,888.88", "88.88")]
    held = [("000216", "700.00", None), ("110022", "66.60", None), ("519002", "12,345.67", None)]
    urls = [page(service, traditional(*values)) for values in [*both, *held, ("519674", "300", "120.5")]]
    for url in urls:
        reply = (await service.ocr_handler(url)).body
        assert reply["flag"] is False and reply["needs_review"] is True
    for url, (code, shown, available) in zip(urls, [*both, *held]):
        assert (await service.correct(url, code, (available or shown).replace(",", ""))).status == 200

    fixes, labels = tmp_path / "fixes.jsonl", tmp_path / "labels.json"
    command(database_url, "export-corrections", "--out", str(fixes), "--since", started.isoformat())
    learned = command(database_url, "learn-labels", "--corrections", str(fixes), "--out", str(labels))
    assert learned["pages"] == 6 and learned["labels"] == {
        "凍結單位": "other_share", "可贖回單位": "available", "基金代號": "code", "持有單位": "held",
    }  # fmt: skip

    before = await corrections_state(database_url, started)
    tally = command(database_url, "reprocess", "--since", started.isoformat(), DECISION__LEARNED_LABELS=str(labels))
    assert tally["newly_flagged"] == 7 and await corrections_state(database_url, started) == before
    assert (await service.ocr_handler(urls[-1])).body["data"] == {"fund_code": "519674", "hold_share": "120.5"}

    # A replica started with the file reads a new page of that kind right away.
    config = config_for(database_url, DECISION__LEARNED_LABELS=str(labels))
    server, _ = served(config, service.ocr)
    fresh = page(service, traditional("000001", "9.99", "3.33"))
    with server as base:
        async with service.http.post(base + "/ocr_handler", json={"image_url": fresh, "url_type": "oss"}) as response:
            answer = await response.json()
    assert answer["flag"] is True and answer["data"] == {"fund_code": "000001", "hold_share": "3.33"}


def test_learn_labels_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "server.py", "learn-labels", "--corrections", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "l.json")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "none.jsonl" in done.stderr and "Traceback" not in done.stderr
