"""Waits until the configured database accepts a connection, so migrations do not race its start-up."""

import argparse
import asyncio
import sys
import time

from sqlalchemy import text

from core.settings import load_settings
from db.engine import create_engine, transaction
from db.errors import DatabaseUnavailable


async def wait(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    engine = create_engine(url, connect_timeout=5)
    try:
        while True:
            try:
                async with transaction(engine) as conn:
                    await conn.execute(text("SELECT 1"))
                return True
            except DatabaseUnavailable as error:
                if time.monotonic() >= deadline:
                    print(f"database not reachable after {timeout:.0f} s: {error}", file=sys.stderr)
                    return False
                print(f"waiting for the database: {error}", file=sys.stderr)
                await asyncio.sleep(1)
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before giving up")
    args = parser.parse_args()
    return 0 if asyncio.run(wait(load_settings().database.resolved_url, args.timeout)) else 1


if __name__ == "__main__":
    sys.exit(main())
