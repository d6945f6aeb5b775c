"""What one replica needs: seconds from start to /health and /ready, CPU cores and RSS under load.

    python -m bench.footprint --runs 3 --count 24 --concurrency 4

Each run migrates a fresh SQLite file, starts `python server.py` with config.yaml (FUNDOCR_* overrides in
the environment apply), polls /health and /ready every 100 ms, then sends `count` distinct rendered
screenshots at `concurrency` and reads the CPU time and RSS of every server process (worker and engines).
The numbers size the Kubernetes probes and resources (deploy/k8s/deployment.yaml). Prints numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil

from bench.ocr_engine import memory_mb
from bench.screens.render import render_set
from bench.service_load import ROOT, free_port, send_all, server_processes
from testkit.image_host import ImageHost, image_host
from testkit.servers import stop_group

POLL = 0.1
TIMEOUT = 600


@dataclass(frozen=True, slots=True)
class Footprint:
    health_s: float
    ready_s: float
    rss_ready_mb: float  # all server processes, summed
    rss_peak_mb: float  # their VmHWM, summed
    cores: float  # CPU seconds of all server processes during the load / its wall time
    images_per_s: float


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def wait_ready(process: subprocess.Popen, base: str, log: Path) -> tuple[float, float]:
    began, health = time.monotonic(), None
    while True:
        if process.poll() is not None or time.monotonic() - began > TIMEOUT:
            raise RuntimeError(log.read_text()[-3000:])
        if health is None and answers(f"{base}/health"):
            health = time.monotonic() - began
        if health is not None and answers(f"{base}/ready"):
            return health, time.monotonic() - began
        time.sleep(POLL)


async def load(base: str, images: ImageHost, folder: Path, records: list[dict], concurrency: int) -> float:
    labels = {images.put(r["path"], (folder / r["path"]).read_bytes(), "image/jpeg"): r for r in records}
    async with aiohttp.ClientSession() as http:
        result = await send_all(http, base, list(labels), labels, concurrency)
    if result.errors:
        raise RuntimeError(f"errors under load: {result.errors}")
    return result.per_second


def one_run(folder: Path, images: ImageHost, screens: Path, records: list[dict], concurrency: int) -> Footprint:
    port = free_port()
    env = {
        **os.environ,
        "FUNDOCR_DATABASE__URL": f"sqlite+aiosqlite:///{folder / 'footprint.db'}",
        "FUNDOCR_SERVER__PORT": str(port),
        "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",  # the images come from 127.0.0.1
    }
    subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    base, log = f"http://127.0.0.1:{port}", folder / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "server.py"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            health_s, ready_s = wait_ready(process, base, log)
            pids = [pid for _, pid in server_processes(process.pid)]
            rss_ready = sum(memory_mb(pid)["VmRSS"] for pid in pids)
            cpu_before, began = cpu_seconds(pids), time.monotonic()
            per_second = asyncio.run(load(base, images, screens, records, concurrency))
            cores = (cpu_seconds(pids) - cpu_before) / (time.monotonic() - began)
            peak = sum(memory_mb(pid)["VmHWM"] for pid in pids)
            return Footprint(health_s, ready_s, rss_ready, peak, cores, per_second)
        finally:
            stop_group(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=24, help="distinct screenshots per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=31)
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="footprint-") as tmp:
        screens = Path(tmp) / "screens"
        labels = render_set(screens, count=options.count * options.runs, seed=options.seed)
        records = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
        runs = []
        with image_host() as images:
            for number in range(options.runs):
                with tempfile.TemporaryDirectory(dir=tmp) as folder:
                    batch = records[number * options.count : (number + 1) * options.count]
                    run = one_run(Path(folder), images, screens, batch, options.concurrency)
                runs.append(run)
                print(
                    f"run {number + 1}: /health {run.health_s:.1f} s, /ready {run.ready_s:.1f} s; "
                    f"RSS at ready {run.rss_ready_mb:.0f} MB, peak {run.rss_peak_mb:.0f} MB; "
                    f"under load {run.cores:.2f} cores, {run.images_per_s:.2f} images/s",
                    flush=True,
                )
    print(
        f"max: /ready {max(r.ready_s for r in runs):.1f} s, RSS peak {max(r.rss_peak_mb for r in runs):.0f} MB, "
        f"{max(r.cores for r in runs):.2f} cores"
    )


if __name__ == "__main__":
    main()
