"""RabbitMQ for the batch API (aio-pika): the durable queue of job items, its retry queues, its dead letters.

    <name>                 durable; persistent messages, published with confirms: an item the API accepted
                           survives a broker restart. A worker acknowledges an item only after its answer
                           (or its last error) is stored, so one that dies leaves it to be redelivered.
    <name>.retry.<ms>ms    one per back-off: no consumer; its messages expire after <ms> and dead-letter
                           back into <name> (a queue per delay, because RabbitMQ expires only the head)
    <name>.dead            items whose tries ran out, kept for an operator

Every wait on the broker has a timeout (queue.connect_timeout): a broker that stops answering fails the
call instead of holding the loop.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

import aio_pika
from aio_pika.abc import (
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustChannel,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError

from core.settings import QueueSettings
from service.errors import Unavailable

log = logging.getLogger("fundocr.broker")

PAUSE_BEFORE_REQUEUE = 1.0  # seconds: an item whose handling raised is not redelivered at once, in a tight loop


@dataclass(frozen=True, slots=True)
class ItemMessage:
    item_id: int
    url: str
    url_type: str
    attempt: int = 1  # this delivery's try


class Outcome(enum.Enum):
    DONE = "done"  # acknowledged: answered, or failed for good (the error is the answer)
    RETRY = "retry"  # into the retry queue of its try's back-off, then acknowledged
    DEAD = "dead"  # tries ran out: into the dead-letter queue, then acknowledged


Handler = Callable[[ItemMessage], Awaitable[Outcome]]


class Broker:
    def __init__(self, settings: QueueSettings) -> None:
        self._settings = settings
        self._timeout = settings.connect_timeout
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractRobustChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer: str | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self._connecting = asyncio.Lock()

    def delay_of(self, attempt: int) -> float:
        """Seconds to wait after failed try `attempt` (1, 2, ...): retry_seconds, doubled each time."""
        return self._settings.retry_seconds * 2 ** (attempt - 1)

    def _retry_queue(self, attempt: int) -> str:
        return f"{self._settings.name}.retry.{round(self.delay_of(attempt) * 1000)}ms"

    @property
    def dead_queue(self) -> str:
        return f"{self._settings.name}.dead"

    @property
    def queue_names(self) -> list[str]:
        """Every queue this broker declares: the items', the retry queues, the dead letters."""
        retries = [self._retry_queue(attempt) for attempt in range(1, self._settings.max_attempts)]
        return [self._settings.name, *retries, self.dead_queue]

    async def ensure(self, *, prefetch: int | None = None) -> None:
        """Connected, with the queues declared: at once if it is, else now (the connection then restores itself
        after a drop); Unavailable if the broker cannot be reached."""
        async with self._connecting:
            if not self.connected:
                await self._connect(prefetch)

    async def _connect(self, prefetch: int | None) -> None:
        try:
            self._connection = await aio_pika.connect_robust(self._settings.url, timeout=self._timeout)
            self._channel = await asyncio.wait_for(self._connection.channel(publisher_confirms=True), self._timeout)
            if prefetch is not None:
                await self._channel.set_qos(prefetch_count=prefetch, timeout=self._timeout)
            self._queue = await self._channel.declare_queue(self._settings.name, durable=True, timeout=self._timeout)
            for attempt in range(1, self._settings.max_attempts):
                await self._channel.declare_queue(
                    self._retry_queue(attempt),
                    durable=True,
                    arguments={
                        "x-message-ttl": round(self.delay_of(attempt) * 1000),
                        "x-dead-letter-exchange": "",
                        "x-dead-letter-routing-key": self._settings.name,
                    },
                    timeout=self._timeout,
                )
            await self._channel.declare_queue(self.dead_queue, durable=True, timeout=self._timeout)
        except (AMQPError, OSError, TimeoutError) as error:
            await self.close()
            raise Unavailable(f"the message broker cannot be reached: {error!r}", reason="broker") from None

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def publish(self, messages: list[ItemMessage]) -> None:
        """Every message, persistent and confirmed by the broker; Unavailable if any is not."""
        try:
            await asyncio.gather(*(self._send(self._settings.name, message) for message in messages))
        except (AMQPError, OSError, TimeoutError, RuntimeError) as error:
            raise Unavailable(f"the message broker did not take the items: {error!r}", reason="broker") from None

    async def _send(self, queue: str, message: ItemMessage, **headers: str) -> None:
        if self._channel is None:
            raise Unavailable("the message broker is not connected", reason="broker")
        body = aio_pika.Message(
            json.dumps(asdict(message)).encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            headers=dict(headers),
        )
        await self._channel.default_exchange.publish(body, routing_key=queue, timeout=self._timeout)

    async def consume(self, handler: Handler) -> None:
        """Hand each delivered item to `handler` (up to the prefetch at once) until stop()."""
        assert self._queue is not None, "ensure() first"

        async def deliver(incoming: AbstractIncomingMessage) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._handling.add(task)
            try:
                await self._handle(incoming, handler)
            finally:
                self._handling.discard(task)

        self._consumer = await self._queue.consume(deliver, timeout=self._timeout)

    async def _handle(self, incoming: AbstractIncomingMessage, handler: Handler) -> None:
        try:
            message = ItemMessage(**json.loads(incoming.body))
        except (ValueError, TypeError):
            log.error("dropping a message that is not an item: %r", incoming.body[:200])
            await incoming.reject(requeue=False)
            return
        try:
            outcome = await handler(message)
            if outcome is Outcome.RETRY:
                await self._send(self._retry_queue(message.attempt), ItemMessage(**{**asdict(message), "attempt": message.attempt + 1}))
            elif outcome is Outcome.DEAD:
                await self._send(self.dead_queue, message)
            await incoming.ack()
        except Exception:  # the item stays on the broker and comes back
            log.exception("item %s not handled; it goes back to the queue", message.item_id)
            await asyncio.sleep(PAUSE_BEFORE_REQUEUE)
            try:
                await incoming.nack(requeue=True)
            except (AMQPError, RuntimeError) as error:  # the channel is gone: the broker redelivers by itself
                log.warning("item %s not requeued (%r); the broker redelivers it", message.item_id, error)

    async def stop(self, *, grace: float) -> None:
        """Take no more items and wait up to `grace` seconds for those in hand (the rest are redelivered)."""
        if self._queue is not None and self._consumer is not None:
            try:
                await self._queue.cancel(self._consumer, timeout=self._timeout)
            except (AMQPError, OSError, TimeoutError, RuntimeError) as error:
                log.warning("consumer not cancelled: %r", error)
            self._consumer = None
        if self._handling:
            await asyncio.wait(set(self._handling), timeout=grace)

    async def close(self) -> None:
        """Close the connection; unacknowledged items go back to the queue."""
        connection, self._connection, self._channel, self._queue = self._connection, None, None, None
        if connection is not None:
            try:
                await asyncio.wait_for(connection.close(), self._timeout)
            except (AMQPError, OSError, TimeoutError, RuntimeError) as error:
                log.warning("broker connection not closed cleanly: %r", error)
