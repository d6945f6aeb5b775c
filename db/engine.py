"""The async engine and the unit of work: one transaction, committed on success, rolled back on any error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from db.errors import DatabaseUnavailable

# Errors that mean "the database cannot serve now", as opposed to a bug in a statement.
_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError, TimeoutError)


def create_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 5,
    pool_timeout: float = 10.0,
    pool_recycle: int = 1800,
    connect_timeout: float = 5.0,
    echo: bool = False,
) -> AsyncEngine:
    """An engine for mysql+aiomysql or sqlite+aiosqlite; it connects lazily: a database that is down stops no start."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, connect_timeout=connect_timeout, echo=echo)
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        pool_pre_ping=True,  # a connection broken by a database restart is replaced, not handed out
        connect_args={"connect_timeout": int(max(1, connect_timeout)), "charset": "utf8mb4"},
        echo=echo,
    )


def _sqlite_engine(url: str, database: str | None, *, connect_timeout: float, echo: bool) -> AsyncEngine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # No pre-ping, no rollback when a connection goes back to the pool: a file has no server to restart, every
    # use is a transaction() that ends itself, and each statement is one more trip to the driver's thread.
    engine = create_async_engine(url, connect_args={"timeout": connect_timeout}, echo=echo, pool_reset_on_return=None)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # BEGIN IMMEDIATE takes the write lock before the first read, so two writers wait in turn
        # (busy timeout) instead of both reading and one failing to upgrade its lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


@asynccontextmanager
async def transaction(engine: AsyncEngine, *, write: bool = False) -> AsyncIterator[AsyncConnection]:
    """One unit of work; `write=True` takes SQLite's write lock at BEGIN. Connection failures: DatabaseUnavailable."""
    try:
        async with engine.connect() as conn:
            if write:
                await conn.execution_options(write=True)
            async with conn.begin():
                yield conn
    except _UNAVAILABLE as error:
        raise DatabaseUnavailable(_reason(error)) from error


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return text[:300]


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The Alembic revision the database is at; None if it was never migrated."""
    async with transaction(engine) as conn:
        migrated = await conn.run_sync(lambda sync: inspect(sync).has_table("alembic_version"))
        if not migrated:
            return None
        return (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar()
