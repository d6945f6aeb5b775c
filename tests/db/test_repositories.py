"""db.results, db.corrections and db.claims on SQLite and MySQL: insert-or-fetch, corrections beside OCR values,
history, one claim owner at a time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import claims, corrections, results
from db.engine import create_engine, transaction
from db.errors import DatabaseUnavailable
from db.tables import claims as claims_table
from db.tables import utcnow
from testkit.servers import closed_port


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def new_result(url: str, **changes: object) -> results.NewResult:
    now = utcnow()
    values: dict[str, object] = {
        "url": url,
        "url_hash": results.url_hash(url),
        "url_type": "oss",
        "business_type": "基金",
        "image_sha256": "ab" * 32,
        "image_width": 720,
        "image_height": 1280,
        "ocr_lines": [{"text": "持有份额 1,234.56", "confidence": 0.99, "box": [[0, 0], [9, 0], [9, 9], [0, 9]]}],
        "entities": [{"type": "FUND_CODE", "text": "161725", "start": 0, "end": 6}],
        "findings": {"fund_codes": ["161725"], "shares": ["1234.56"]},
        "holdings": [],
        "flag": True,
        "fund_code": "161725",
        "hold_share": "1234.56",
        "confidence": {"fund_code": 0.97, "hold_share": 0.95},
        "needs_review": False,
        "ocr_model": "ch_ppocr_mobile_v2.0",
        "ner_model": None,
        "ocr_seconds": 0.8,
        "created_at": now,
        "updated_at": now,
    }
    values.update(changes)
    return results.NewResult(**values)


def unique_url(length: int = 0) -> str:
    url = f"https://oss.example.com/{uuid.uuid4().hex}.png"
    return url + "?pad=" + "x" * length if length else url


async def count(engine: AsyncEngine, url: str) -> int:
    async with transaction(engine) as conn:
        query = (
            select(func.count()).select_from(results.results).where(results.results.c.url_hash == results.url_hash(url))
        )
        return (await conn.execute(query)).scalar_one()


async def test_insert_if_absent_stores_once_and_reads_back_everything(engine: AsyncEngine) -> None:
    url = unique_url(length=5000)  # longer than any index could hold: the key is its hash
    async with transaction(engine, write=True) as conn:
        assert await results.insert_if_absent(conn, result=new_result(url)) is True
    async with transaction(engine, write=True) as conn:
        assert await results.insert_if_absent(conn, result=new_result(url, fund_code="000000")) is False
    async with transaction(engine) as conn:
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url))
    assert stored is not None and stored.url == url
    assert stored.fund_code == "161725"  # the first answer stays
    assert stored.ocr_lines[0]["text"] == "持有份额 1,234.56"
    assert stored.entities[0]["type"] == "FUND_CODE" and stored.findings["shares"] == ["1234.56"]
    assert stored.corrected is False and stored.effective_hold_share == "1234.56"
    assert (stored.confidence, stored.needs_review) == ({"fund_code": 0.97, "hold_share": 0.95}, False)
    assert await count(engine, url) == 1


async def test_racing_inserts_from_separate_engines_leave_one_row(database_url: str) -> None:
    url = unique_url()
    engines = [create_engine(database_url) for _ in range(4)]

    async def insert(engine: AsyncEngine) -> bool:
        async with transaction(engine, write=True) as conn:
            return await results.insert_if_absent(conn, result=new_result(url))

    try:
        outcomes = await asyncio.gather(*(insert(engine) for engine in engines for _ in range(3)))
        assert outcomes.count(True) == 1
        assert await count(engines[0], url) == 1
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_correction_sits_beside_the_ocr_values_with_its_history(engine: AsyncEngine) -> None:
    url = unique_url()
    async with transaction(engine, write=True) as conn:
        await results.insert_if_absent(conn, result=new_result(url))
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url), for_update=True)
        assert stored is not None
        for share, author in (("1300", "ops"), ("1400", None)):
            await corrections.add(
                conn,
                result_id=stored.id,
                old_fund_code="161725",
                old_hold_share="x",
                new_fund_code="161725",
                new_hold_share=share,
                author=author,
                at=utcnow(),
            )
            await results.set_correction(
                conn, result_id=stored.id, fund_code="161725", hold_share=share, holdings=None, author=author, at=utcnow()
            )
    async with transaction(engine) as conn:
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url))
        history = await corrections.list_for(conn, result_id=stored.id)
    assert stored.hold_share == "1234.56" and stored.corrected_hold_share == "1400"
    assert stored.effective_hold_share == "1400" and stored.corrected and stored.corrected_by is None
    assert [(item.new_hold_share, item.author) for item in history] == [("1300", "ops"), ("1400", None)]


LISTED = [
    {"fund_code": "161725", "fund_name": "招商中证白酒指数", "hold_share": "1000", "available_share": None, "amount": "1234.00",
     "confidence": 0.97, "boxes": {"fund_code": [[0, 0], [9, 0], [9, 9], [0, 9]]}},
    {"fund_code": "510300", "fund_name": None, "hold_share": "20", "available_share": "20", "amount": None, "confidence": 0.9, "boxes": {}},
]


async def test_holdings_and_their_correction_are_stored_beside_the_answer_with_their_history(engine: AsyncEngine) -> None:
    url, before = unique_url(), utcnow()
    corrected = [{**{k: LISTED[0][k] for k in ("fund_code", "fund_name", "hold_share", "available_share", "amount")}, "hold_share": "1100"}]
    async with transaction(engine, write=True) as conn:
        await results.insert_if_absent(conn, result=new_result(url, holdings=LISTED, flag=False, fund_code="", hold_share=""))
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url), for_update=True)
        assert stored is not None and stored.holdings == LISTED and stored.effective_holdings == LISTED
        await corrections.add(
            conn, result_id=stored.id, old_fund_code="", old_hold_share="", new_fund_code="", new_hold_share="",
            old_holdings=LISTED, new_holdings=corrected, author="ops", at=utcnow(),
        )
        await results.set_correction(
            conn, result_id=stored.id, fund_code=None, hold_share=None, holdings=corrected, author="ops", at=utcnow()
        )
    async with transaction(engine) as conn:
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url))
        (change,) = await corrections.list_for(conn, result_id=stored.id)
        handled = await corrections.count_since(conn, since=before)
    assert stored.holdings == LISTED and stored.corrected_holdings == corrected and stored.effective_holdings == corrected
    assert stored.corrected and stored.corrected_fund_code is None and stored.effective_fund_code == ""
    assert (change.old_holdings, change.new_holdings) == (LISTED, corrected)
    assert handled["corrected"] >= 1


async def test_rows_without_holdings_keep_sql_nulls(engine: AsyncEngine) -> None:
    url = unique_url()
    async with transaction(engine, write=True) as conn:
        await results.insert_if_absent(conn, result=new_result(url, holdings=None))
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url))
        await corrections.add(
            conn, result_id=stored.id, old_fund_code="161725", old_hold_share="1", new_fund_code="161725",
            new_hold_share="1", author=None, at=utcnow(),
        )
        nulls = select(func.count()).select_from(results.results).where(
            results.results.c.id == stored.id, results.results.c.holdings.is_(None), results.results.c.corrected_holdings.is_(None)
        )
        assert (await conn.execute(nulls)).scalar_one() == 1
        history = corrections.corrections.c
        untouched = select(func.count()).where(history.result_id == stored.id, history.new_holdings.is_(None), history.old_holdings.is_(None))
        assert (await conn.execute(untouched)).scalar_one() == 1
    assert stored.holdings is None and stored.effective_holdings == []


async def test_a_failed_unit_of_work_leaves_nothing(engine: AsyncEngine) -> None:
    url = unique_url()
    with pytest.raises(RuntimeError):
        async with transaction(engine, write=True) as conn:
            await results.insert_if_absent(conn, result=new_result(url))
            raise RuntimeError("crash between two writes")
    assert await count(engine, url) == 0


@pytest.mark.parametrize("kind", ["mysql", "sqlite"])
async def test_an_unreachable_database_is_reported_as_unavailable(tmp_path: Path, kind: str) -> None:
    if kind == "mysql":
        engine, reason = (
            create_engine(f"mysql+aiomysql://root@127.0.0.1:{closed_port()}/x", connect_timeout=1),
            "Can't connect",
        )
    else:
        engine, reason = create_engine(f"sqlite+aiosqlite:///{tmp_path}"), "unable to open"  # a directory, not a file
    try:
        with pytest.raises(DatabaseUnavailable, match=reason):
            async with transaction(engine) as conn:
                await conn.exec_driver_sql("SELECT 1")
    finally:
        await engine.dispose()


async def test_updated_at_changes_with_a_correction(engine: AsyncEngine) -> None:
    url = unique_url()
    async with transaction(engine, write=True) as conn:
        assert await results.updated_at(conn, url_hash=results.url_hash(url)) is None
        await results.insert_if_absent(conn, result=new_result(url))
        stored = await results.get_by_url_hash(conn, url_hash=results.url_hash(url))
        assert stored is not None
        before = await results.updated_at(conn, url_hash=stored.url_hash)
        assert before == stored.updated_at
        await results.set_correction(
            conn, result_id=stored.id, fund_code="000001", hold_share="1", holdings=None, author=None, at=utcnow()
        )
        assert await results.updated_at(conn, url_hash=stored.url_hash) > before


# --- db.claims ------------------------------------------------------------------------------------------------

CLAIM_LEASE = timedelta(seconds=10)


async def take_claim(engine: AsyncEngine, key: str, owner: str, *, later: timedelta = timedelta(0)) -> bool:
    now = utcnow() + later
    async with transaction(engine, write=True) as conn:
        return await claims.take(conn, url_hash=key, owner=owner, now=now, until=now + CLAIM_LEASE)


async def claim_holder(engine: AsyncEngine, key: str) -> str | None:
    async with transaction(engine) as conn:
        query = select(claims_table.c.owner).where(claims_table.c.url_hash == key)
        return (await conn.execute(query)).scalar_one_or_none()


async def test_one_owner_at_a_time_until_the_lease_lapses(engine: AsyncEngine) -> None:
    key = uuid.uuid4().hex
    assert await take_claim(engine, key, "a") is True
    assert await take_claim(engine, key, "b") is False
    assert await claim_holder(engine, key) == "a"
    assert await take_claim(engine, key, "b", later=CLAIM_LEASE + timedelta(seconds=1)) is True  # a died holding it
    assert await claim_holder(engine, key) == "b"


async def test_renew_and_release_touch_only_the_owners_claim(engine: AsyncEngine) -> None:
    key = uuid.uuid4().hex
    assert await take_claim(engine, key, "a")
    assert await take_claim(engine, key, "b", later=CLAIM_LEASE * 2)  # taken over after a lapse
    async with transaction(engine, write=True) as conn:
        assert await claims.renew(conn, url_hash=key, owner="a", until=utcnow() + CLAIM_LEASE) is False
        await claims.release(conn, url_hash=key, owner="a")
    assert await claim_holder(engine, key) == "b"
    async with transaction(engine, write=True) as conn:
        assert await claims.renew(conn, url_hash=key, owner="b", until=utcnow() + CLAIM_LEASE) is True
        await claims.release(conn, url_hash=key, owner="b")
    assert await claim_holder(engine, key) is None
    assert await take_claim(engine, key, "c") is True
