"""Answers this worker has recently served, by URL hash: a repeated image_url is answered without the database.

Entries live `ttl_seconds` at most, and at most `size` are kept (least recently used go first). This
worker's own corrections replace their entry at once; a correction made through another worker or process
shows here within `ttl_seconds`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from db.results import StoredResult


class AnswerCache:
    def __init__(self, *, size: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._size = size
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, StoredResult]] = OrderedDict()

    def get(self, key: str) -> StoredResult | None:
        """The fresh entry for `key`, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, result = entry
        if self._clock() - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return result

    def put(self, key: str, result: StoredResult) -> None:
        """Remember `result` for `key` unless a newer version is held (a read that raced a correction),
        dropping the least recently used entry when full."""
        if self._size == 0:
            return
        held = self._entries.get(key)
        if held is not None and held[1].updated_at > result.updated_at:
            return
        self._entries[key] = (self._clock(), result)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
