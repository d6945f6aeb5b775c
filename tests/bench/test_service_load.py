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


@pytest.fixture(scope="module")
def versus() -> Report:
    """PaddleHub Serving (gunicorn, two workers) on the stock engine, then the service, same screenshots."""
    options = ["--count", str(COUNT), "--concurrency", "2", "--cache-rounds", "0", "--seed", "5"]
    return run(parse([*options, "--versus-hubserving", "--hub-workers", "2"]), "test")


def test_versus_hubserving_loads_both_servers_with_the_same_screenshots(versus: Report) -> None:
    hub = versus.hubserving
    assert hub is not None and hub.workers == 2
    assert hub.load.statuses == {200: COUNT} and hub.load.flagged == COUNT  # every image answered, status "000"
    assert versus.service.load.statuses == {200: COUNT} and versus.service.load.flagged == COUNT
    assert hub.health and versus.service.health  # GET / and /health sampled during each load
    assert versus.raw is None and versus.baseline is None


def test_versus_hubserving_reads_the_memory_of_every_hubserving_process(versus: Report) -> None:
    hub = versus.hubserving
    assert hub is not None
    assert hub.rss[0].label == "process"
    assert len(hub.rss) >= 3  # gunicorn's master and its two workers
    assert all(row.warm > 0 and row.peak >= row.warm for row in hub.rss)


def test_versus_hubserving_prints_both_and_the_ratio(versus: Report) -> None:
    text = summary(versus)
    assert "PaddleHub Serving" in text and "service / PaddleHub Serving: images/s" in text
    assert "RSS MB all processes peak" in text and "GET / | /health p50/p99/max ms" in text
    assert "CPU s per image, all processes" in text


def test_versus_hubserving_counts_the_cpu_each_side_spent(versus: Report) -> None:
    hub = versus.hubserving
    assert hub is not None
    assert sum(row.cpu for row in hub.rss) > 0 and sum(row.cpu for row in versus.service.rss) > 0
