"""Real servers on 127.0.0.1: loopback sockets, an event loop in a thread per server (so a blocked test loop
cannot stall it), readiness polls of server processes, and a stand-in DNS."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp.abc import AbstractResolver, ResolveResult

READY_TIMEOUT = 600.0  # seconds; model loading took up to 2 minutes on a busy 2-core machine


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


def wait_ready(process: subprocess.Popen, url: str, log: Path, *, timeout: float = READY_TIMEOUT) -> None:
    """Poll `url` until it answers 200; a server that exits or stays unready raises with its log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: not ready within {timeout} s:\n{log.read_text()[-3000:]}")
