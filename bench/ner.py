"""NER latency and throughput on CPU.

    python -m bench.ner --model ner_service/model --threads 2
    python -m bench.ner --model ner_service/model --threads 2 --int8 --eval /tmp/ocr_pages_7.jsonl

Latency: p50/p95 of `predict` on one 300-character text. Throughput: 64 such texts in batches of
1, 8 and 32. `--int8` first applies dynamic int8 quantisation to the linear layers; `--eval` scores
the model (after quantisation, if asked) on a JSON-lines file of labelled samples, e.g. the OCR'd
pages `bench.ner_ocr_eval --cache` writes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

import torch

from ner_service.data.pages import generate_page, page_text
from ner_service.data.sample import read_jsonl
from ner_service.evaluate import evaluate
from ner_service.predict import NerPredictor

LENGTH = 300


def texts(count: int, seed: int) -> list[str]:
    """`count` texts of exactly LENGTH characters, generated pages back to back."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = ""
        while len(text) < LENGTH:
            text += page_text(generate_page(rng))[0] + "\n"
        out.append(text[:LENGTH])
    return out


def latency(predictor: NerPredictor, text: str, runs: int) -> tuple[float, float]:
    for _ in range(5):
        predictor.predict([text])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        predictor.predict([text])
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def throughput(predictor: NerPredictor, batch: list[str], size: int) -> float:
    predictor.predict(batch[:size])
    start = time.perf_counter()
    for first in range(0, len(batch), size):
        predictor.predict(batch[first : first + size])
    return len(batch) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("ner_service/model"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantisation of the linear layers")
    parser.add_argument("--eval", type=Path, help="JSON-lines samples to score the (quantised) model on")
    args = parser.parse_args()
    predictor = NerPredictor.load(args.model, threads=args.threads, int8=args.int8)
    torch.set_num_threads(args.threads)
    config = predictor.tagger.config
    print(
        f"model {predictor.version}: {config.num_layers} layers x {config.hidden_size} hidden, "
        f"window {config.max_chars} chars{', int8' if args.int8 else ''}"
    )
    print(
        f"torch {torch.__version__}: intra-op threads {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, cpus {os.cpu_count()}"
    )
    batch = texts(64, seed=3)
    p50, p95 = latency(predictor, batch[0], args.runs)
    print(f"latency, one {LENGTH}-char text: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({args.runs} runs)")
    for size in (1, 8, 32):
        print(f"throughput, batch {size:>2}: {throughput(predictor, batch, size):.1f} texts/s")
    if args.eval:
        report = evaluate(predictor, read_jsonl(args.eval), progress=False)
        print(f"\nentity F1 on {args.eval.name}:\n{report.table()}")


if __name__ == "__main__":
    main()
