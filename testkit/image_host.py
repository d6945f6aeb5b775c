"""An image host on 127.0.0.1 that also misbehaves on request: slow, late, huge, lying, redirecting, dropping."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from testkit.servers import bound_socket, in_thread

SLOW_SECONDS = 30


class ImageHost:
    """Files put here are served at /img/<name>; `hits` counts requests per path."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.hits: Counter[str] = Counter()
        self.base = ""
        self.raw_base = ""

    def put(self, name: str, data: bytes, content_type: str = "image/png") -> str:
        self.files[name] = (data, content_type)
        return f"{self.base}/img/{name}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def downloads(self, url: str) -> int:
        """How many times the file behind `url` (as `put` returned it) was asked for."""
        return self.hits[url.removeprefix(self.base)]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/img/{name}", self._file)
        app.router.add_get("/status/{code}", self._status)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/late/{seconds}/{name}", self._late)
        app.router.add_get("/flaky/{failures}/{name}", self._flaky)
        app.router.add_get("/big/{size}", self._big)
        app.router.add_get("/chunked/{size}", self._chunked)
        app.router.add_get("/redirect/{hops}/{name}", self._redirect)
        app.router.add_get("/loop", self._loop)
        app.router.add_get("/to", self._to)
        return app

    @web.middleware
    async def _count(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        self.hits[request.path] += 1
        return await handler(request)

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.files:
            raise web.HTTPNotFound()
        data, content_type = self.files[name]
        return web.Response(body=data, content_type=content_type)

    async def _status(self, request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]))

    async def _loop(self, _request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def _to(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["location"])

    async def _slow(self, _request: web.Request) -> web.Response:
        await asyncio.sleep(SLOW_SECONDS)
        return web.Response(body=b"late")

    async def _late(self, request: web.Request) -> web.Response:
        """A file put here, answered after `seconds`: a download still under way when a test looks."""
        await asyncio.sleep(float(request.match_info["seconds"]))
        return await self._file(request)

    async def _flaky(self, request: web.Request) -> web.Response:
        """A file put here, answered 503 the first `failures` times it is asked for: a host that comes back."""
        if self.hits[request.path] <= int(request.match_info["failures"]):
            return web.Response(status=503)
        return await self._file(request)

    async def _big(self, request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * int(request.match_info["size"]))

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()  # no Content-Length: the size shows only while streaming
        await response.prepare(request)
        remaining = int(request.match_info["size"])
        await response.write(b"\x89PNG\r\n\x1a\n")
        while remaining > 0:
            await response.write(b"\0" * min(remaining, 65536))
            remaining -= 65536
        await response.write_eof()
        return response

    async def _redirect(self, request: web.Request) -> web.Response:
        hops, name = int(request.match_info["hops"]), request.match_info["name"]
        raise web.HTTPFound(f"/redirect/{hops - 1}/{name}" if hops > 1 else f"/img/{name}")


async def _lying(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Raw HTTP: /short declares more bytes than it sends and hangs up; /long declares fewer than it sends."""
    request_line = await reader.readline()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    png_head = b"\x89PNG\r\n\x1a\n"
    if b"/short" in request_line:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5000\r\n\r\n" + png_head)
    else:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n" + png_head * 4096)
    await writer.drain()
    writer.close()


@contextmanager
def image_host() -> Iterator[ImageHost]:
    host = ImageHost()
    sock, raw_sock = bound_socket(), bound_socket()

    async def start():  # type: ignore[no-untyped-def]
        runner = web.AppRunner(host.app(), shutdown_timeout=1)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        raw = await asyncio.start_server(_lying, sock=raw_sock)

        async def stop() -> None:
            raw.close()
            await runner.cleanup()

        return stop

    with in_thread(start):
        host.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        host.raw_base = f"http://127.0.0.1:{raw_sock.getsockname()[1]}"
        yield host
