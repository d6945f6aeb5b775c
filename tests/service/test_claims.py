"""service.claims on SQLite and MySQL: one holder per URL among processes, renewal while held, a dead holder's
claim waited out for one lease only."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import claims
from db.engine import create_engine, transaction
from db.tables import utcnow
from service.claims import Claims

LEASE = 1.0


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def replica(engine: AsyncEngine) -> Claims:
    """One process's claims; two of them on one database stand for two replicas."""
    return Claims(engine, lease_seconds=LEASE, poll_seconds=0.05)


async def expiry(engine: AsyncEngine, key: str):  # type: ignore[no-untyped-def]
    async with transaction(engine) as conn:
        return await claims.expiry(conn, url_hash=key)


async def test_one_holder_at_a_time_and_the_waiter_goes_on_once_it_lets_go(engine: AsyncEngine) -> None:
    first, second, key = replica(engine), replica(engine), uuid.uuid4().hex
    assert first.owner != second.owner
    async with first.hold(key) as mine:
        assert mine is not None
        async with second.hold(key) as theirs:
            assert theirs is None
        waiting = asyncio.ensure_future(second.wait(key))
        await asyncio.sleep(0.2)
        assert not waiting.done()
    await asyncio.wait_for(waiting, 1)
    assert await expiry(engine, key) is None  # released on leaving
    async with second.hold(key) as theirs:
        assert theirs is not None


async def test_a_holder_renews_its_claim_past_the_lease(engine: AsyncEngine) -> None:
    holder, key = replica(engine), uuid.uuid4().hex
    async with holder.hold(key):
        first = await expiry(engine, key)
        await asyncio.sleep(LEASE * 1.5)
        assert await expiry(engine, key) > first
        async with replica(engine).hold(key) as theirs:
            assert theirs is None  # still held: a slow reader is not a dead one


async def test_a_claim_released_on_failure(engine: AsyncEngine) -> None:
    holder, key = replica(engine), uuid.uuid4().hex
    with pytest.raises(RuntimeError):
        async with holder.hold(key):
            raise RuntimeError("download failed")
    assert await expiry(engine, key) is None


async def test_a_claim_released_in_the_holders_transaction_goes_with_it(engine: AsyncEngine) -> None:
    holder, key = replica(engine), uuid.uuid4().hex
    async with holder.hold(key) as claim:
        async with transaction(engine, write=True) as conn:
            await claim.release(conn)
            assert await claims.expiry(conn, url_hash=key) is None
        assert await expiry(engine, key) is None  # committed with the holder's work, before leaving
    with pytest.raises(RuntimeError):
        async with holder.hold(key) as claim, transaction(engine, write=True) as conn:
            await claim.release(conn)
            raise RuntimeError("the store failed: its transaction, release and all, rolled back")
    assert await expiry(engine, key) is None  # released on leaving all the same


async def test_a_dead_holders_claim_blocks_for_one_lease_at_most(engine: AsyncEngine) -> None:
    key, now = uuid.uuid4().hex, utcnow()
    async with transaction(engine, write=True) as conn:  # taken by a process that then died: never renewed
        await claims.take(conn, url_hash=key, owner="dead", now=now, until=now + timedelta(seconds=LEASE))
    survivor = replica(engine)
    started = time.monotonic()
    await asyncio.wait_for(survivor.wait(key), LEASE * 3)
    assert 0.5 * LEASE < time.monotonic() - started < LEASE + 1
    async with survivor.hold(key) as mine:
        assert mine is not None
