"""Real servers on 127.0.0.1, each on its own event loop in a thread, so a blocked test loop cannot stall them."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from aiohttp.abc import AbstractResolver, ResolveResult
from sanic import Sanic


def bound_socket() -> socket.socket:
    """A listening-ready TCP socket on a free loopback port (no race between choosing and binding)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def closed_port() -> int:
    """A loopback port nobody listens on."""
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


@contextmanager
def in_thread(start: Callable[[], Awaitable[Callable[[], Awaitable[None]]]]) -> Iterator[asyncio.AbstractEventLoop]:
    """Run `start()` on a fresh loop in a thread; it returns the coroutine function that stops what it started."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []
    stopper: list[Callable[[], Awaitable[None]]] = []

    async def begin() -> None:
        try:
            stopper.append(await start())
        except BaseException as error:  # noqa: BLE001  (raised in the test's thread below)
            failure.append(error)
        finally:
            ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(begin(), loop)
    ready.wait(120)
    if failure:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        raise failure[0]

    async def end() -> None:
        await stopper[0]()
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:  # e.g. a handler still sleeping for a client that gave up
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    try:
        yield loop
    finally:
        asyncio.run_coroutine_threadsafe(end(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


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


class StaticResolver(AbstractResolver):
    """DNS for tests: each name answers with the addresses given; unknown names fail like NXDOMAIN."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"{host}: name not known")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.names[host]
        ]

    async def close(self) -> None:
        pass
