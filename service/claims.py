"""One reader per URL across processes and replicas on one database: the claim in `ocr_claims`.

Within a process, SingleFlight already makes concurrent requests for a URL share one run; this is the same
rule between processes. The first to claim a URL reads it; the others poll until the claim is gone (the
row is stored, or the reader failed and released it) or has lapsed (its owner died), then look again. The
owner renews its claim every third of a lease while it works, so a slow OCR queue never lets it lapse, and
a dead owner blocks the URL for at most one lease.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import claims
from db.engine import transaction
from db.errors import DatabaseUnavailable
from db.tables import utcnow

log = logging.getLogger("fundocr.claims")


def owner_name() -> str:
    """This process among all replicas: host (the pod's name on Kubernetes), pid and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Claim:
    """A URL this process holds. Released in the transaction that stores the URL's row, waiters find the row
    the moment the claim is gone, and the store costs no transaction of its own for the release."""

    def __init__(self, url_hash: str, owner: str) -> None:
        self.url_hash = url_hash
        self.owner = owner
        self.released = False

    async def release(self, conn: AsyncConnection) -> None:
        """Drop the claim inside `conn`'s transaction (which the caller commits)."""
        await claims.release(conn, url_hash=self.url_hash, owner=self.owner)
        self.released = True


class Claims:
    def __init__(self, engine: AsyncEngine, *, lease_seconds: float, poll_seconds: float) -> None:
        self._engine = engine
        self._lease = timedelta(seconds=lease_seconds)
        self._poll = poll_seconds
        self.owner = owner_name()

    @asynccontextmanager
    async def hold(self, url_hash: str) -> AsyncIterator[Claim | None]:
        """Yields the URL's Claim, taken for this process (renewed inside, released on leaving unless the
        holder released it in its own transaction and left without an error), or None at once if another
        owner holds an unexpired claim."""
        now = utcnow()
        async with transaction(self._engine, write=True) as conn:
            taken = await claims.take(conn, url_hash=url_hash, owner=self.owner, now=now, until=now + self._lease)
        if not taken:
            yield None
            return
        claim = Claim(url_hash, self.owner)
        renewing = asyncio.ensure_future(self._renew(url_hash))
        left_cleanly = False
        try:
            yield claim
            left_cleanly = True
        finally:
            renewing.cancel()
            # after an error the holder's transaction, release and all, may have rolled back
            if not (left_cleanly and claim.released):
                try:
                    async with transaction(self._engine, write=True) as conn:
                        await claim.release(conn)
                except DatabaseUnavailable as error:  # the claim lapses by itself; the reader's own outcome stands
                    log.warning("claim on %s not released: %s", url_hash, error)

    async def wait(self, url_hash: str) -> None:
        """Return once nobody holds an unexpired claim on the URL."""
        while True:
            async with transaction(self._engine) as conn:
                expires_at = await claims.expiry(conn, url_hash=url_hash)
            if expires_at is None or expires_at < utcnow():
                return
            await asyncio.sleep(self._poll)

    async def _renew(self, url_hash: str) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                async with transaction(self._engine, write=True) as conn:
                    kept = await claims.renew(conn, url_hash=url_hash, owner=self.owner, until=utcnow() + self._lease)
            except DatabaseUnavailable as error:  # try again at the next third: the lease has two left
                log.warning("claim on %s not renewed: %s", url_hash, error)
                continue
            if not kept:  # it lapsed (a stall longer than a lease) and another took over: both may read it
                log.warning("claim on %s lost to another reader", url_hash)
                return
