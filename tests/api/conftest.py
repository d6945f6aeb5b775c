"""Fixtures: the service served for real on 127.0.0.1 with a stand-in OCR engine, against each kind of database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from testkit.api import API_KEY, Service, served
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.settings import config_for


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
