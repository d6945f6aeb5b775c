"""The service under load, beside the raw OCR engines (the limit) and the owner's first design, same screenshots.

    python -m bench.service_load --count 40 --concurrency 4 --cache-rounds 5 [--mysql] [--skip-raw] [--skip-baseline]
    python -m bench.service_load --count 58 --concurrency 4 --cache-rounds 0 --versus-hubserving

One run renders `count` screenshots and serves them from 127.0.0.1, counting downloads per path. Then:
- service: `python server.py` with config.yaml (FUNDOCR_* overrides in the environment apply), a fresh
  SQLite file (or MySQL database) and private networks allowed; the URLs at `concurrency` while /health is
  sampled every 100 ms on its own connection and each worker's RSS is read; the URLs again `cache-rounds`
  times; 50 requests at once for one new URL (downloads, OCR runs from /metrics, rows in the database);
- raw engine: the EnginePool alone (instances x threads as configured) on the same images, every engine busy;
- baseline: bench/owner_service.py under the same load.
With `--versus-hubserving`, instead of the raw engine and the baseline: PaddleHub Serving
(`hub serving start`, gunicorn with `--hub-workers` processes) running our PaddleHub module on the stock
engine (REFERENCE_ENGINE: Paddle Inference, the 1280 canvas, lines padded from 320 px, 1 thread) beside
the service, both started; `--chunk` screenshots at a time to one (POSTed as base64 to PaddleHub Serving,
as URLs to the service) then to the other at the same concurrency, `GET /` or /health sampled meanwhile;
both tables and the ratio of their images/s.
Prints numbers only; timings are not checked.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import aiohttp
import psutil
import pymysql
from sqlalchemy.engine import make_url

from bench import ocr_engine
from bench.ocr_engine import memory_mb
from bench.owner_service import TABLE as OWNER_TABLE
from bench.screens.render import render_set
from core.settings import load_settings
from ocr_service.hub import MODULE_NAME
from testkit.image_host import ImageHost, image_host
from testkit.servers import READY_TIMEOUT, stop_group, wait_ready

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MYSQL = "mysql+aiomysql://root@127.0.0.1:3306/test"
SINGLE_FLIGHT_CALLERS = 50
HEALTH_INTERVAL = 0.1
QUARTERS = ("25%", "50%", "75%", "100%")
# The engine as it was before issue 16, kept as PaddleHub Serving's configuration: the module's init_args.
REFERENCE_ENGINE = {"backend": "paddle", "max_side": 1280, "line_min_width": 320, "threads": 1}


@dataclass
class LoadResult:
    """Requests sent at a fixed concurrency: each latency, the statuses, how many answers were right."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    flagged: int = 0  # 200 answers carrying a boolean `flag`
    correct: int = 0  # ... whose flag, code and share equal the screenshot's label

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    @property
    def errors(self) -> dict[int, int]:
        return {status: n for status, n in sorted(self.statuses.items()) if status != 200}


@dataclass
class SingleFlight:
    """What 50 simultaneous requests for one new URL cost."""

    statuses: Counter[int]
    downloads: int
    ocr_runs: int | None  # None: the baseline has no metrics
    rows: int


@dataclass
class RssRow:
    """One process's memory in MB: after warm-up, after each quarter of the requests, and its peak (VmHWM)."""

    label: str
    pid: int
    warm: float
    quarters: list[float] = field(default_factory=list)
    peak: float = 0.0
    cpu_start: float = 0.0  # user + system CPU seconds when the probe started
    cpu: float = 0.0  # ... spent from then to finish()


@dataclass
class Measurement:
    """Everything measured on one running server."""

    load: LoadResult
    health: list[float]
    cache: LoadResult
    cache_downloads: int
    single_flight: SingleFlight
    rss: list[RssRow]


@dataclass
class RawResult:
    images_per_s: float
    median_s: float
    p95_s: float


@dataclass
class Report:
    command: str
    cpus: int
    load_average: tuple[float, float, float]
    count: int
    concurrency: int
    engines: str
    service: Measurement
    raw: RawResult | None
    baseline: Measurement | None
    hubserving: HubMeasurement | None = None


@dataclass
class HubMeasurement:
    """PaddleHub Serving under the same load: `answered` counts replies with status "000" and their lines."""

    load: LoadResult
    health: list[float]  # GET / (its only page that runs no model)
    rss: list[RssRow]
    workers: int


