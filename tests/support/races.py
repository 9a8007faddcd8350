"""Real threads released together, for the concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def race(n: int, attempt: Callable[[int], T]) -> list[T | Exception]:
    """Runs attempt(0..n-1) on n threads released together; each outcome is the
    result or the exception it raised (so the test sees every failure's type)."""
    start = threading.Barrier(n)

    def run(i: int) -> T | Exception:
        start.wait()
        try:
            return attempt(i)
        except Exception as error:
            return error

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def split(outcomes: list[T | Exception]) -> tuple[list[T], list[Exception]]:
    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    return won, lost
