"""One background thread that runs a piece of work each time it is woken.

Wake-ups coalesce: a round starts once the commits that woke it have been
quiet for QUIET_S (or MAX_DELAY_S after the first of them, under a steady
stream of commits), and however many commits wake it while a round runs, it
runs one more round after that, then sleeps until the next wake-up. Batching
the sends this way keeps the sender from competing with every command for
the interpreter and the databases; a notification waits a few milliseconds.

The thread starts on the first wake-up, so a process that never commits never
has one. `settle()` waits, with no quiet period, until no wake-up is
outstanding and no round runs; `stop()` runs the outstanding round, then ends
the thread. A round that raises is logged; the next wake-up (or the ticker)
runs the work again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

QUIET_S = 0.02
MAX_DELAY_S = 0.5
STOP_WAIT_S = 30.0
"""How long `stop()` waits for the last round (a send has its own HTTP timeouts).
A round cut short by the process exiting is safe: its claimed messages are
sent again when their lease runs out."""


class BackgroundSender:
    def __init__(self, work: Callable[[], object], *, name: str = "outbox-sender") -> None:
        self.work = work
        self.name = name
        self._changed = threading.Condition()
        self._wanted = False
        self._woken_at = 0.0
        self._hurry = 0  # callers of settle() waiting: start the round now
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._changed:
            if self._stopping:
                return  # the ticker sends what is due from now on
            self._wanted = True
            self._woken_at = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def settle(self, timeout_s: float | None = None) -> bool:
        """True once every wake-up so far has been served; False if `timeout_s` ran out."""
        if threading.current_thread() is self._thread:
            return True  # the sender itself: waiting for its own round would never end
        with self._changed:
            self._hurry += 1
            self._changed.notify_all()
            try:
                return self._changed.wait_for(lambda: not (self._wanted or self._busy), timeout_s)
            finally:
                self._hurry -= 1

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            thread = self._thread
            self._changed.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_WAIT_S)

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._wanted or self._stopping)
                if not self._wanted:
                    return
                self._wait_for_quiet()
                self._wanted = False
                self._busy = True
            try:
                self.work()
            except Exception as error:  # the thread must outlive one bad round
                log.error("%s: round failed: %r", self.name, error, exc_info=error)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _wait_for_quiet(self) -> None:
        """Called holding the condition: returns once the commits have paused
        for QUIET_S, MAX_DELAY_S have passed, or someone settles or stops."""
        latest = time.monotonic() + MAX_DELAY_S
        while not (self._stopping or self._hurry):
            now = time.monotonic()
            pause = min(self._woken_at + QUIET_S, latest) - now
            if pause <= 0:
                return
            self._changed.wait(pause)