@dataclass(frozen=True)
class Workload:
    """What each server is asked: the labelled URLs, the single-flight URL, how many at once, how often again."""

    images: ImageHost
    labels: dict[str, dict]  # URL -> its screenshot's record in labels.jsonl
    fresh_url: str
    concurrency: int
    cache_rounds: int


@dataclass(frozen=True)
class Target:
    """A running server as the load sees it."""

    base: str
    pid: int
    count_rows: Callable[[str], int]
    has_metrics: bool


# Where each server stores its answers: table and URL column (db/tables.py; bench/owner_service.py).
TABLES = {"service": ("ocr_results", "url"), "owner": (OWNER_TABLE, "image_url")}


@dataclass(frozen=True)
class Store:
    """A fresh SQLite file per server, or a fresh database `fundocr_bench_<random>` on the MySQL server."""

    folder: Path
    mysql: str | None = None  # the server's URL with the fresh database's name

    @property
    def service_url(self) -> str:
        return self.mysql or f"sqlite+aiosqlite:///{self.folder / 'service.db'}"

    @property
    def owner_url(self) -> str:
        if self.mysql:
            return make_url(self.mysql).set(drivername="mysql").render_as_string(hide_password=False)
        return f"sqlite:///{self.folder / 'owner.db'}"

    def count_rows(self, server: str, url: str) -> int:
        """Rows `server` ("service" or "owner") holds for `url`, read straight from the database."""
        table, column = TABLES[server]
        sql = f"SELECT COUNT(*) FROM {table} WHERE {column} = "
        if self.mysql is None:
            with closing(sqlite3.connect(self.folder / f"{server}.db")) as connection:
                return connection.execute(sql + "?", (url,)).fetchone()[0]
        with closing(_mysql_connect(self.mysql)) as connection, connection.cursor() as cursor:
            cursor.execute(sql + "%s", (url,))
            return cursor.fetchone()[0]


def _mysql_connect(url: str, database: bool = True) -> pymysql.Connection:
    parts = make_url(url)
    return pymysql.connect(
        host=parts.host or "127.0.0.1", port=parts.port or 3306, user=parts.username or "root",
        password=parts.password or "", database=parts.database if database else None, autocommit=True,
    )  # fmt: skip


@contextmanager
def fresh_store(folder: Path, mysql: str | None) -> Iterator[Store]:
    """A database nobody has written to: both servers start from an empty table."""
    if mysql is None:
        yield Store(folder)
        return
    name = f"fundocr_bench_{secrets.token_hex(4)}"
    with closing(_mysql_connect(mysql, database=False)) as admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        try:
            yield Store(folder, make_url(mysql).set(database=name).render_as_string(hide_password=False))
        finally:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")


