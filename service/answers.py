"""Answers this worker has recently served, by URL hash: a repeated image_url skips reading the whole row.

At most `size` are kept (least recently used go first). An entry is only a candidate: the service checks
it against the row's `updated_at` before answering with it (ScreenshotService.answer), so a correction made
through another worker or replica is never hidden.
"""

from __future__ import annotations

from collections import OrderedDict

from db.results import StoredResult


class AnswerCache:
    def __init__(self, *, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, StoredResult] = OrderedDict()

    def get(self, key: str) -> StoredResult | None:
        """The entry for `key`, or None."""
        result = self._entries.get(key)
        if result is not None:
            self._entries.move_to_end(key)
        return result

    def put(self, key: str, result: StoredResult) -> None:
        """Remember `result` for `key` unless a newer version is held (a read that raced a correction),
        dropping the least recently used entry when full."""
        if self._size == 0:
            return
        held = self._entries.get(key)
        if held is not None and held.updated_at > result.updated_at:
            return
        self._entries[key] = result
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
