"""The owner's first design, rebuilt as the baseline for bench.service_load (not for production use).

    python -m bench.owner_service --port 8100 --db sqlite:////tmp/owner.db     # or mysql://root@127.0.0.1:3306/db

It reproduces the original's blocking design on purpose: one process, one global OCR engine, and inside the
async handler a blocking database lookup, the download with aiohttp (the one step that awaits), OCR on the
event loop's thread, the original rules (bench/owner_rules.py) and a blocking insert. Nothing stops two
requests for one URL from both reading and storing it. GET /health answers whenever the loop is free.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

import aiohttp
import pymysql
from sanic import HTTPResponse, Request, Sanic, json
from sqlalchemy.engine import make_url

from bench.owner_rules import owner_extract
from ocr_service.pool import available_cores

TABLE = "owner_ocr_results"
_COLUMNS = (
    "image_url TEXT NOT NULL, url_type TEXT NOT NULL, business_type TEXT NOT NULL,"
    " fund_code TEXT NOT NULL, hold_share TEXT NOT NULL"
)


class Store:
    """The original's table (no unique key on the URL), one blocking connection per call as its helpers made."""

    def __init__(self, target: str) -> None:
        self.url = make_url(target)
        self.mark = "?" if self.url.drivername == "sqlite" else "%s"  # the drivers' parameter styles

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.url.drivername == "sqlite":
            connection: Any = sqlite3.connect(self.url.database, timeout=30)
        else:
            connection = pymysql.connect(
                host=self.url.host, port=self.url.port or 3306, user=self.url.username,
                password=self.url.password or "", database=self.url.database, charset="utf8mb4",
            )  # fmt: skip
        with closing(connection):
            cursor = connection.cursor()
            yield cursor
            connection.commit()

    def create(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({_COLUMNS})")

    def find(self, url: str) -> tuple[str, str] | None:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT fund_code, hold_share FROM {TABLE} WHERE image_url = {self.mark}", (url,))
            return cursor.fetchone()

    def write(self, url: str, url_type: str, fund_code: str, hold_share: str) -> None:
        with self._cursor() as cursor:
            marks = ", ".join([self.mark] * 5)
            cursor.execute(f"INSERT INTO {TABLE} VALUES ({marks})", (url, url_type, "基金", fund_code, hold_share))


def create_app(store: Store) -> Sanic:
    """The owner's handler shape; the engine is a module-level global in the original, here built before serving."""
    # Paddle loads in the server only: bench.service_load imports this module for TABLE.
    from ocr_service.engine import OcrEngine

    app = Sanic("owner_baseline")
    app.config.update(MOTD=False, ACCESS_LOG=False, RESPONSE_TIMEOUT=600)
    # One engine for the process, as `hub.Module(...)` gave the original, with a math thread per core.
    engine = OcrEngine(threads=available_cores())
    engine.warm_up()  # the service warms its engines too: both are measured in steady state

    @app.post("/ocr_handler")
    async def ocr_handler(request: Request) -> HTTPResponse:
        url, url_type = request.json["image_url"], request.json["url_type"]
        if (stored := store.find(url)) is not None:  # blocks the loop
            return json({"flag": bool(stored[0]), "data": {"fund_code": stored[0], "hold_share": stored[1]}})
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            if response.status != 200:
                return json({"error": "图片下载失败"}, status=502)
            image = await response.read()
        lines = engine.recognize(image).lines  # blocks the loop for the whole OCR run
        decided = owner_extract([line.text for line in lines])
        if decided is None:  # the original raised IndexError here
            return json({"error": "IndexError"}, status=500)
        fund_code, hold_share, flag = decided
        store.write(url, url_type, fund_code, hold_share)  # blocks the loop
        return json({"flag": flag, "data": {"fund_code": fund_code, "hold_share": hold_share}})

    @app.get("/health")
    async def health(_request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True, help="sqlite:///path.db or mysql://user@host:port/db")
    args = parser.parse_args()
    store = Store(args.db)
    store.create()
    # single_process: one worker, which loads the engine before it serves (no manager process, no start limit).
    create_app(store).run(host="127.0.0.1", port=args.port, single_process=True)


if __name__ == "__main__":
    main()