def note(message: str) -> None:
    """Progress on stderr: a full run takes many minutes."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[subprocess.Popen]:
    """A server subprocess in its own session (Sanic signals its process group), ready; its group killed after."""
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_ready(process, ready_url, log)
            yield process
        finally:
            stop_group(process)


def server_processes(pid: int) -> list[tuple[str, int]]:
    """(label, pid) of each Sanic server worker and every process it started; with no Sanic workers (the
    baseline, gunicorn's master and workers) the process and every process under it."""
    manager = psutil.Process(pid)
    # Only the manager's own children are workers: the processes a worker starts inherit its environment.
    workers = [c for c in manager.children() if c.environ().get("SANIC_WORKER_NAME", "").startswith("Sanic-Server")]
    if not workers:
        return [("process", pid)] + [("  child", child.pid) for child in manager.children(recursive=True)]
    found = []
    for worker in workers:
        found.append(("worker", worker.pid))
        found += [(f"  child of {worker.pid}", child.pid) for child in worker.children(recursive=True)]
    return found


class RssProbe:
    """Reads each server process's RSS after warm-up and when each quarter of the requests has been answered."""

    def __init__(self, pid: int, total: int) -> None:
        self.rows = [
            RssRow(label, child, memory_mb(child)["VmRSS"], cpu_start=_cpu(child)) for label, child in server_processes(pid)
        ]
        self._marks = [max(1, round(total * q / 4)) for q in range(1, 5)]

    def progress(self, done: int) -> None:
        while self._marks and done >= self._marks[0]:
            self._marks.pop(0)
            for row in self.rows:
                row.quarters.append(memory_mb(row.pid)["VmRSS"])

    def finish(self) -> list[RssRow]:
        for row in self.rows:
            # the kernel syncs VmHWM from batched per-CPU counters, so it can trail a VmRSS already read
            row.peak = max(memory_mb(row.pid)["VmHWM"], row.warm, *row.quarters)
            row.cpu = _cpu(row.pid) - row.cpu_start
        return self.rows


def _cpu(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def right_answer(body: dict, label: dict) -> bool:
    """As bench/extraction.py counts: positives need code, share and flag; negatives only no flag."""
    if not label["flag"]:
        return body["flag"] is False
    data = body.get("data") or {}
    return (data.get("fund_code"), data.get("hold_share"), body["flag"]) == (
        label["fund_code"], label["hold_share"], True,
    )  # fmt: skip


async def post(http: aiohttp.ClientSession, base: str, url: str) -> tuple[int, bytes]:
    """POST /ocr_handler for `url`: the status and body; status 0 when no HTTP answer came (reset, refused)."""
    try:
        async with http.post(f"{base}/ocr_handler", json={"image_url": url, "url_type": "oss"}) as response:
            return response.status, await response.read()
    except aiohttp.ClientError:
        return 0, b""


# One request: its HTTP status (0: no answer), whether it carried an answer, whether that answer was right.
Ask = Callable[[str], Awaitable[tuple[int, bool, bool]]]


async def send_all(
    http: aiohttp.ClientSession,
    base: str,
    urls: list[str],
    labels: dict[str, dict],
    concurrency: int,
    progress: Callable[[int], None] = lambda done: None,
) -> LoadResult:
    """POST /ocr_handler for every URL, `concurrency` at a time; `progress` hears the count answered so far."""

    async def ask(url: str) -> tuple[int, bool, bool]:
        status, body = await post(http, base, url)
        if status == 200 and isinstance(answer := json.loads(body), dict) and isinstance(answer.get("flag"), bool):
            return status, True, right_answer(answer, labels[url])
        return status, False, False

    return await drive(urls, concurrency, ask, progress)


async def send_hub(
    http: aiohttp.ClientSession,
    base: str,
    images: dict[str, str],
    concurrency: int,
    progress: Callable[[int], None] = lambda done: None,
) -> LoadResult:
    """POST each image (URL -> base64 file) to PaddleHub Serving's /predict/<module>, one image a request."""

    async def ask(url: str) -> tuple[int, bool, bool]:
        try:
            async with http.post(f"{base}/predict/{MODULE_NAME}", json={"images": [images[url]]}) as response:
                status, body = response.status, await response.read()
        except aiohttp.ClientError:
            return 0, False, False
        answer = json.loads(body) if status == 200 else {}
        results = answer.get("results")
        answered = answer.get("status") == "000" and isinstance(results, list) and len(results) == 1
        return status, answered, False  # lines only: no fund code or share to judge

    return await drive(list(images), concurrency, ask, progress)


async def drive(items: list[str], concurrency: int, ask: Ask, progress: Callable[[int], None]) -> LoadResult:
    """`ask` for every item, `concurrency` at a time, timing each."""
    result, queue = LoadResult(), list(reversed(items))

    async def caller() -> None:
        while queue:
            item = queue.pop()
            began = time.perf_counter()
            status, answered, right = await ask(item)
            result.latencies.append(time.perf_counter() - began)
            result.statuses[status] += 1
            result.flagged += answered
            result.correct += right
            progress(len(result.latencies))

    began = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    result.wall = time.perf_counter() - began
    return result


async def sample_health(base: str, stop: asyncio.Event, path: str = "/health") -> list[float]:
    """GET `path` every 100 ms on a connection of its own until `stop`; the latencies in seconds."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as http:
        while not stop.is_set():
            began = time.perf_counter()
            async with http.get(f"{base}{path}") as response:
                await response.read()
            latencies.append(time.perf_counter() - began)
            try:
                await asyncio.wait_for(stop.wait(), max(0.0, HEALTH_INTERVAL - latencies[-1]))
            except TimeoutError:
                pass
    return latencies


async def ocr_runs(http: aiohttp.ClientSession, base: str) -> int:
    """fundocr_ocr_seconds_count from /metrics (one worker's registry: exact with server.workers = 1)."""
    async with http.get(f"{base}/metrics") as response:
        text = await response.text()
    counts = [line.split()[-1] for line in text.splitlines() if line.startswith("fundocr_ocr_seconds_count ")]
    return int(float(counts[0])) if counts else 0


async def single_flight(http: aiohttp.ClientSession, target: Target, url: str, images: ImageHost) -> SingleFlight:
    """50 requests at once for a URL the server has not seen."""
    downloads = images.downloads(url)
    runs_before = await ocr_runs(http, target.base) if target.has_metrics else 0

    answers = await asyncio.gather(*(post(http, target.base, url) for _ in range(SINGLE_FLIGHT_CALLERS)))
    statuses = Counter(status for status, _ in answers)
    runs = await ocr_runs(http, target.base) - runs_before if target.has_metrics else None
    return SingleFlight(statuses, images.downloads(url) - downloads, runs, target.count_rows(url))


def session() -> aiohttp.ClientSession:
    timeout = aiohttp.ClientTimeout(total=READY_TIMEOUT)
    return aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0))


async def measure(target: Target, work: Workload) -> Measurement:
    """Load with /health sampling and RSS, then the cache rounds, then single-flight, on one running server."""
    urls = list(work.labels)
    async with session() as http:
        probe = RssProbe(target.pid, len(urls))
        stop = asyncio.Event()
        health = asyncio.create_task(sample_health(target.base, stop))
        load = await send_all(http, target.base, urls, work.labels, work.concurrency, probe.progress)
        stop.set()
        return await after_load(http, target, work, load, await health, probe)


async def after_load(
    http: aiohttp.ClientSession, target: Target, work: Workload, load: LoadResult, health: list[float], probe: RssProbe
) -> Measurement:
    """The cache rounds and single-flight, once the load has been measured."""
    urls, images = list(work.labels), work.images
    downloads = sum(images.downloads(url) for url in urls)
    cache = await send_all(http, target.base, urls * work.cache_rounds, work.labels, work.concurrency)
    cache_downloads = sum(images.downloads(url) for url in urls) - downloads
    flight = await single_flight(http, target, work.fresh_url, images)
    return Measurement(load, health, cache, cache_downloads, flight, probe.finish())


def run_service(store: Store, work: Workload) -> Measurement:
    """`python server.py migrate`, then `python server.py` on a free port, measured."""
    with service_running(store) as target:
        return asyncio.run(measure(target, work))


@contextmanager
def service_running(store: Store) -> Iterator[Target]:
    """`python server.py migrate`, then `python server.py` on a free port until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "FUNDOCR_DATABASE__URL": store.service_url,
        "FUNDOCR_SERVER__PORT": str(port),
        "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",  # the images come from 127.0.0.1
    }
    note("service: migrating, starting, waiting for /ready")
    subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{port}"
    with running([sys.executable, "server.py"], env, f"{base}/ready", store.folder / "service.log") as process:
        yield Target(base, process.pid, partial(store.count_rows, "service"), has_metrics=True)


def run_baseline(store: Store, work: Workload) -> Measurement:
    """bench/owner_service.py on a free port, measured the same way."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.owner_service", "--port", str(port), "--db", store.owner_url]
    note("baseline: starting, waiting for /health")
    with running(command, dict(os.environ), f"{base}/health", store.folder / "owner.log") as process:
        count = partial(store.count_rows, "owner")
        target = Target(base, process.pid, count, has_metrics=False)
        return asyncio.run(measure(target, work))


