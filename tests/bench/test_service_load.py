"""bench.service_load for real at a tiny size: the service, the raw engines and the owner's design, one run."""

from __future__ import annotations

import pytest

from bench.service_load import Report, parse, run, summary

COUNT = 3


@pytest.fixture(scope="module")
def report() -> Report:
    """One run (each server started, loaded and stopped): about a minute, mostly model loading."""
    return run(parse(["--count", str(COUNT), "--concurrency", "2", "--cache-rounds", "1", "--seed", "5"]), "test")


def test_the_service_answers_every_screenshot(report: Report) -> None:
    load = report.service.load
    assert load.statuses == {200: COUNT}
    assert load.flagged == COUNT  # every answer carries its flag
    assert len(load.latencies) == COUNT and load.per_second > 0
    assert report.service.health  # /health was sampled during the load


def test_the_cache_round_answers_from_the_database(report: Report) -> None:
    assert report.service.cache.statuses == {200: COUNT}
    assert report.service.cache_downloads == 0


def test_fifty_requests_for_one_new_url_share_one_read(report: Report) -> None:
    flight = report.service.single_flight
    assert flight.statuses == {200: 50}
    assert (flight.downloads, flight.ocr_runs, flight.rows) == (1, 1, 1)


def test_memory_is_read_per_worker_at_each_quarter(report: Report) -> None:
    workers = [row for row in report.service.rss if row.label == "worker"]
    assert len(workers) == 1  # server.workers: 1 in config.yaml
    for row in report.service.rss:
        assert row.warm > 0 and len(row.quarters) == 4 and row.peak >= max(row.quarters)


def test_the_raw_engine_and_the_baseline_ran_on_the_same_screenshots(report: Report) -> None:
    assert report.raw is not None and report.raw.images_per_s > 0
    assert report.baseline is not None
    assert report.baseline.load.statuses.total() == COUNT
    assert report.baseline.cache_downloads == 0  # the original also looked the URL up first
    assert report.baseline.single_flight.downloads >= 1
    assert report.baseline.single_flight.ocr_runs is None  # no metrics in the original


def test_the_printed_table_holds_every_row(report: Report) -> None:
    text = summary(report)
    assert "command: test" in text and "load average at start" in text
    for row in ("images/s", "p99 s", "/health max ms", "cache hits p99 ms", "cache req/s", "single-flight rows"):
        assert row in text
    assert "service worker" in text and "baseline process" in text
    assert "service / raw engine throughput:" in text
    assert any(line.split() == ["raw", "engine", "service", "baseline"] for line in text.splitlines())
