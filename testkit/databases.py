"""Databases of a test run's own: a temporary SQLite file, or a fresh database on the MariaDB/MySQL server."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymysql
import pytest
from sqlalchemy.engine import make_url

SERVER_URL = os.environ.get("FUNDOCR_TEST_MYSQL_URL", "mysql+aiomysql://root@127.0.0.1:3306")


def _connect() -> pymysql.Connection:
    url = make_url(SERVER_URL)
    return pymysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        connect_timeout=3,
        autocommit=True,
    )


@contextmanager
def mysql_database() -> Iterator[str]:
    """A new, empty database `fundocr_test_<random>` (dropped afterwards); skipped without a server unless CI is set."""
    try:
        admin = _connect()
    except pymysql.err.OperationalError as error:
        message = f"no MySQL/MariaDB at {SERVER_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"fundocr_test_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


def sqlite_database(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'fundocr.db'}"
