"""Fixtures shared by the service's tests: migrated databases (SQLite and MySQL), the image host, a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser
from sanic import Sanic

from testkit.browser import chromium
from testkit.databases import mysql_database, sqlite_database
from testkit.image_host import ImageHost
from testkit.image_host import image_host as _image_host
from testkit.settings import config_for

Sanic.test_mode = True  # tests build many apps with one name in one process


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from server import migrate

    url = sqlite_database(tmp_path_factory.mktemp("sqlite"))
    migrate(config_for(url))
    return url


@pytest.fixture(scope="session")
def mysql_url() -> Iterator[str]:
    from server import migrate

    with mysql_database() as url:
        migrate(config_for(url))
        yield url


@pytest.fixture(scope="session", params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each kind, shared by the session: tests use URLs of their own."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def image_host() -> Iterator[ImageHost]:
    with _image_host() as host:
        yield host


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched
