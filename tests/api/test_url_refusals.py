"""/ocr_handler refuses, before connecting, a URL whose name resolves to a private address."""

from __future__ import annotations

import dataclasses

import aiohttp

from testkit.api import Service, assert_error, served
from testkit.drawing import blank_png
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.servers import StaticResolver
from testkit.settings import config_for


async def test_the_service_refuses_a_public_looking_name_for_127_0_0_1(
    image_host: ImageHost, http: aiohttp.ClientSession, sqlite_url: str
) -> None:
    config = config_for(sqlite_url, DOWNLOAD__ALLOW_PRIVATE_NETWORKS="false")
    assert config.download == dataclasses.replace(config.download, allow_private_networks=False)
    image_host.put("via-name.png", blank_png())
    server, app = served(config, FakeOcr(), resolver=StaticResolver({"cdn.example.com": ["127.0.0.1"]}))
    with server as base:
        service = Service(base, app, FakeOcr(), image_host, http)
        reply = await service.ocr_handler(f"http://cdn.example.com:{image_host.port}/img/via-name.png")
    assert_error(reply, 400, "url_refused")
    assert reply.body["reason"] == "private_address"
    assert image_host.hits["/img/via-name.png"] == 0