@contextmanager
def hubserving_running(folder: Path, workers: int) -> Iterator[Target]:
    """`hub serving start` (python -m ocr_service.hub: offline) with our module on REFERENCE_ENGINE."""
    port = free_port()
    config = folder / "hubserving.json"
    config.write_text(json.dumps({
        "modules_info": {MODULE_NAME: {"init_args": REFERENCE_ENGINE, "predict_args": {}}},
        "port": port, "use_multiprocess": workers > 1, "workers": workers,
    }))  # fmt: skip
    env = {**os.environ, "HUB_HOME": str(folder / "hub_home"), "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    note(f"PaddleHub Serving: {workers} worker(s) on {REFERENCE_ENGINE}, waiting for GET /")
    command = [sys.executable, "-m", "ocr_service.hub", "serving", "start", "--config", str(config)]
    base = f"http://127.0.0.1:{port}"
    with running(command, env, f"{base}/", folder / "hubserving.log") as process:
        yield Target(base, process.pid, lambda url: 0, has_metrics=False)


def run_versus(
    folder: Path, store: Store, work: Workload, images: dict[str, str], workers: int, chunk: int
) -> tuple[HubMeasurement, Measurement]:
    """PaddleHub Serving and the service both running; the screenshots go to one, then the other."""
    with hubserving_running(folder, workers) as hub, service_running(store) as service:
        return asyncio.run(versus(hub, service, work, images, workers, chunk))


async def versus(
    hub: Target, service: Target, work: Workload, images: dict[str, str], workers: int, chunk: int
) -> tuple[HubMeasurement, Measurement]:
    """`chunk` screenshots to one server, the same to the other, and on, who goes first alternating, so
    that the load other work puts on the machine falls on both alike. Each side's throughput is its
    images over the time it was being asked; its health endpoint is sampled only then. PaddleHub Serving
    gets two untimed requests per worker first: the module does not warm its models up."""
    urls = list(work.labels)
    async with session() as http:
        first = urls[0]
        await send_hub(http, hub.base, {f"{first}#{i}": images[first] for i in range(2 * workers)}, workers)

        def ask_hub(part: list[str], progress: Callable[[int], None]) -> Awaitable[LoadResult]:
            return send_hub(http, hub.base, {url: images[url] for url in part}, work.concurrency, progress)

        def ask_service(part: list[str], progress: Callable[[int], None]) -> Awaitable[LoadResult]:
            return send_all(http, service.base, part, work.labels, work.concurrency, progress)

        sides = [
            (ask_hub, hub.base, "/", RssProbe(hub.pid, len(urls)), LoadResult(), []),
            (ask_service, service.base, "/health", RssProbe(service.pid, len(urls)), LoadResult(), []),
        ]
        for number, start in enumerate(range(0, len(urls), chunk)):
            part = urls[start : start + chunk]
            for ask, base, path, probe, total, health in sides[:: 1 if number % 2 == 0 else -1]:
                stop = asyncio.Event()
                sampler = asyncio.create_task(sample_health(base, stop, path))
                done = len(total.latencies)
                part_load = await ask(part, lambda n, probe=probe, done=done: probe.progress(done + n))
                stop.set()
                health += await sampler
                total.latencies += part_load.latencies
                total.wall += part_load.wall
                total.statuses.update(part_load.statuses)
                total.flagged += part_load.flagged
                total.correct += part_load.correct
        (_, _, _, hub_probe, hub_load, hub_health), (_, _, _, probe, load, health) = sides
        measured = await after_load(http, service, work, load, health, probe)
        return HubMeasurement(hub_load, hub_health, hub_probe.finish(), workers), measured


def run_raw(folder: Path, names: list[str], instances: int, threads: int) -> RawResult:
    """The EnginePool alone in a subprocess (bench.ocr_engine's timing worker), `instances` callers keeping it busy."""
    note(f"raw engine: {instances} x {threads} on the same images")
    found = ocr_engine.run("ours", instances, threads, [folder / name for name in names], "timing")
    return RawResult(found["images_per_s"], found["median_s"], found["p95_s"])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run(options: argparse.Namespace, command: str = "") -> Report:
    """The whole bench; each server is stopped before the next part starts."""
    config = load_settings()
    cpus, load_average = os.cpu_count() or 1, os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="service-load-") as tmp:
        folder = Path(tmp)
        note(f"rendering {options.count + 1} screenshots")
        labels_path = render_set(folder / "screens", count=options.count + 1, seed=options.seed)
        records = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
        with image_host() as images, fresh_store(folder, options.mysql) as store:
            urls = {p.name: images.put(p.name, p.read_bytes(), "image/jpeg") for p in (folder / "screens").glob("*.jpg")}
            work = Workload(
                images=images,
                labels={urls[record["path"]]: record for record in records[:-1]},
                fresh_url=urls[records[-1]["path"]],  # asked only in the single-flight part
                concurrency=options.concurrency,
                cache_rounds=options.cache_rounds,
            )
            hubserving = None
            if options.versus_hubserving:
                encoded = {urls[r["path"]]: _base64(folder / "screens" / r["path"]) for r in records[:-1]}
                hubserving, service = run_versus(folder, store, work, encoded, options.hub_workers, options.chunk)
            else:
                service = run_service(store, work)
            raw = None
            if not options.skip_raw and not options.versus_hubserving:
                names = [record["path"] for record in records[:-1]]
                raw = run_raw(folder / "screens", names, config.ocr.instances, config.ocr.threads_per_instance)
            skip_baseline = options.skip_baseline or options.versus_hubserving
            baseline = None if skip_baseline else run_baseline(store, work)
    ocr = config.ocr
    engines = f"{ocr.instances} x {ocr.threads_per_instance}, {ocr.backend} "
    engines += f"(openvino: detector {ocr.detector_precision}, recogniser {ocr.recogniser_precision}), "
    engines += f"canvas {ocr.max_side}, lines from {ocr.line_min_width} px"
    return Report(
        command, cpus, load_average, options.count, options.concurrency, engines, service, raw, baseline, hubserving
    )


