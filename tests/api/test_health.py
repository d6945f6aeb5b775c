"""GET /health and /ready, a database that is down or not migrated, and errors Sanic raises itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from testkit.api import Service, assert_error, served
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.servers import closed_port
from testkit.settings import config_for


async def test_health_and_ready(service: Service) -> None:
    health = await service.call("GET", "/health")
    assert health.status == 200 and health.body == {"status": "ok"}
    ready = await service.call("GET", "/ready")
    assert ready.status == 200 and ready.body == {"status": "ready"}


async def test_an_unknown_path_and_a_wrong_method_are_json_errors(service: Service) -> None:
    assert_error(await service.call("GET", "/nothing-here"), 404, "not_found")
    assert_error(await service.call("GET", "/ocr_handler"), 405, "method_not_allowed")


async def test_a_request_body_over_the_limit_is_a_413(service: Service) -> None:
    limit = service.app.ctx.config.server.request_max_size
    reply = await service.call("POST", "/ocr_handler", raw=b"{" + b" " * limit + b"}")
    assert_error(reply, 413, "too_large")


@pytest.fixture(scope="module")
def database_down(image_host: ImageHost, http: aiohttp.ClientSession) -> Iterator[Service]:
    """The service pointed at a MySQL port where nothing listens: it must start anyway."""
    config = config_for(f"mysql+aiomysql://root@127.0.0.1:{closed_port()}/fundocr", DATABASE__CONNECT_TIMEOUT="1")
    ocr = FakeOcr()
    server, app = served(config, ocr)
    with server as base:
        yield Service(base, app, ocr, image_host, http)


async def test_with_the_database_down_the_service_starts_and_ready_says_why(database_down: Service) -> None:
    assert (await database_down.call("GET", "/health")).status == 200
    ready = await database_down.call("GET", "/ready")
    assert_error(ready, 503, "unavailable")
    assert "Can't connect" in ready.body["reasons"]["database"]


async def test_with_the_database_down_requests_are_a_503_before_any_download(database_down: Service) -> None:
    url = database_down.holding()
    reply = await database_down.ocr_handler(url)
    assert_error(reply, 503, "unavailable")
    assert "database" in reply.body["error"]
    assert database_down.host.hits[url.removeprefix(database_down.host.base)] == 0
    correction = await database_down.correct(url, "110011", "1", key=None)
    assert_error(correction, 503, "unavailable")


async def test_an_unmigrated_database_is_not_ready(
    tmp_path: Path, image_host: ImageHost, http: aiohttp.ClientSession
) -> None:
    server, app = served(config_for(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"), FakeOcr())
    with server as base:
        service = Service(base, app, FakeOcr(), image_host, http)
        ready = await service.call("GET", "/ready")
        assert_error(ready, 503, "unavailable")
        assert "run the migrations" in ready.body["reasons"]["database"]
