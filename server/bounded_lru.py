"""A map that forgets its least recently used entries past a number of entries or a
total size, for caches a client can fill with anything it sends."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """At most `max_entries` entries whose sizes add up to at most `max_size`; an entry
    larger than `max_size` on its own is not kept."""

    def __init__(self, max_entries: int, max_size: int, size: Callable[[V], int]) -> None:
        self.max_entries = max_entries
        self.max_size = max_size
        self.size_of = size
        self.size = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> bool:
        """Keep `value` under `key`, the most recently used; whether it was kept."""
        size = self.size_of(value)
        if self.max_entries < 1 or size > self.max_size:
            return False
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.size -= self.size_of(previous)
            self._entries[key] = value
            self.size += size
            while len(self._entries) > self.max_entries or self.size > self.max_size:
                _, dropped = self._entries.popitem(last=False)
                self.size -= self.size_of(dropped)
        return True

    def items(self) -> list[tuple[K, V]]:
        """A copy of the entries, least recently used first."""
        with self._lock:
            return list(self._entries.items())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0