def _base64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


Pick = Callable[[Measurement], str]


def _s(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.2f}"


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}"


def _statuses(counts: dict[int, int]) -> str:
    return " ".join(f"{status}:{n}" for status, n in sorted(counts.items())) or "none"


def _rows(report: Report) -> list[tuple[str, str, Pick]]:
    """(name, raw engine cell, how to read a server's cell) for each line of the table."""
    raw = report.raw
    return [
        ("images/s", f"{raw.images_per_s:.2f}" if raw else "-", lambda m: f"{m.load.per_second:.2f}"),
        ("p50 s (raw: median s/image)", f"{raw.median_s:.2f}" if raw else "-", lambda m: _s(m.load.latencies, 50)),
        ("p95 s", f"{raw.p95_s:.2f}" if raw else "-", lambda m: _s(m.load.latencies, 95)),
        ("p99 s", "-", lambda m: _s(m.load.latencies, 99)),
        ("errors by status", "-", lambda m: _statuses(m.load.errors)),
        ("right answers", "-", lambda m: f"{m.load.correct}/{len(m.load.latencies)}"),
        ("/health p50 ms", "-", lambda m: _ms(m.health, 50)),
        ("/health p99 ms", "-", lambda m: _ms(m.health, 99)),
        ("/health max ms", "-", lambda m: _ms(m.health, 100)),
        ("/health samples", "-", lambda m: str(len(m.health))),
        ("cache hits p50 ms", "-", lambda m: _ms(m.cache.latencies, 50)),
        ("cache hits p99 ms", "-", lambda m: _ms(m.cache.latencies, 99)),
        ("cache req/s", "-", lambda m: f"{m.cache.per_second:.1f}"),
        ("cache errors by status", "-", lambda m: _statuses(m.cache.errors)),
        ("cache downloads", "-", lambda m: str(m.cache_downloads)),
        ("single-flight downloads", "-", lambda m: str(m.single_flight.downloads)),
        ("single-flight OCR runs", "-", lambda m: str(m.single_flight.ocr_runs).replace("None", "-")),
        ("single-flight rows", "-", lambda m: str(m.single_flight.rows)),
        ("single-flight statuses", "-", lambda m: _statuses(m.single_flight.statuses)),
    ]


