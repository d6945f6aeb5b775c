"""Three `python server.py` replicas on one MariaDB database, with the real OCR engine: they share one download
and one OCR run per URL, answer a correction made through any of them, and survive one being killed mid-read.

Each replica runs one OCR engine and no entity model (the test is about what replicas share, not about
reading): about 1 GB each. The image host answers late, so that every request arrives while the first
download is still under way.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pymysql
import pytest
from sqlalchemy.engine import make_url

from core.settings import REPO_ROOT
from db.results import url_hash
from testkit.databases import mysql_database
from testkit.drawing import screenshot
from testkit.image_host import ImageHost
from testkit.processes import API_KEY, service_environment
from testkit.servers import closed_port, stop_group, wait_ready

REPLICAS = 3
LEASE_SECONDS = 2  # claims.lease_seconds: how long a killed replica's claim may block its URL
DOWNLOAD_SECONDS = 2  # how late the image host answers


@dataclass
class Replica:
    base: str
    process: subprocess.Popen


def environment(database_url: str, port: int) -> dict[str, str]:
    return service_environment(
        database_url, SERVER__PORT=str(port), NER__ENABLED="false", CLAIMS__LEASE_SECONDS=str(LEASE_SECONDS),
        LOGGING__LEVEL="WARNING",
    )  # fmt: skip


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh, migrated database on the MariaDB server (missing server: skipped, or failed where CI is set)."""
    with mysql_database() as url:
        migrated = subprocess.run(
            [sys.executable, "server.py", "migrate"], cwd=REPO_ROOT, env=environment(url, 8000),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        yield url


@pytest.fixture(scope="module")
def replicas(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    """Started together (each in its own session, as a pod is its own process tree), all ready."""
    logs = tmp_path_factory.mktemp("replicas")
    started: list[tuple[Replica, Path]] = []
    try:
        for number in range(REPLICAS):
            port, log = closed_port(), logs / f"replica-{number}.log"
            with log.open("w") as sink:
                process = subprocess.Popen(
                    [sys.executable, "server.py"], cwd=REPO_ROOT, env=environment(database, port),
                    stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            started.append((Replica(f"http://127.0.0.1:{port}", process), log))
        for replica, log in started:
            wait_ready(replica.process, f"{replica.base}/ready", log, timeout=300)
        yield [replica for replica, _ in started]
    finally:
        for replica, _ in started:
            stop_group(replica.process)


def query(database: str, sql: str, *args: object) -> list[tuple]:
    url = make_url(database)
    connection = pymysql.connect(
        host=url.host, port=url.port or 3306, user=url.username, password=url.password or "",
        database=url.database, autocommit=True,
    )  # fmt: skip
    with closing(connection), connection.cursor() as cursor:
        cursor.execute(sql, args)
        return list(cursor.fetchall())


def rows(database: str, url: str) -> int:
    return query(database, "SELECT COUNT(*) FROM ocr_results WHERE url_hash = %s", url_hash(url))[0][0]


def claims(database: str) -> list[tuple]:
    return query(database, "SELECT url_hash, owner FROM ocr_claims")


async def ask(http: aiohttp.ClientSession, replica: Replica, url: str) -> tuple[int, dict]:
    async with http.post(f"{replica.base}/ocr_handler", json={"image_url": url, "url_type": "oss"}) as response:
        return response.status, await response.json()


async def counter(http: aiohttp.ClientSession, replica: Replica, name: str) -> float:
    async with http.get(f"{replica.base}/metrics") as response:
        text = await response.text()
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(f"{name} ")]
    return values[0] if values else 0.0


def late_url(image_host: ImageHost, name: str, code: str, share: str) -> str:
    image_host.put(name, screenshot(["易方达消费行业股票", f"基金代码 {code}", f"持有份额 {share}"]))
    return image_host.url(f"/late/{DOWNLOAD_SECONDS}/{name}")


async def test_thirty_first_requests_over_three_replicas_give_one_download_one_ocr_run_one_row(
    replicas: list[Replica], database: str, image_host: ImageHost
) -> None:
    url = late_url(image_host, "replicas-one-read.png", "161725", "2,000.00")
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(ask(http, replicas[i % REPLICAS], url) for i in range(30)))
        runs = [await counter(http, replica, "fundocr_ocr_seconds_count") for replica in replicas]
        waits = [await counter(http, replica, "fundocr_claim_waits_total") for replica in replicas]
    assert [status for status, _ in answers] == [200] * 30, answers[0]
    assert {(body["data"]["fund_code"], body["data"]["hold_share"]) for _, body in answers} == {("161725", "2000.00")}
    assert [body["source"] for _, body in answers].count("ocr") == 30 // REPLICAS  # the reader's own callers
    assert (image_host.downloads(url), sum(runs), rows(database, url)) == (1, 1, 1)
    assert sorted(waits) == [0, 1, 1]  # the two other replicas each waited once for the reader's claim
    assert claims(database) == []


async def test_a_correction_through_one_replica_is_what_the_others_answer_next(
    replicas: list[Replica], database: str, image_host: ImageHost
) -> None:
    url = late_url(image_host, "replicas-correction.png", "110022", "1,234.56")
    first, second, third = replicas
    async with aiohttp.ClientSession() as http:
        for replica in replicas:  # each now remembers the answer
            status, body = await ask(http, replica, url)
            assert status == 200 and body["data"] == {"fund_code": "110022", "hold_share": "1234.56"}
        correction = {"image_url": url, "update_fund_code": "110011", "update_hold_share": "1300"}
        async with http.post(f"{first.base}/ocr_info_update", json=correction, headers={"X-API-Key": API_KEY}) as r:
            assert r.status == 200, await r.text()
        for replica in (second, third):
            status, body = await ask(http, replica, url)
            assert status == 200 and body["data"] == {"fund_code": "110011", "hold_share": "1300"}
            assert body["corrected"] is True
            assert await counter(http, replica, "fundocr_cache_outdated_total") == 1
    assert image_host.downloads(url) == 1


async def test_a_replica_killed_mid_read_leaves_no_row_and_its_claim_lapses_within_the_lease(
    replicas: list[Replica], database: str, image_host: ImageHost
) -> None:
    url = late_url(image_host, "replicas-killed.png", "519002", "10.00")
    survivor, victim = replicas[0], replicas[-1]
    async with aiohttp.ClientSession() as http:
        doomed = asyncio.ensure_future(ask(http, victim, url))
        while image_host.downloads(url) == 0:  # the victim has claimed the URL and is downloading it
            await asyncio.sleep(0.02)
        os.killpg(victim.process.pid, signal.SIGKILL)  # the whole pod: server, worker and engine
        victim.process.wait(30)
        with pytest.raises(aiohttp.ClientError):
            await doomed
        assert rows(database, url) == 0  # nothing half-written
        assert [key for key, _ in claims(database)] == [url_hash(url)]  # its claim outlives it...

        waited = await counter(http, survivor, "fundocr_claim_waits_total")
        began = time.monotonic()
        status, body = await ask(http, survivor, url)
        took = time.monotonic() - began
        assert await counter(http, survivor, "fundocr_claim_waits_total") == waited + 1
    assert status == 200 and body["data"]["fund_code"] == "519002"
    # ...by one lease at most: then the survivor claims the URL, downloads and reads it
    assert took < LEASE_SECONDS + DOWNLOAD_SECONDS + 15, took
    assert (image_host.downloads(url), rows(database, url), claims(database)) == (2, 1, [])
