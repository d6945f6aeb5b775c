"""Alembic on a fresh SQLite file and a fresh MySQL database: upgrade builds exactly db.tables, downgrade removes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from core.settings import REPO_ROOT
from db.tables import SCHEMA_REVISION, metadata
from testkit.databases import mysql_database, sqlite_database

TABLES = {"ocr_results", "ocr_corrections"}


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_database(tmp_path)
    else:
        with mysql_database() as url:
            yield url


def alembic_for(url: str) -> AlembicConfig:
    config = AlembicConfig(str(REPO_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    config.attributes["configure_logging"] = False
    return config


def sync_url(url: str) -> str:
    """The same database through a blocking driver, for inspection."""
    parsed = make_url(url)
    driver = {"sqlite+aiosqlite": "sqlite", "mysql+aiomysql": "mysql+pymysql"}[parsed.drivername]
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def test_upgrade_builds_the_tables_the_code_uses_and_downgrade_removes_them(empty_database: str) -> None:
    config = alembic_for(empty_database)
    engine = create_engine(sync_url(empty_database))
    try:
        command.upgrade(config, "head")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            assert context.get_current_revision() == SCHEMA_REVISION
            unique = inspect(conn).get_unique_constraints("ocr_results")
            assert [c["column_names"] for c in unique] == [["url_hash"]]

        command.downgrade(config, "base")
        with engine.connect() as conn:
            assert not TABLES & set(inspect(conn).get_table_names())

        command.upgrade(config, "head")  # and back again on the same database
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_the_code_expects_the_newest_revision() -> None:
    assert ScriptDirectory.from_config(alembic_for("sqlite://")).get_current_head() == SCHEMA_REVISION
