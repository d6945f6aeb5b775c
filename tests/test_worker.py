"""`python server.py worker` processes with the real OCR engine on one MariaDB database and the real RabbitMQ:
a job finishes though a worker is SIGKILLed in the middle of an item, with every item answered once and one
row per URL.

Each worker runs one OCR engine and no entity model (the test is about what survives, not about reading).
The job is submitted through the app served in this process; its own OCR is never asked.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from core.settings import REPO_ROOT
from db.results import url_hash
from testkit.api import Service, served
from testkit.drawing import screenshot
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.processes import service_environment
from testkit.rabbitmq import broker_queue
from testkit.servers import closed_port
from testkit.settings import config_for
from tests.test_replicas import query

ITEMS = 40
LEASE_SECONDS = 2  # claims.lease_seconds: how long the killed worker's claim blocks its URL
JOB_SECONDS = 420.0  # two single-engine workers on a busy 2-core machine; the test fails past it


@pytest.fixture(scope="module")
def queue() -> Iterator[dict[str, str]]:
    with broker_queue() as settings:
        yield settings


def start_worker(database: str, queue: dict[str, str], log: Path) -> subprocess.Popen:
    env = service_environment(
        database, NER__ENABLED="false", CLAIMS__LEASE_SECONDS=str(LEASE_SECONDS), LOGGING__LEVEL="INFO",
        QUEUE__PREFETCH="1", **queue,
    )  # fmt: skip
    with log.open("a") as sink:
        return subprocess.Popen(
            [sys.executable, "server.py", "worker"], cwd=REPO_ROOT, env=env,
            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def kill(process: subprocess.Popen) -> None:
    """SIGKILL to the worker and its engine process, as when a pod is killed."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(30)


def claimed_by(database: str, pid: int) -> list[str]:
    return [key for key, owner in query(database, "SELECT url_hash, owner FROM ocr_claims") if f":{pid}:" in owner]


async def report(service: Service, job_id: str) -> dict:
    reply = await service.call("GET", f"/ocr_jobs/{job_id}")
    assert reply.status == 200, reply.body
    return reply.body


async def test_a_job_finishes_though_a_worker_is_killed_mid_item_each_item_answered_once_one_row_per_url(
    mysql_url: str, queue: dict[str, str], image_host: ImageHost, tmp_path: Path
) -> None:
    urls = [
        image_host.put(f"worker-{i}.png", screenshot(["易方达消费行业股票", f"基金代码 {110000 + i}", f"持有份额 {i + 1}.50"]))
        for i in range(ITEMS)
    ]
    server, app = served(config_for(mysql_url, **queue), FakeOcr())
    workers = [start_worker(mysql_url, queue, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        async with aiohttp.ClientSession() as http:
            with server as base:
                service = Service(base, app, FakeOcr(), image_host, http)
                reply = await service.call("POST", "/ocr_jobs", {"items": [{"image_url": u, "url_type": "oss"} for u in urls]})
                assert reply.status == 202, reply.body
                job_id = reply.body["id"]
                async with asyncio.timeout(JOB_SECONDS):
                    victim = workers[0]
                    while not (held := claimed_by(mysql_url, victim.pid)):  # it is reading an item now
                        assert victim.poll() is None, (tmp_path / "worker-0.log").read_text()[-3000:]
                        await asyncio.sleep(0.05)
                    kill(victim)
                    while (done := await report(service, job_id))["status"] != "done":
                        await asyncio.sleep(0.5)
                assert service.ocr.calls == 0  # the app only queued the job
    finally:
        for worker in workers:
            kill(worker)
    assert (done["done"], done["failed"]) == (ITEMS, 0)
    by_url = {item["image_url"]: item for item in done["items"]}
    assert set(by_url) == set(urls)
    for i, url in enumerate(urls):
        assert by_url[url]["answer"]["data"] == {"fund_code": str(110000 + i), "hold_share": f"{i + 1}.50"}
    assert held[0] in {url_hash(url) for url in urls}  # the item in the killed worker's hands was finished
    hashes = [url_hash(url) for url in urls]
    marks = ", ".join(["%s"] * len(hashes))
    rows = query(mysql_url, f"SELECT url_hash, COUNT(*) FROM ocr_results WHERE url_hash IN ({marks}) GROUP BY url_hash", *hashes)
    assert sorted(count for _, count in rows) == [1] * ITEMS
    assert query(mysql_url, "SELECT COUNT(*) FROM ocr_job_items WHERE job_id = %s", job_id) == [(ITEMS,)]


def test_a_worker_without_a_broker_configured_refuses_to_start_naming_queue_url(tmp_path: Path) -> None:
    env = service_environment(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    done = subprocess.run([sys.executable, "server.py", "worker"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "queue.url" in done.stderr


def test_a_worker_whose_broker_cannot_be_reached_exits_with_the_reason_within_the_connect_timeout(tmp_path: Path) -> None:
    env = service_environment(
        f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", QUEUE__URL=f"amqp://guest:guest@127.0.0.1:{closed_port()}/",
        QUEUE__CONNECT_TIMEOUT="2",
    )  # fmt: skip
    done = subprocess.run([sys.executable, "server.py", "worker"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "broker cannot be reached" in done.stderr


def test_sigterm_stops_an_idle_worker_cleanly(mysql_url: str, queue: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    worker = start_worker(mysql_url, queue, log)
    try:
        deadline = time.monotonic() + 300
        while "worker: consuming" not in log.read_text():
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0, log.read_text()[-3000:]  # consumer cancelled, connection closed, engine stopped
    finally:
        kill(worker)