def table(report: Report) -> str:
    """The side-by-side table (raw engine / service / baseline), then each worker's RSS."""
    servers = (report.service, report.baseline)
    lines = [f"{'':30}" + "".join(f"{name:>14}" for name in ("raw engine", "service", "baseline"))]
    for name, raw, pick in _rows(report):
        cells = [raw, *(pick(m) if m else "-" for m in servers)]
        lines.append(f"{name:30}" + "".join(f"{cell:>14}" for cell in cells))
    lines += ["", f"{'RSS MB':30}" + "".join(f"{q:>8}" for q in ("warm", *QUARTERS, "peak"))]
    for name, measured in zip(("service", "baseline"), servers):
        rows = measured.rss if measured else []
        for row in rows:
            values = [row.warm, *row.quarters, row.peak]
            lines.append(f"{f'{name} {row.label} {row.pid}':30}" + "".join(f"{value:8.0f}" for value in values))
        if len(rows) > 1:  # the peaks need not coincide: their sum is an upper bound
            totals = [sum(values) for values in zip(*([r.warm, *r.quarters, r.peak] for r in rows))]
            lines.append(f"{f'{name} all processes':30}" + "".join(f"{value:8.0f}" for value in totals))
    return "\n".join(lines)


def _total_rss(rows: list[RssRow]) -> tuple[float, float]:
    """RSS after warm-up and the peaks, summed over the processes (the peaks need not coincide)."""
    return sum(r.warm for r in rows), sum(r.peak for r in rows)


