"""GET /metrics and the JSON logs: what operations can see of the requests served."""

from __future__ import annotations

import json
import logging
import sys

from prometheus_client.parser import text_string_to_metric_families

from api.logs import JsonFormatter, request_id
from testkit.api import Service


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_cache_ocr_and_download_failures(service: Service) -> None:
    url = service.holding()
    await service.ocr_handler(url)
    await service.ocr_handler(url)
    await service.ocr_handler(service.host.url("/status/404"))
    reply = await service.call("GET", "/metrics")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    found = samples(reply.body)

    ok = frozenset({("endpoint", "/ocr_handler"), ("method", "POST"), ("status", "200")})
    assert found[("fundocr_http_requests_total", ok)] == 2
    assert found[("fundocr_http_request_seconds_count", ok)] == 2
    assert found[("fundocr_cache_lookups_total", frozenset({("result", "hit")}))] == 1
    assert found[("fundocr_cache_lookups_total", frozenset({("result", "miss")}))] == 1
    assert found[("fundocr_download_failures_total", frozenset({("reason", "status")}))] == 1
    assert found[("fundocr_ocr_seconds_count", frozenset())] == 1
    assert ("fundocr_ocr_queue_depth", frozenset()) in found
    assert ("fundocr_ner_seconds_count", frozenset()) in found


async def test_every_request_is_logged_as_json_with_its_request_id(service: Service) -> None:
    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    handler, logger = Collect(), logging.getLogger("fundocr")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        await service.ocr_handler("ftp://nowhere/x.png", **{"X-Request-ID": "trace-me-1"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    mine = [line for line in lines if line.get("request_id") == "trace-me-1"]
    assert any(line["msg"] == "request" and line["status"] == "400" for line in mine), lines


def test_the_formatter_writes_one_json_object_with_extras_and_traceback() -> None:
    token = request_id.set("abc123")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.getLogger("fundocr.test").makeRecord(
                "fundocr.test", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info()
            )
        record.__dict__["status"] = 500
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["msg"] == "failed here" and line["level"] == "ERROR" and line["request_id"] == "abc123"
    assert line["status"] == 500 and "ValueError: boom" in line["exc"]
