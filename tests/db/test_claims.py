"""db.claims on SQLite and MySQL: one owner at a time, a lapsed claim taken over, renew and release by owner only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import claims
from db.engine import create_engine, transaction
from db.tables import claims as claims_table
from db.tables import utcnow

LEASE = timedelta(seconds=10)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def take(engine: AsyncEngine, key: str, owner: str, *, later: timedelta = timedelta(0)) -> bool:
    now = utcnow() + later
    async with transaction(engine, write=True) as conn:
        return await claims.take(conn, url_hash=key, owner=owner, now=now, until=now + LEASE)


async def holder(engine: AsyncEngine, key: str) -> str | None:
    async with transaction(engine) as conn:
        query = select(claims_table.c.owner).where(claims_table.c.url_hash == key)
        return (await conn.execute(query)).scalar_one_or_none()


async def test_one_owner_at_a_time_until_the_lease_lapses(engine: AsyncEngine) -> None:
    key = uuid.uuid4().hex
    assert await take(engine, key, "a") is True
    assert await take(engine, key, "b") is False
    assert await holder(engine, key) == "a"
    assert await take(engine, key, "b", later=LEASE + timedelta(seconds=1)) is True  # a died holding it
    assert await holder(engine, key) == "b"


async def test_renew_and_release_touch_only_the_owners_claim(engine: AsyncEngine) -> None:
    key = uuid.uuid4().hex
    assert await take(engine, key, "a")
    assert await take(engine, key, "b", later=LEASE * 2)  # taken over after a lapse
    async with transaction(engine, write=True) as conn:
        assert await claims.renew(conn, url_hash=key, owner="a", until=utcnow() + LEASE) is False
        await claims.release(conn, url_hash=key, owner="a")
    assert await holder(engine, key) == "b"
    async with transaction(engine, write=True) as conn:
        assert await claims.renew(conn, url_hash=key, owner="b", until=utcnow() + LEASE) is True
        await claims.release(conn, url_hash=key, owner="b")
    assert await holder(engine, key) is None
    assert await take(engine, key, "c") is True
