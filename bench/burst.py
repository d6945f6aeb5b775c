"""A burst of distinct screenshots at once against the real service: what admission control answers.

    python -m bench.burst --count 120 [--max-waiting 8] [--instances 2]

Renders `count` screenshots (bench.screens.render), serves them from 127.0.0.1, starts `python server.py`
(config.yaml, FUNDOCR_* overrides apply; a fresh SQLite file; private networks allowed) and sends every URL
at once. A 503 is retried after its Retry-After, and again, until every URL has its 200. Meanwhile /health
is sampled every 100 ms on its own connection and the server's processes' RSS is read.

Prints: the burst's statuses; how long the 200s and the 503s took (the bound: an admitted request waits
behind at most ocr.max_waiting others, so about (max_waiting / instances + 1) OCR times plus its download);
the retry rounds until every URL was answered and how many answers were right; /health p50 / p99 / max;
the RSS of each process. Numbers only; nothing is checked.
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
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.screens.render import render_set
from bench.service_load import (
    ROOT,
    RssProbe,
    free_port,
    note,
    percentile,
    right_answer,
    running,
    sample_health,
)
from testkit.image_host import image_host
from testkit.servers import READY_TIMEOUT


@dataclass
class Reply:
    status: int
    seconds: float
    retry_after: float = 0.0
    body: dict = field(default_factory=dict)


async def ask(http: aiohttp.ClientSession, base: str, url: str) -> Reply:
    began = time.perf_counter()
    try:
        async with http.post(f"{base}/ocr_handler", json={"image_url": url, "url_type": "oss"}) as response:
            body = await response.json(content_type=None)
            return Reply(response.status, time.perf_counter() - began, float(response.headers.get("Retry-After", 0)), body)
    except aiohttp.ClientError:
        return Reply(0, time.perf_counter() - began)


async def until_answered(http: aiohttp.ClientSession, base: str, url: str, first: Reply) -> tuple[Reply, int]:
    """Retry a shed URL after each Retry-After until it is answered; the answer and the retries it took."""
    reply, retries = first, 0
    while reply.status == 503:
        await asyncio.sleep(reply.retry_after)
        reply, retries = await ask(http, base, url), retries + 1
    return reply, retries


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f} ms"


async def burst(base: str, pid: int, labels: dict[str, dict]) -> None:
    urls = list(labels)
    timeout = aiohttp.ClientTimeout(total=READY_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
        probe = RssProbe(pid, len(urls))
        stop = asyncio.Event()
        health = asyncio.create_task(sample_health(base, stop))
        began = time.perf_counter()
        first = await asyncio.gather(*(ask(http, base, url) for url in urls))
        burst_wall = time.perf_counter() - began
        probe.progress(len(urls) // 2)
        final = await asyncio.gather(*(until_answered(http, base, url, reply) for url, reply in zip(urls, first, strict=True)))
        all_wall = time.perf_counter() - began
        probe.progress(len(urls))
        stop.set()
        health_latencies = await health
        rss = probe.finish()
    statuses: dict[int, int] = {}
    for reply in first:
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
    ok = [reply.seconds for reply in first if reply.status == 200]
    shed = [reply for reply in first if reply.status == 503]
    answered = [reply for reply, _ in final]
    retries = [count for _, count in final if count]
    print(f"burst of {len(urls)} distinct URLs at once: statuses {json.dumps(statuses)}; all first answers within {burst_wall:.1f} s")
    if ok:
        print(f"  200 in the burst: p50 {percentile(ok, 50):.1f} s, p99 {percentile(ok, 99):.1f} s, max {max(ok):.1f} s")
    if shed:
        waits = [reply.seconds for reply in shed]
        after = sorted({reply.retry_after for reply in shed})
        print(f"  503 in the burst: p50 {_ms(waits, 50)}, max {max(waits) * 1000:.0f} ms; Retry-After {after[0]:g}-{after[-1]:g} s")
        print(f"  retried: {len(retries)} URLs, {sum(retries)} retries (max {max(retries)} for one URL); every URL answered after {all_wall:.1f} s")
    print(f"  final: statuses {sorted({reply.status for reply in answered})}, right answers {sum(right_answer(r.body, labels[u]) for u, r in zip(urls, answered, strict=True) if r.status == 200)} of {len(urls)}")
    print(f"/health during burst and retries ({len(health_latencies)} samples): p50 {_ms(health_latencies, 50)}, p99 {_ms(health_latencies, 99)}, max {max(health_latencies) * 1000:.0f} ms")
    for row in rss:
        print(f"RSS {row.label} {row.pid}: warm {row.warm:.0f} MB, peak {row.peak:.0f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=120, help="distinct screenshots sent at once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-waiting", type=int, help="ocr.max_waiting (default: config.yaml's)")
    parser.add_argument("--instances", type=int, help="ocr.instances (default: config.yaml's)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        note(f"rendering {args.count} screenshots")
        labels_path = render_set(folder / "shots", count=args.count, seed=args.seed)
        records = [json.loads(line) for line in labels_path.read_text().splitlines()]
        port = free_port()
        env = {
            **os.environ,
            "FUNDOCR_DATABASE__URL": f"sqlite+aiosqlite:///{folder / 'burst.db'}",
            "FUNDOCR_SERVER__PORT": str(port),
            "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",
        }
        if args.max_waiting is not None:
            env["FUNDOCR_OCR__MAX_WAITING"] = str(args.max_waiting)
        if args.instances is not None:
            env["FUNDOCR_OCR__INSTANCES"] = str(args.instances)
        subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        with image_host() as host:
            labels = {
                host.put(record["path"], (labels_path.parent / record["path"]).read_bytes(), "image/jpeg"): record for record in records
            }
            note("service: starting, waiting for /ready")
            base = f"http://127.0.0.1:{port}"
            with running([sys.executable, "server.py"], env, f"{base}/ready", folder / "service.log") as process:
                print(f"python -m bench.burst {' '.join(argv if argv is not None else sys.argv[1:])}".strip())
                asyncio.run(burst(base, process.pid, labels))


if __name__ == "__main__":
    main()
