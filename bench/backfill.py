"""A backfill through POST /ocr_jobs and two `python server.py worker`s, beside the HTTP path on the same machine.

    python -m bench.backfill --count 60 [--kills 2] [--mysql URL]

Renders 2 x `count` distinct screenshots (bench.screens.render) and serves them from 127.0.0.1. On a fresh
MySQL database and a queue of the run's own on the RabbitMQ of queue.url (default: 127.0.0.1:5672):
- HTTP path: `python server.py` (config.yaml: its OCR engines and NER model) answers the first `count`
  URLs, sent ocr.instances + ocr.max_waiting at a time (as many as it admits);
- backfill: the other `count` URLs as one job, answered by two workers of one engine each (the same cores in
  all); each of `kills` times, when another share of the items is done, one worker is SIGKILLed (with its
  engine) and started again.
Prints the images/s of both and their ratio, and what the job ended with: items done / failed, rows per URL,
right answers; and per path the CPU seconds per image of the service, the workers (a killed one's up to its
last reading, every 0.5 s), the database server and the broker. Numbers only; nothing is checked.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import aiohttp
import psutil

from bench.screens.render import render_set
from bench.service_load import (
    DEFAULT_MYSQL,
    ROOT,
    _mysql_connect,
    free_port,
    fresh_store,
    note,
    right_answer,
    running,
    send_all,
)
from core.settings import load_settings
from testkit.image_host import image_host
from testkit.rabbitmq import delete_queues
from testkit.servers import READY_TIMEOUT

T = TypeVar("T")
BROKER = "amqp://guest:guest@127.0.0.1:5672/"
SERVERS = {"database": ("mariadbd", "mysqld"), "broker": ("beam.smp",)}


class CpuMeter:
    """CPU seconds (user + system) spent by process trees and named servers since their first sample, sampled
    every 0.5 s so that a process killed meanwhile still counts up to its last reading."""

    def __init__(self) -> None:
        self.roots: dict[str, list[int]] = {}  # group -> root pids (their children count too)
        self._first: dict[int, tuple[str, float]] = {}
        self._last: dict[int, float] = {}

    def sample(self) -> None:
        groups = {name: [p for p in psutil.process_iter(["name"]) if p.info["name"] in names] for name, names in SERVERS.items()}
        for name, pids in self.roots.items():
            roots = [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]
            groups[name] = roots + [child for root in roots for child in root.children(recursive=True)]
        for name, processes in groups.items():
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                self._first.setdefault(process.pid, (name, times.user + times.system))
                self._last[process.pid] = times.user + times.system

    def spent(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, (name, first) in self._first.items():
            totals[name] = totals.get(name, 0.0) + self._last[pid] - first
        return totals

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
        self.sample()


async def metered(work: Awaitable[T], meter: CpuMeter) -> T:
    stop = asyncio.Event()
    sampler = asyncio.ensure_future(meter.run(stop))
    try:
        return await work
    finally:
        stop.set()
        await sampler


def cpu_line(meter: CpuMeter, images: int) -> str:
    return ", ".join(f"{name} {seconds / images * 1000:.0f}" for name, seconds in sorted(meter.spent().items())) + " ms CPU per image"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as sink:
        return subprocess.Popen(
            [sys.executable, "server.py", "worker"], cwd=ROOT, env={**env, "FUNDOCR_OCR__INSTANCES": "1"},
            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def consuming(log: Path) -> bool:
    return log.exists() and "worker: consuming" in log.read_text()


async def wait_consuming(logs: list[Path], workers: list[subprocess.Popen]) -> None:
    while not all(consuming(log) for log in logs):
        for worker, log in zip(workers, logs, strict=True):
            if worker.poll() is not None:
                raise RuntimeError(f"a worker exited:\n{log.read_text()[-2000:]}")
        await asyncio.sleep(0.5)


async def backfill(
    base: str, urls: list[str], labels: dict[str, dict], env: dict[str, str], folder: Path, kills: int, meter: CpuMeter
) -> dict:
    logs = [folder / f"worker-{n}.log" for n in range(2)]
    workers = [start_worker(env, log) for log in logs]
    meter.roots["workers"] = [worker.pid for worker in workers]
    killed = 0
    restarts: list[asyncio.Task[float]] = []
    try:
        await wait_consuming(logs, workers)
        meter.sample()  # from here on: the models are loaded
        timeout = aiohttp.ClientTimeout(total=READY_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            began = time.perf_counter()
            items = [{"image_url": url, "url_type": "oss"} for url in urls]
            async with http.post(f"{base}/ocr_jobs", json={"items": items}) as response:
                job = await response.json()
                assert response.status == 202, job
            while True:
                meter.sample()
                async with http.get(f"{base}/ocr_jobs/{job['id']}?limit=0") as response:
                    report = await response.json()
                if report["status"] == "done":
                    break
                if killed < kills and report["done"] >= len(urls) * (killed + 1) / (kills + 1):
                    victim = killed % 2
                    note(f"SIGKILL worker {victim} at {report['done']} items done")
                    os.killpg(workers[victim].pid, signal.SIGKILL)
                    workers[victim].wait(30)
                    logs[victim].write_text("")
                    workers[victim] = start_worker(env, logs[victim])
                    meter.roots["workers"].append(workers[victim].pid)
                    restarts.append(asyncio.ensure_future(time_to_consume(logs[victim], workers[victim])))
                    killed += 1
                await asyncio.sleep(0.5)
            wall = time.perf_counter() - began
            items = await job_items(http, base, job["id"])
    finally:
        for worker in workers:
            try:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(worker.pid, signal.SIGKILL)
    right = sum(
        item["answer"] is not None and right_answer(item["answer"], labels[item["image_url"]]) for item in items
    )
    restarted = [task.result() for task in restarts if task.done() and not task.exception()]
    return {
        "wall": wall, "done": report["done"], "failed": report["failed"], "right": right, "killed": killed,
        "restarts": restarted,
    }  # fmt: skip


async def time_to_consume(log: Path, worker: subprocess.Popen) -> float:
    """Seconds from a worker's start until it consumes."""
    began = time.perf_counter()
    await wait_consuming([log], [worker])
    return time.perf_counter() - began


