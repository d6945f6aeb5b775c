"""What replicas share per request: the database work, measured in the database server's own CPU time.

    python -m bench.shared_cost --urls 300 --concurrency 8 [--mysql [URL]]

Runs the service's own ScreenshotService (claim, lookups, the one insert; the updated_at check on a
remembered answer) in this process against a fresh database, for `urls` new URLs served from 127.0.0.1,
with an OCR stand-in that answers at once: everything measured is what a request costs besides OCR. Then
asks every URL again (answers remembered, each checked against its row), and once more with no answer
memory (each row read whole). Prints, for each: requests/s of that path in one process, latency p50 / p99,
CPU time per request of this process and, with MySQL, of the MySQL server (from /proc, for the mariadbd or
mysqld process) — the load each replica adds to the one component all replicas share (docs/scaling.md).
CPU time per request depends far less on other work on the machine than latency does.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from PIL import Image

from bench.footprint import cpu_seconds
from bench.service_load import DEFAULT_MYSQL, ROOT, fresh_store, percentile
from core.settings import load_settings
from db.engine import create_engine
from ocr_service.types import OcrResult
from service.admission import Admission
from service.answers import AnswerCache
from service.claims import Claims
from service.download import Downloader
from service.metrics import Metrics
from service.pipeline import ScreenshotService
from testkit.image_host import image_host


class Instant:
    """An OCR stand-in that reads nothing, at once."""

    version = "instant"
    exact_version = None
    queue_depth = 0

    async def recognize(self, image: bytes, *, exact: bool = False) -> OcrResult:
        return OcrResult(lines=(), width=1, height=1)

    def close(self) -> None:
        pass


def database_process() -> psutil.Process | None:
    found = [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("mariadbd", "mysqld")]
    return found[0] if len(found) == 1 else None


async def timed_all(service: ScreenshotService, urls: list[str], concurrency: int) -> tuple[float, list[float]]:
    """Every URL answered, `concurrency` at a time: wall seconds and each latency."""
    queue, latencies = list(reversed(urls)), []

    async def caller() -> None:
        while queue:
            url = queue.pop()
            began = time.perf_counter()
            await service.answer(url, "oss")
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


async def measure(database_url: str, urls: list[str], concurrency: int) -> None:
    settings = load_settings(
        None, {"FUNDOCR_DATABASE__URL": database_url, "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true"}
    )
    db = settings.database
    engine = create_engine(db.resolved_url, pool_size=db.pool_size, max_overflow=db.max_overflow)
    downloader = Downloader(settings.download)

    def service(memory: int) -> ScreenshotService:
        return ScreenshotService(
            engine=engine,
            downloader=downloader,
            ocr=Instant(),
            metrics=(metrics := Metrics()),
            answers=AnswerCache(size=memory),
            threshold=settings.decision.threshold,
            claims=Claims(engine, lease_seconds=settings.claims.lease_seconds, poll_seconds=settings.claims.poll_seconds),
            admission=Admission(engines=concurrency, max_waiting=0, metrics=metrics),  # what is measured is not shed
        )

    remembering = service(settings.cache.size)
    phases = [
        ("new URLs (claim, download, store)", remembering),
        ("remembered answers (updated_at check)", remembering),
        ("the same from the database (cache.size 0)", service(0)),
    ]
    server = database_process() if database_url.startswith("mysql") else None
    own = [os.getpid()]
    try:
        for label, screenshots in phases:
            cpu, server_cpu = cpu_seconds(own), cpu_seconds([server.pid] if server else [])
            wall, latencies = await timed_all(screenshots, urls, concurrency)
            ms = 1000 / len(urls)
            line = (
                f"{label}: {len(urls) / wall:.0f} requests/s at concurrency {concurrency}; "
                f"p50 {percentile(latencies, 50) * 1000:.2f} ms, p99 {percentile(latencies, 99) * 1000:.2f} ms; "
                f"CPU per request: this process {(cpu_seconds(own) - cpu) * ms:.2f} ms"
            )
            if server:
                line += f", MySQL server {(cpu_seconds([server.pid]) - server_cpu) * ms:.2f} ms"
            print(line, flush=True)
    finally:
        await downloader.close()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mysql", nargs="?", const=DEFAULT_MYSQL, help=f"MySQL server (default {DEFAULT_MYSQL})")
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="shared-cost-") as tmp:
        folder = Path(tmp)
        picture = io.BytesIO()
        Image.new("RGB", (64, 48), "white").save(picture, "JPEG")
        with image_host() as images, fresh_store(folder, options.mysql) as store:
            page = images.put("page.jpg", picture.getvalue(), "image/jpeg")
            env = {**os.environ, "FUNDOCR_DATABASE__URL": store.service_url}
            subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
            urls = [f"{page}?n={n}" for n in range(options.urls)]
            asyncio.run(measure(store.service_url, urls, options.concurrency))


if __name__ == "__main__":
    main()
