"""The database crashes and comes back under load: 503s meanwhile, then recovery without a restart,
and in the end no answer or correction lost and no row duplicated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from db.engine import create_engine
from db.results import url_hash
from db.tables import corrections, results
from server import migrate
from testkit.api import API_KEY, Service, served
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.mariadb import private_mariadb
from testkit.settings import config_for


async def drive(service: Service, urls: list[str], clients: int = 4) -> dict[str, int]:
    """Each URL asked once, by `clients` callers in parallel; its status."""
    statuses: dict[str, int] = {}
    queue = list(urls)

    async def caller() -> None:
        while queue:
            url = queue.pop()
            statuses[url] = (await service.ocr_handler(url)).status

    await asyncio.gather(*(caller() for _ in range(clients)))
    return statuses


@pytest.mark.mysql
async def test_a_database_crash_under_load_loses_and_duplicates_nothing(
    tmp_path: Path, image_host: ImageHost, http: aiohttp.ClientSession
) -> None:
    with private_mariadb(tmp_path) as mariadb:
        mariadb.execute("CREATE DATABASE fundocr CHARACTER SET utf8mb4")
        config = config_for(
            mariadb.url, AUTH__API_KEYS__BACKOFFICE=API_KEY, DATABASE__CONNECT_TIMEOUT="1", DATABASE__POOL_TIMEOUT="2"
        )
        await asyncio.to_thread(migrate, config)  # Alembic runs its own event loop
        ocr = FakeOcr(delay=0.02)
        server, app = served(config, ocr)
        with server as base:
            service = Service(base, app, ocr, image_host, http)
            urls = [service.holding("110022", f"{n}.00") for n in range(60)]

            before = await drive(service, urls[:20])
            assert set(before.values()) == {200}

            during_task = asyncio.ensure_future(drive(service, urls[20:40]))
            await asyncio.sleep(0.05)
            await asyncio.to_thread(mariadb.kill)
            corrections_down = [await service.correct(url, "000001", "1") for url in urls[:3]]
            during = await during_task
            assert set(during.values()) <= {200, 503}
            assert 503 in during.values()
            assert {reply.status for reply in corrections_down} == {503}
            assert (await service.call("GET", "/ready")).status == 503

            await asyncio.to_thread(mariadb.start)
            retried = [url for url in urls[20:40] if during[url] != 200]
            after = await drive(service, retried + urls[40:])
            assert set(after.values()) == {200}, after  # recovered without restarting the service
            assert (await service.call("GET", "/ready")).status == 200
            corrections_up = [await service.correct(url, "000001", "2") for url in urls[:3]]
            assert {reply.status for reply in corrections_up} == {200}

        # InnoDB recovered from the crash: what was answered is stored once, and every correction kept.
        engine = create_engine(mariadb.url)
        try:
            async with engine.connect() as conn:
                per_url = dict(
                    (await conn.execute(select(results.c.url_hash, func.count()).group_by(results.c.url_hash))).all()
                )
                history = (await conn.execute(select(func.count()).select_from(corrections))).scalar_one()
        finally:
            await engine.dispose()
    assert per_url == {url_hash(url): 1 for url in urls}
    assert history == 3
