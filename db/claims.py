"""Repository of claims: at most one replica at a time reads a given URL. Functions never commit.

A claim names its owner and lasts until `expires_at`; the owner renews it while it works, so a claim
outlives its owner by at most one lease, and then anyone may take it over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.tables import claims


async def take(conn: AsyncConnection, *, url_hash: str, owner: str, now: datetime, until: datetime) -> bool:
    """Claim the URL for `owner` until `until`: a new claim, or one whose lease ran out; True if taken."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(claims).values(url_hash=url_hash, owner=owner, expires_at=until))
        return True
    except IntegrityError:
        pass
    lapsed = await conn.execute(
        update(claims)
        .where(claims.c.url_hash == url_hash, claims.c.expires_at < now)
        .values(owner=owner, expires_at=until)
    )
    return lapsed.rowcount == 1


async def renew(conn: AsyncConnection, *, url_hash: str, owner: str, until: datetime) -> bool:
    """Extend `owner`'s claim; False if it is no longer theirs (it lapsed and was taken over)."""
    renewed = await conn.execute(
        update(claims).where(claims.c.url_hash == url_hash, claims.c.owner == owner).values(expires_at=until)
    )
    return renewed.rowcount == 1


async def release(conn: AsyncConnection, *, url_hash: str, owner: str) -> None:
    """Drop `owner`'s claim (someone else's, taken over after a lapse, stays)."""
    await conn.execute(delete(claims).where(claims.c.url_hash == url_hash, claims.c.owner == owner))


async def expiry(conn: AsyncConnection, *, url_hash: str) -> datetime | None:
    """When the claim on a URL lapses, or None if nobody claims it."""
    query = select(claims.c.expires_at).where(claims.c.url_hash == url_hash)
    return (await conn.execute(query)).scalar_one_or_none()
