"""Follow-on work after a command commits: the projections catch up, then the
outbox messages that are due go out — one loop that owns both.

On the embedded runtime the event store tells `after_commit` after every save.
The projections catch up in that thread, before the command answers, so a
caller reads its own writes. The sends (WeChat notifications, refunds) are not
the caller's to wait for: `after_commit` wakes one background sender thread
(background_sender.py), which runs `send_due` again for as long as wake-ups
keep coming. The saves the sends make (a notification recorded as sent) are
caught up once after the round, in the sender's thread, which then wakes the
sender once more — the same order of work as before the sends moved off the
request. A save made inside the follow-on work asks for one more round
instead of starting a nested one: nothing recurses through `save`.

Sends stay exactly-once in effect however many senders run (this thread, the
ticker, a `manage.py tick` in another process): a message is claimed with a
lease before it is sent (adapters/outbox_dispatch.py). `settle()` waits until
every send woken so far has run (the test support and the CLI call it);
`stop()` does that and ends the thread.

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

from .background_sender import BackgroundSender

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
        self.sender = BackgroundSender(self._send_round)
        self._local = threading.local()

    def after_commit(self) -> None:
        if not self.in_process:
            return
        local = self._local
        if getattr(local, "running", False):  # a save made by the follow-on work itself
            local.again = True
            return
        local.running = True
        try:
            for _ in range(MAX_ROUNDS):
                local.again = False
                self.catch_up()
                if not local.again:
                    break
        except Exception as error:  # the command committed: its answer must not fail here
            log.error("follow-on work failed after a commit: %r", error, exc_info=error)
            return
        finally:
            local.running = False
        self.sender.wake()

    def _send_round(self) -> None:
        """The sender thread's work: the due sends, then one catch-up for the
        saves they made (not one per save), which wakes the sender again."""
        local = self._local
        local.running = True
        local.again = False
        try:
            self.send_due()
        finally:
            local.running = False
        if local.again:
            self.after_commit()

    def settle(self, timeout_s: float | None = None) -> bool:
        """Returns once every send woken so far has run (False if `timeout_s` ran out)."""
        return self.sender.settle(timeout_s)

    def stop(self) -> None:
        """Runs the sends already woken, then ends the sender thread."""
        self.sender.stop()
