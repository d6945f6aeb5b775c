"""auth.require_for=all: every endpoint but the probes and the review page's own files needs a key."""

from __future__ import annotations

import aiohttp

from testkit.api import API_KEY, Service, assert_error, served
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.settings import config_for


async def test_with_require_for_all_only_the_probes_and_the_review_files_are_open(
    sqlite_url: str, image_host: ImageHost, http: aiohttp.ClientSession
) -> None:
    config = config_for(sqlite_url, AUTH__API_KEYS__BACKOFFICE=API_KEY, AUTH__REQUIRE_FOR="all")
    ocr = FakeOcr()
    server, app = served(config, ocr)
    with server as base:
        service = Service(base, app, ocr, image_host, http)
        assert (await service.call("GET", "/health")).status == 200
        assert (await service.call("GET", "/ready")).status == 200
        for path, kind in [("/review", "text/html"), ("/review/app.js", "javascript"), ("/review/app.css", "css")]:
            reply = await service.call("GET", path)
            assert reply.status == 200 and kind in reply.headers["Content-Type"], path
        assert_error(await service.call("GET", "/results"), 401, "unauthorized")  # the page's data is not open
        url = service.holding()
        assert_error(await service.ocr_handler(url), 401, "unauthorized")
        assert_error(await service.call("GET", "/metrics"), 401, "unauthorized")
        assert_error(await service.ocr_handler(url, **{"X-API-Key": "x" * 20}), 403, "forbidden")
        assert (await service.ocr_handler(url, **{"X-API-Key": API_KEY})).status == 200
        assert (await service.call("GET", "/metrics", **{"X-API-Key": API_KEY})).status == 200
