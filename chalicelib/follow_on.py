"""Follow-on work after a command commits: the projections catch up, then the
outbox messages that are due go out — one loop that owns both.

On the embedded runtime the event store tells `after_commit` after every save,
and the loop runs in that thread before the command answers, so a caller reads
its own writes. A save made by the follow-on work itself (an outbox handler
recording a sent notification) asks for one more round of the loop instead of
starting a nested one: nothing recurses through `save`.

A command's answer never depends on this work: its events are committed, the
write side is the truth. A projection that fails on an event parks itself
(projections/runner.py) without raising; if the work fails anyway (a store
locked too long, an outbox that cannot be read), the failure is logged and
the command still answers what it did — answering an error would make the
caller retry a command that succeeded. The ticker runs the same work again.

On AWS the same work runs from the event streams, asynchronously (the
projector and sender functions in app.py), so the loop is off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_ROUNDS = 20  # what is left after that, the ticker picks up


class FollowOnWork:
    def __init__(
        self,
        catch_up: Callable[[], object],
        send_due: Callable[[], object],
        *,
        in_process: bool,
    ) -> None:
        self.catch_up = catch_up
        self.send_due = send_due
        self.in_process = in_process
        self._local = threading.local()

    def after_commit(self) -> None:
        if not self.in_process:
            return
        local = self._local
        if getattr(local, "running", False):
            local.again = True
            return
        local.running = True
        try:
            for _ in range(MAX_ROUNDS):
                local.again = False
                self.catch_up()
                self.send_due()
                if not local.again:
                    break
        except Exception as error:  # the command committed: its answer must not fail here
            log.error("follow-on work failed after a commit: %r", error, exc_info=error)
        finally:
            local.running = False