def versus_table(report: Report) -> str:
    """PaddleHub Serving beside the service, then the ratio."""
    hub, service = report.hubserving, report.service
    assert hub is not None
    hub_rss, service_rss = _total_rss(hub.rss), _total_rss(service.rss)
    rows = [
        ("images/s", f"{hub.load.per_second:.2f}", f"{service.load.per_second:.2f}"),
        ("p50 / p95 / p99 s", *(
            " / ".join(_s(m.load.latencies, q) for q in (50, 95, 99)) for m in (hub, service)
        )),
        ("errors by status", _statuses(hub.load.errors), _statuses(service.load.errors)),
        ("answered / right", f"{hub.load.flagged}/{len(hub.load.latencies)} / -",
         f"{service.load.flagged}/{len(service.load.latencies)} / {service.load.correct}"),
        ("GET / | /health p50/p99/max ms", *(
            " / ".join(_ms(m.health, q) for q in (50, 99, 100)) for m in (hub, service)
        )),
        ("RSS MB all processes warm", f"{hub_rss[0]:.0f}", f"{service_rss[0]:.0f}"),
        ("RSS MB all processes peak", f"{hub_rss[1]:.0f}", f"{service_rss[1]:.0f}"),
        ("CPU s per image, all processes", *(
            f"{sum(r.cpu for r in m.rss) / max(1, len(m.load.latencies)):.2f}" for m in (hub, service)
        )),
    ]  # fmt: skip
    lines = [f"{'':32}{'PaddleHub Serving':>22}{'service':>22}"]
    lines += [f"{name:32}{a:>22}{b:>22}" for name, a, b in rows]
    lines += ["", f"PaddleHub Serving: {hub.workers} worker process(es), engine {REFERENCE_ENGINE}", ""]
    for row in hub.rss:
        lines.append(f"{f'hubserving {row.label} {row.pid}':30} warm {row.warm:6.0f}  peak {row.peak:6.0f}")
    ratio = service.load.per_second / hub.load.per_second if hub.load.per_second else 0.0
    memory = service_rss[1] / hub_rss[1] if hub_rss[1] else 0.0
    lines += ["", f"service / PaddleHub Serving: images/s {ratio:.2f} x, peak RSS {memory:.2f} x"]
    return "\n".join(lines)


def summary(report: Report) -> str:
    """Header, table and the service's share of the raw engines' throughput (or PaddleHub Serving beside it)."""
    head = [
        f"command: {report.command}",
        f"{report.cpus} CPUs, load average at start {' '.join(f'{v:.2f}' for v in report.load_average)}",
        f"{report.count} screenshots, concurrency {report.concurrency}, OCR engines {report.engines}",
        "latencies: service and baseline per request (queueing included); raw engine per image",
        "",
    ]
    tail = []
    if report.raw:
        ratio = report.service.load.per_second / report.raw.images_per_s
        tail = ["", f"service / raw engine throughput: {ratio:.2f}"]
    if report.hubserving:
        tail = ["", "", versus_table(report)]
    tail.append(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return "\n".join(head) + table(report) + "\n".join(tail)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="distinct screenshots (default 40)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    parser.add_argument("--cache-rounds", type=int, default=5, help="times the URLs are asked again (default 5)")
    parser.add_argument("--seed", type=int, default=21, help="render seed (default 21)")
    parser.add_argument(
        "--mysql", nargs="?", const=DEFAULT_MYSQL, help=f"MySQL server instead of SQLite (default {DEFAULT_MYSQL}; "
        "a fresh database on it is created and dropped)",
    )  # fmt: skip
    parser.add_argument("--skip-raw", action="store_true", help="leave out the raw EnginePool run")
    parser.add_argument("--skip-baseline", action="store_true", help="leave out bench/owner_service.py")
    parser.add_argument(
        "--versus-hubserving", action="store_true",
        help="PaddleHub Serving on the stock engine first, then the service (no raw engine, no baseline)",
    )  # fmt: skip
    parser.add_argument("--hub-workers", type=int, default=2, help="PaddleHub Serving's processes (default 2)")
    parser.add_argument("--chunk", type=int, default=12, help="screenshots per turn in --versus-hubserving (default 12)")
    return parser.parse_args(argv)


def main() -> None:
    options = parse()
    # SIGTERM unwinds like Ctrl-C, so the servers' process groups and the temporary folder are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.stdout.reconfigure(line_buffering=True)
    print(summary(run(options, shlex.join(sys.orig_argv))))


if __name__ == "__main__":
    main()
