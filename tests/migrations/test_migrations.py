"""Alembic on a fresh SQLite file and a fresh MySQL database: upgrade builds exactly db.tables, downgrade removes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from core.settings import REPO_ROOT
from db.tables import SCHEMA_REVISION, metadata
from testkit.databases import mysql_database, sqlite_database

TABLES = {"ocr_results", "ocr_corrections", "ocr_claims", "ocr_jobs", "ocr_job_items"}


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


def test_0002_adds_confidence_and_review_to_stored_answers_and_removes_them_again(empty_database: str) -> None:
    config = alembic_for(empty_database)
    engine = create_engine(sync_url(empty_database))
    row = {
        "url": "https://img.example/a.png", "url_type": "oss", "business_type": "基金", "image_sha256": "0" * 64,
        "image_width": 720, "image_height": 1280, "ocr_lines": "[]", "entities": "[]", "findings": "{}",
        "fund_code": "", "hold_share": "", "ocr_model": "m", "ocr_seconds": 0.5,
        "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1),
    }
    insert = text(
        "INSERT INTO ocr_results (url, url_hash, url_type, business_type, image_sha256, image_width, image_height,"
        " ocr_lines, entities, findings, flag, fund_code, hold_share, ocr_model, ocr_seconds, created_at, updated_at)"
        " VALUES (:url, :url_hash, :url_type, :business_type, :image_sha256, :image_width, :image_height, :ocr_lines,"
        " :entities, :findings, :flag, :fund_code, :hold_share, :ocr_model, :ocr_seconds, :created_at, :updated_at)"
    )
    try:
        command.upgrade(config, "0001")
        with engine.begin() as conn:
            conn.execute(insert, {**row, "url_hash": "a", "flag": True})
            conn.execute(insert, {**row, "url_hash": "b", "flag": False})
        command.upgrade(config, "0002")
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT url_hash, confidence, needs_review FROM ocr_results ORDER BY url_hash")).all()
            assert [(h, c, bool(n)) for h, c, n in stored] == [("a", None, False), ("b", None, True)]
            assert ["needs_review"] in [i["column_names"] for i in inspect(conn).get_indexes("ocr_results")]
        command.downgrade(config, "0001")
        with engine.connect() as conn:
            assert {"confidence", "needs_review"}.isdisjoint(c["name"] for c in inspect(conn).get_columns("ocr_results"))
            assert conn.execute(text("SELECT count(*) FROM ocr_results")).scalar() == 2
    finally:
        engine.dispose()


def test_each_migration_steps_up_and_down_keeping_the_rows_the_previous_release_wrote(empty_database: str) -> None:
    config = alembic_for(empty_database)
    engine = create_engine(sync_url(empty_database))
    revisions = [r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
    try:
        command.upgrade(config, revisions[0])
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ocr_results (url, url_hash, url_type, business_type, image_sha256, image_width,"
                    " image_height, ocr_lines, entities, findings, flag, fund_code, hold_share, ocr_model,"
                    " ocr_seconds, created_at, updated_at) VALUES ('u', :hash, 'oss', 'b', 's', 1, 1, '[]', '[]',"
                    " '{}', 1, '110022', '1', 'm', 0.1, '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
                ),
                {"hash": "a" * 64},
            )
        for previous, revision in pairwise(revisions):
            command.upgrade(config, revision)
            command.downgrade(config, previous)
            command.upgrade(config, revision)
            with engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == revision
                assert conn.execute(text("SELECT fund_code FROM ocr_results")).scalars().all() == ["110022"]
        with engine.connect() as conn:
            assert "ocr_claims" in inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_0004_adds_holdings_to_answers_and_history_and_removes_them_again(empty_database: str) -> None:
    config = alembic_for(empty_database)
    engine = create_engine(sync_url(empty_database))
    insert = text(
        "INSERT INTO ocr_results (url, url_hash, url_type, business_type, image_sha256, image_width, image_height,"
        " ocr_lines, entities, findings, flag, fund_code, hold_share, ocr_model, ocr_seconds, created_at, updated_at)"
        " VALUES ('u', :hash, 'oss', 'b', 's', 1, 1, '[]', '[]', '{}', 0, '', '', 'm', 0.1,"
        " '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
    )
    added = {"ocr_results": {"holdings", "corrected_holdings"}, "ocr_corrections": {"old_holdings", "new_holdings"}}
    try:
        command.upgrade(config, "0003")
        with engine.begin() as conn:
            conn.execute(insert, {"hash": "a" * 64})
        command.upgrade(config, "0004")
        with engine.begin() as conn:
            for table, columns in added.items():
                assert columns <= {c["name"] for c in inspect(conn).get_columns(table)}
            assert conn.execute(text("SELECT holdings, corrected_holdings FROM ocr_results")).all() == [(None, None)]
            conn.execute(text("UPDATE ocr_results SET holdings = :h"), {"h": '[{"fund_code": "110022"}]'})
        command.downgrade(config, "0003")
        with engine.connect() as conn:
            for table, columns in added.items():
                assert columns.isdisjoint(c["name"] for c in inspect(conn).get_columns(table))
            assert conn.execute(text("SELECT count(*) FROM ocr_results")).scalar() == 1
    finally:
        engine.dispose()


def test_0005_adds_the_job_tables_with_one_item_per_url_in_a_job_and_removes_them(empty_database: str) -> None:
    config = alembic_for(empty_database)
    engine = create_engine(sync_url(empty_database))
    try:
        command.upgrade(config, "0005")
        with engine.connect() as conn:
            unique = inspect(conn).get_unique_constraints("ocr_job_items")
            assert [c["column_names"] for c in unique] == [["job_id", "url_hash"]]
        command.downgrade(config, "0004")
        with engine.connect() as conn:
            assert {"ocr_jobs", "ocr_job_items"}.isdisjoint(inspect(conn).get_table_names())
            assert "ocr_claims" in inspect(conn).get_table_names()
    finally:
        engine.dispose()
