"""The service served for real on 127.0.0.1 with a stand-in OCR engine, and a client that speaks its API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from sanic import Sanic

from core.settings import Settings
from server import create_app, run_worker
from testkit.drawing import blank_png
from testkit.fakes import FakeOcr, Line
from testkit.image_host import ImageHost
from testkit.servers import bound_socket, in_thread

API_KEY = "backoffice-key-0123456789"


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any


@dataclass
class Service:
    base: str
    app: Sanic
    ocr: FakeOcr
    host: ImageHost
    http: aiohttp.ClientSession

    async def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, **headers: str
    ) -> Reply:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        async with self.http.request(method, self.base + path, data=data, headers=headers) as response:
            text = await response.text()
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text
            return Reply(response.status, parsed, response.headers)

    async def ocr_handler(self, image_url: str, url_type: str = "oss", **headers: str) -> Reply:
        return await self.call("POST", "/ocr_handler", {"image_url": image_url, "url_type": url_type}, **headers)

    async def correct(self, image_url: str, fund_code: str, hold_share: str, key: str | None = API_KEY) -> Reply:
        body = {"image_url": image_url, "update_fund_code": fund_code, "update_hold_share": hold_share}
        headers = {"X-API-Key": key} if key else {}
        return await self.call("POST", "/ocr_info_update", body, **headers)

    def page(self, lines: list[Line], *, exact: list[Line] | None = None) -> str:
        """A new screenshot URL whose stand-in OCR reads `lines`, one under the other (`exact` when asked
        for an exact reading)."""
        image = self.ocr.teach(blank_png(), lines, exact=exact)
        return self.host.put(f"{id(image)}-{len(self.host.files)}.png", image)

    def holding(self, code: str = "110022", share: str = "1234.56") -> str:
        """A new screenshot URL whose stand-in OCR reads a fund code and a share."""
        image = self.ocr.teach(blank_png(), [f"易方达消费行业 {code}", f"持有份额 {share}"])
        return self.host.put(f"{id(image)}-{len(self.host.files)}.png", image)


@contextmanager
def serve_app(app: Sanic) -> Iterator[str]:
    """Serve a Sanic app for real (listeners included) and yield its base URL once its models are loaded."""
    sock = bound_socket()
    port = sock.getsockname()[1]

    async def start() -> Callable[[], Awaitable[None]]:
        server = await app.create_server(sock=sock, return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        await server.after_start()
        task = asyncio.ensure_future(server.serve_forever())
        if (loading := getattr(app.ctx, "loading", None)) is not None:
            await loading  # the models load in the background; tests start once they are in

        async def stop() -> None:
            await server.before_stop()
            server.close()
            for connection in list(server.connections):  # keep-alive clients would hold the loop open
                connection.close(timeout=1)
            await server.wait_closed()
            task.cancel()
            await asyncio.sleep(0.05)  # let the connection tasks see their transports close
            await server.after_stop()

        return stop

    with in_thread(start):
        yield f"http://127.0.0.1:{port}"


def ocr_factory(ocr: FakeOcr):  # type: ignore[no-untyped-def]
    async def build(_config: Any) -> FakeOcr:
        return ocr

    return build


def served(config: Settings, ocr: FakeOcr, **kwargs: Any):  # type: ignore[no-untyped-def]
    """Context manager: the app for `config` with `ocr`, served on a free port; yields (base URL, app)."""
    app = create_app(config, ocr_factory=ocr_factory(ocr), **kwargs)
    return serve_app(app), app


def assert_error(reply: Reply, status: int, code: str) -> None:
    """The reply is the API's JSON error with this status and code, and carries its request id."""
    assert reply.status == status, reply.body
    assert reply.body["code"] == code, reply.body
    assert reply.body["error"]
    assert reply.body["request_id"] == reply.headers["X-Request-ID"]


@contextmanager
def worker_in_thread(config: Settings, ocr: FakeOcr) -> Iterator[None]:
    """`python server.py worker`'s loop (server.run_worker) with `ocr`, on a loop of its own; stopped on leaving."""

    async def start() -> Callable[[], Awaitable[None]]:
        stop = asyncio.Event()
        task = asyncio.ensure_future(run_worker(config, stop, ocr_factory=ocr_factory(ocr)))

        async def end() -> None:
            stop.set()
            await asyncio.wait_for(task, 60)

        return end

    with in_thread(start):
        yield
