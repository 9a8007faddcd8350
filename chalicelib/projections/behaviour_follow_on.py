"""How the behaviour projections keep up on the embedded runtime, off the
POST /track request path: each save to the behaviour log (a tracked batch,
a login's link, a fact mirrored from the order log) wakes one background thread
(background_sender.py's, named "behaviour-projector") that catches the
behaviour log's runner up once the batches pause, and an operator's
analytics read catches up first, in the request, so it sees every event
tracked before it (read-your-writes for operators, not for the mini-program).

On AWS both are off: the `project_behaviour` function on the behaviour log
table's stream catches up (lambdas/behaviour_projector.py), and a read shows
what it has projected so far."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..background_sender import BackgroundSender

log = logging.getLogger(__name__)


class BehaviourFollowOn:
    def __init__(self, catch_up: Callable[[], object], *, in_process: bool) -> None:
        self.catch_up = catch_up
        self.in_process = in_process
        self.worker = BackgroundSender(catch_up, name="behaviour-projector")

    def after_record(self) -> None:
        """Events were saved to the behaviour log: the projections catch up
        soon, in the background."""
        if self.in_process:
            self.worker.wake()

    def before_read(self) -> None:
        """An operator's read: the projections first take in what was tracked
        so far. A failure is logged, and the read answers what is projected."""
        if not self.in_process:
            return
        try:
            self.catch_up()
        except Exception as error:  # a locked store: the answer is the views as they stand
            log.error("behaviour catch-up before a read failed: %r", error, exc_info=error)

    def settle(self, timeout_s: float | None = None) -> bool:
        return self.worker.settle(timeout_s)

    def stop(self) -> None:
        self.worker.stop()
