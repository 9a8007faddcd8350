"""What the container and the WeChat clients share: each named thing is built
on first use, once, whichever thread asks first. The lock is re-entrant, so a
factory may ask for another thing (the payment client asks for the platform keys)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class BuiltOnce:
    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._lock = threading.RLock()

    def __call__(self, name: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = factory()
            result: T = self._built[name]
            return result

    def get(self, name: str) -> Any | None:
        """What was built under that name, or None; builds nothing."""
        with self._lock:
            return self._built.get(name)

    def forget(self, *names: str) -> list[Any]:
        """Drops what was built under these names (built again on next use);
        returns what was there."""
        with self._lock:
            return [self._built.pop(name) for name in names if name in self._built]

    def clear(self) -> dict[str, Any]:
        """Drops everything built; returns it by name."""
        with self._lock:
            built, self._built = self._built, {}
            return built
