"""The RabbitMQ server on 127.0.0.1:5672 for tests: queues of a test's own, deleted afterwards.

Like MySQL: without a broker the tests that need one are skipped, except where CI is set, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import aio_pika
import pytest
from aio_pika.exceptions import ChannelClosed
from yarl import URL

from core.settings import QueueSettings, load_settings
from service.broker import Broker

BROKER_URL = os.environ.get("FUNDOCR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
TIMEOUT = 5.0  # seconds for every wait on the broker: a test never hangs on it
RETRY_SECONDS = 0.3  # queue.retry_seconds of the tests: back-offs of 0.3, 0.6 s
MAX_ATTEMPTS = 3


def _problem() -> str | None:
    url = URL(BROKER_URL)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5672), timeout=3).close()
    except OSError as error:
        return f"no RabbitMQ at {url.host}:{url.port}: {error}"
    return None


@contextmanager
def broker_queue() -> Iterator[dict[str, str]]:
    """Settings (as for testkit.settings.config_for) of a queue of this test's own on the broker, whose retry
    and dead-letter queues are deleted with it afterwards. Skipped without a broker unless CI is set."""
    if (problem := _problem()) is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    settings = {
        "QUEUE__URL": BROKER_URL,
        "QUEUE__NAME": f"fundocr.test.{secrets.token_hex(4)}",
        "QUEUE__RETRY_SECONDS": str(RETRY_SECONDS),
        "QUEUE__MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    }
    try:
        yield settings
    finally:
        delete_queues(load_settings(None, {f"FUNDOCR_{key}": value for key, value in settings.items()}).queue)


async def queue_depth(name: str) -> int:
    """Messages ready in a queue (0 if it does not exist)."""
    connection = await aio_pika.connect(BROKER_URL, timeout=TIMEOUT)
    try:
        channel = await connection.channel()
        try:
            queue = await channel.declare_queue(name, passive=True, timeout=TIMEOUT)
        except ChannelClosed:
            return 0
        return queue.declaration_result.message_count or 0
    finally:
        await asyncio.wait_for(connection.close(), TIMEOUT)


def delete_queues(settings: QueueSettings) -> None:
    """The item queue of these settings and its retry and dead-letter queues, gone from the broker."""
    asyncio.run(_delete(settings.url, Broker(settings).queue_names))


async def _delete(url: str, names: list[str]) -> None:
    connection = await aio_pika.connect(url, timeout=TIMEOUT)
    try:
        for name in names:
            channel = await connection.channel()
            try:
                await channel.queue_delete(name, timeout=TIMEOUT)
            except ChannelClosed:
                pass
    finally:
        await asyncio.wait_for(connection.close(), TIMEOUT)
