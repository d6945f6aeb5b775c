"""The service served for real on 127.0.0.1 with a stand-in OCR engine, against each kind of database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sanic import Sanic

from core.settings import Settings
from server import create_app
from tests.support.appconfig import config_for
from tests.support.image_host import ImageHost
from tests.support.images import FakeOcr, blank_png
from tests.support.servers import serve_app

API_KEY = "backoffice-key-0123456789"


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any


@dataclass
class Service:
    base: str
    app: Sanic
    ocr: FakeOcr
    host: ImageHost
    http: aiohttp.ClientSession

    async def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, **headers: str
    ) -> Reply:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        async with self.http.request(method, self.base + path, data=data, headers=headers) as response:
            text = await response.text()
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text
            return Reply(response.status, parsed, response.headers)

    async def ocr_handler(self, image_url: str, url_type: str = "oss", **headers: str) -> Reply:
        return await self.call("POST", "/ocr_handler", {"image_url": image_url, "url_type": url_type}, **headers)

    async def correct(self, image_url: str, fund_code: str, hold_share: str, key: str | None = API_KEY) -> Reply:
        body = {"image_url": image_url, "update_fund_code": fund_code, "update_hold_share": hold_share}
        headers = {"X-API-Key": key} if key else {}
        return await self.call("POST", "/ocr_info_update", body, **headers)

    def holding(self, code: str = "110022", share: str = "1234.56") -> str:
        """A new screenshot URL whose stand-in OCR reads a fund code and a share."""
        image = self.ocr.teach(blank_png(), [f"易方达消费行业 {code}", f"持有份额 {share}"])
        return self.host.put(f"{id(image)}-{len(self.host.files)}.png", image)


def ocr_factory(ocr: FakeOcr):  # type: ignore[no-untyped-def]
    async def build(_config: Any) -> FakeOcr:
        return ocr

    return build


def served(config: Settings, ocr: FakeOcr, **kwargs: Any):  # type: ignore[no-untyped-def]
    """Context manager: the app for `config` with `ocr`, served on a free port; yields (base URL, app)."""
    app = create_app(config, ocr_factory=ocr_factory(ocr), **kwargs)
    return serve_app(app), app


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="module")
def service(database_url: str, image_host: ImageHost, http: aiohttp.ClientSession) -> Iterator[Service]:
    ocr = FakeOcr()
    config = config_for(database_url, AUTH__API_KEYS__BACKOFFICE=API_KEY)
    server, app = served(config, ocr)
    with server as base:
        yield Service(base, app, ocr, image_host, http)