async def job_items(http: aiohttp.ClientSession, base: str, job_id: str) -> list[dict]:
    """Every item of the job, a page at a time."""
    items: list[dict] = []
    query = ""
    while query is not None:
        async with http.get(f"{base}/ocr_jobs/{job_id}{query}") as response:
            page = await response.json()
        items += page["items"]
        query = None if page["next_cursor"] is None else f"?cursor={page['next_cursor']}"
    return items


def rows_per_url(mysql: str, urls: list[str]) -> list[int]:
    with closing(_mysql_connect(mysql)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT url, COUNT(*) FROM ocr_results GROUP BY url_hash, url")
        counts = dict(cursor.fetchall())
    return [counts.get(url, 0) for url in urls]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="URLs per path")
    parser.add_argument("--kills", type=int, default=2, help="workers SIGKILLed (and restarted) during the backfill")
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--mysql", default=DEFAULT_MYSQL, help="MySQL server for a fresh database of the run's own")
    parser.add_argument("--broker", default=BROKER)
    args = parser.parse_args(argv)
    config = load_settings()
    concurrency = config.ocr.instances + config.ocr.max_waiting
    with tempfile.TemporaryDirectory() as tmp, fresh_store(Path(tmp), args.mysql) as store:
        folder = Path(tmp)
        note(f"rendering {2 * args.count} screenshots")
        labels_path = render_set(folder / "shots", count=2 * args.count, seed=args.seed)
        records = [json.loads(line) for line in labels_path.read_text().splitlines()]
        port = free_port()
        env = {
            **os.environ,
            "FUNDOCR_DATABASE__URL": store.service_url,
            "FUNDOCR_SERVER__PORT": str(port),
            "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",
            "FUNDOCR_QUEUE__URL": args.broker,
            "FUNDOCR_QUEUE__NAME": f"fundocr.bench.{port}",
            "FUNDOCR_QUEUE__MAX_ITEMS": str(args.count),
            "FUNDOCR_CLAIMS__LEASE_SECONDS": "5",  # a killed worker's claim blocks its URL this long
        }
        subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        with image_host() as host:
            labels = {
                host.put(record["path"], (labels_path.parent / record["path"]).read_bytes(), "image/jpeg"): record
                for record in records
            }
            urls = list(labels)
            direct, queued = urls[: args.count], urls[args.count :]
            base = f"http://127.0.0.1:{port}"
            note("service: starting, waiting for /ready")
            with running([sys.executable, "server.py"], env, f"{base}/ready", folder / "service.log") as service:
                print(f"python -m bench.backfill {' '.join(argv if argv is not None else sys.argv[1:])}".strip())
                note(f"HTTP path: {args.count} URLs, {concurrency} at a time")
                http_meter, job_meter = CpuMeter(), CpuMeter()
                http_meter.roots["service"] = job_meter.roots["service"] = [service.pid]
                http_path = asyncio.run(metered(_http_path(base, direct, labels, concurrency), http_meter))
                note("backfill: two workers, one engine each")
                job = asyncio.run(backfill(base, queued, labels, env, folder, args.kills, job_meter))
            rows = rows_per_url(store.service_url, queued)
        delete_queues(load_settings(None, {k: v for k, v in env.items() if k.startswith("FUNDOCR_QUEUE__")}).queue)
        http_rate = len(direct) / http_path.wall
        job_rate = len(queued) / job["wall"]
        print(
            f"HTTP path: {len(direct)} URLs in {http_path.wall:.1f} s = {http_rate:.2f} images/s "
            f"(statuses {dict(http_path.statuses)}, right {http_path.correct})"
        )
        print(
            f"backfill: {len(queued)} items in {job['wall']:.1f} s = {job_rate:.2f} images/s = {job_rate / http_rate:.2f} x HTTP path; "
            f"workers killed {job['killed']} (each consuming again after {', '.join(f'{t:.1f}' for t in job['restarts']) or '-'} s); "
            f"done {job['done']}, failed {job['failed']}, right {job['right']}; "
            f"rows per URL {sorted(set(rows))}"
        )
        print(f"HTTP path: {cpu_line(http_meter, len(direct))}")
        print(f"backfill: {cpu_line(job_meter, len(queued))}")


async def _http_path(base: str, urls: list[str], labels: dict[str, dict], concurrency: int):  # type: ignore[no-untyped-def]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=READY_TIMEOUT)) as http:
        return await send_all(http, base, urls, labels, concurrency)


if __name__ == "__main__":
    main()
