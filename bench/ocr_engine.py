"""OCR speed and memory: our PaddleHub pipeline in the EnginePool against rapidocr_onnxruntime, same images.

    python -m bench.ocr_engine --timing 40 --rss 200
    python -m bench.ocr_engine --timing 40 --rss 0 --kinds ours --against /tmp/ocr-main

Renders holdings screenshots (bench.screens.render: several layouts, fonts, widths 720-1440, JPEG
qualities, blur), then runs every configuration in its own subprocess so its RSS is its own:

- timing: median and p95 seconds per image (submit to answer, `instances` callers keeping every engine
  busy) and images/s, for 1 and 2 instances and 1 or 2 threads each, ours and rapidocr_onnxruntime
  (PP-OCRv4 as ONNX; intra-op threads capped the same way);
- memory: RSS after warm-up, then along 200 screenshots of varied sizes, and the peak (VmHWM), each summed
  over the process and its children (our engines run in child processes); next to rapidocr_paddle,
  which runs the same Paddle models without size buckets.

`--against DIR` times our engine from another checkout too (say `git archive main | tar -x -C DIR`), each
of its configurations right before ours, on the same images: a change's cost, side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
TIMING = [("ours", 1, 1), ("ours", 1, 2), ("ours", 2, 1), ("onnx", 1, 1), ("onnx", 1, 2), ("onnx", 2, 1)]
MEMORY = [("ours", 1, 1), ("ours", 2, 1), ("onnx", 1, 1), ("rapid-paddle", 1, 1)]
NAMES = {
    "ours": "PaddleHub module, EnginePool",
    "onnx": "rapidocr_onnxruntime 1.4.4",
    "rapid-paddle": "rapidocr_paddle 1.4.5",
}


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (the kernel's peak RSS) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


def rss_mb(field: str = "VmRSS") -> float:
    """`field` summed over this process and its children (our engines are children)."""
    me = psutil.Process()
    total = 0.0
    for pid in [me.pid, *(child.pid for child in me.children(recursive=True))]:
        try:
            total += memory_mb(pid)[field]
        except FileNotFoundError:  # a child that just ended
            continue
    return total


def build_reader(kind: str, instances: int, threads: int):
    """A function image bytes -> number of lines, safe to call from `instances` threads at once."""
    if kind == "ours":
        from core.settings import load_settings
        from ocr_service.pool import EnginePool

        # config.yaml's engine (backend, precision, max_side), FUNDOCR_OCR__* overrides applied
        pool = EnginePool(instances=instances, threads_per_instance=threads, **load_settings().ocr.engine)
        return lambda data: len(pool.recognize_sync(data).lines)  # the pool closes itself at exit
    if kind == "onnx":
        from rapidocr_onnxruntime import RapidOCR

        engines = [RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1) for _ in range(instances)]
    else:
        from rapidocr_paddle import RapidOCR

        engines = [RapidOCR(cpu_math_library_num_threads=threads) for _ in range(instances)]
    # Each calling thread keeps one engine, as the pool does.
    local, free = threading.local(), list(engines)

    def read(data: bytes) -> int:
        if not hasattr(local, "engine"):
            local.engine = free.pop()
        found, _ = local.engine(data)
        return len(found or [])

    return read


def worker(kind: str, instances: int, threads: int, paths: list[Path], mode: str) -> dict:
    """Runs in the subprocess: load, warm up on one image per instance, then read every image."""
    images = [path.read_bytes() for path in paths]
    start = time.perf_counter()
    read = build_reader(kind, instances, threads)
    with ThreadPoolExecutor(instances) as callers:
        list(callers.map(read, images[:instances]))
        loaded = time.perf_counter() - start
        after_warm_up = rss_mb()
        samples: list[float] = []

        def timed(data: bytes) -> tuple[float, int]:
            began = time.perf_counter()
            lines = read(data)
            if mode == "memory":
                samples.append(rss_mb())
            return time.perf_counter() - began, lines

        began = time.perf_counter()
        results = list(callers.map(timed, images))
        wall = time.perf_counter() - began
    seconds = sorted(s for s, _ in results)
    checkpoints = [samples[max(0, round(len(samples) * q) - 1)] for q in (0.25, 0.5, 0.75, 1.0) if samples]
    return {
        "load_s": loaded,
        "median_s": statistics.median(seconds),
        "p95_s": seconds[max(0, round(0.95 * len(seconds)) - 1)],
        "images_per_s": len(images) / wall,
        "lines_per_image": sum(n for _, n in results) / len(results),
        "rss_warm_mb": after_warm_up,
        "rss_checkpoints_mb": checkpoints,
        "rss_max_mb": max(samples) if samples else None,
        "peak_mb": rss_mb("VmHWM"),
    }


def run(kind: str, instances: int, threads: int, paths: list[Path], mode: str, root: Path = ROOT) -> dict:
    """One configuration in a fresh interpreter, threads capped through the environment as well; `root`
    is the checkout whose code runs."""
    listing = Path(tempfile.mkstemp(suffix=".txt")[1])
    listing.write_text("\n".join(map(str, paths)))
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "PYTHONPATH": str(root), "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "bench.ocr_engine", "--worker", kind, str(instances), str(threads)]
    command += ["--listing", str(listing), "--mode", mode]
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, check=False)
    listing.unlink()
    if done.returncode:
        raise SystemExit(f"{kind} {instances}x{threads} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def screens(directory: Path | None, count: int, seed: int) -> list[Path]:
    if directory is None:
        from bench.screens.render import render_set

        directory = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
        render_set(directory, count=count, seed=seed)
    found = sorted(p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(found) < count:
        raise SystemExit(f"{directory} holds {len(found)} images, {count} needed")
    return found[:count]


def report_timing(paths: list[Path], kinds: list[str], against: Path | None) -> None:
    print(f"\nTiming over {len(paths)} images (s/image: submit to answer while all engines are busy)")
    print(f"{'engine':32} {'inst x thr':>10} {'load s':>7} {'median':>7} {'p95':>7} {'img/s':>6} {'lines':>6}")
    for kind, instances, threads in (row for row in TIMING if row[0] in kinds):
        runs = [(NAMES[kind], ROOT)]
        if against is not None and kind == "ours":
            runs.insert(0, (f"ours from {against.name}", against))
        for name, root in runs:
            r = run(kind, instances, threads, paths, "timing", root)
            print(
                f"{name:32} {f'{instances} x {threads}':>10} {r['load_s']:7.1f} {r['median_s']:7.2f}"
                f" {r['p95_s']:7.2f} {r['images_per_s']:6.2f} {r['lines_per_image']:6.1f}"
            )


def report_memory(paths: list[Path], kinds: list[str]) -> None:
    print(f"\nMemory over {len(paths)} images of varied sizes (MB; RSS after 25/50/75/100% of the images)")
    columns = " ".join(f"{name:>6}" for name in ("warm", "25%", "50%", "75%", "100%", "peak"))
    print(f"{'engine':32} {'inst x thr':>10} {columns}")
    for kind, instances, threads in (row for row in MEMORY if row[0] in kinds):
        r = run(kind, instances, threads, paths, "memory")
        marks = " ".join(f"{value:6.0f}" for value in r["rss_checkpoints_mb"])
        warm, peak = r["rss_warm_mb"], r["peak_mb"]
        print(f"{NAMES[kind]:32} {f'{instances} x {threads}':>10} {warm:6.0f} {marks} {peak:6.0f}")

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timing", type=int, default=40, help="images per timing run (0: skip)")
    parser.add_argument("--rss", type=int, default=200, help="images per memory run (0: skip)")
    parser.add_argument("--screens", type=Path, help="a folder of screenshots instead of rendering")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kinds", nargs="+", choices=list(NAMES), default=list(NAMES), help="engines to run")
    parser.add_argument("--against", type=Path, help="another checkout whose engine to time beside ours")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["timing", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.worker:
        kind, instances, threads = args.worker[0], int(args.worker[1]), int(args.worker[2])
        paths = [Path(line) for line in args.listing.read_text().splitlines()]
        print(json.dumps(worker(kind, instances, threads, paths, args.mode)))
        return

    paths = screens(args.screens, max(args.timing, args.rss), args.seed)
    print(f"{len(paths)} screenshots, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.timing:
        report_timing(paths[: args.timing], args.kinds, args.against)
    if args.rss:
        report_memory(paths[: args.rss], args.kinds)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
