"""Prometheus metrics of one app (its own registry, so several apps in one process stay apart)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

_STEP_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32)


class Metrics:
    """Counters and histograms the API and the pipeline update; `render` is the /metrics body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "fundocr_http_requests", "HTTP requests answered", ["endpoint", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "fundocr_http_request_seconds",
            "Time to answer an HTTP request",
            ["endpoint", "method", "status"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.ocr_seconds = Histogram("fundocr_ocr_seconds", "OCR time per image", buckets=_STEP_BUCKETS, registry=r)
        self.ner_seconds = Histogram("fundocr_ner_seconds", "NER time per image", buckets=_STEP_BUCKETS, registry=r)
        self.download_seconds = Histogram(
            "fundocr_download_seconds", "Image download time", buckets=_STEP_BUCKETS, registry=r
        )
        self.cache = Counter(
            "fundocr_cache_lookups",
            "Answers given from the database (hit) or read just now (miss)",
            ["result"],
            registry=r,
        )
        self.shared = Counter(
            "fundocr_singleflight_shared", "Requests that joined a read of the same URL already under way", registry=r
        )
        self.outdated = Counter(
            "fundocr_cache_outdated",
            "Remembered answers found changed in the database (corrected through another worker or replica)",
            registry=r,
        )
        self.claim_waits = Counter(
            "fundocr_claim_waits",
            "Reads of a new URL that waited for another process's claim on it instead of reading it too",
            registry=r,
        )
        self.download_failures = Counter(
            "fundocr_download_failures", "Downloads that failed or were refused", ["reason"], registry=r
        )
        self.admission_waiting = Gauge(
            "fundocr_admission_waiting",
            "New images admitted and not yet in an engine (downloading or waiting); bounded by ocr.max_waiting",
            registry=r,
        )
        self.shed = Counter(
            "fundocr_shed_requests", "Reads refused at once (503 with Retry-After) because the replica was full", ["reason"], registry=r
        )
        self.abandoned = Counter(
            "fundocr_abandoned_reads", "Reads dropped before OCR because every caller had gone", registry=r
        )
        self.second_looks = Counter(
            "fundocr_second_looks",
            "Near misses of the fast reading read again exactly, by whether the exact reading flagged the answer",
            ["flagged"],
            registry=r,
        )
        self.ocr_queue = Gauge("fundocr_ocr_queue_depth", "Images waiting for or in OCR", registry=r)
        self.ner_queue = Gauge("fundocr_ner_queue_depth", "Texts waiting for NER", registry=r)

    def watch_queues(self, *, ocr: Callable[[], float] | None = None, ner: Callable[[], float] | None = None) -> None:
        """Read the queue depths from the pool and the batcher each time metrics are scraped."""
        if ocr is not None:
            self.ocr_queue.set_function(ocr)
        if ner is not None:
            self.ner_queue.set_function(ner)

    def render(self) -> bytes:
        return generate_latest(self.registry)
