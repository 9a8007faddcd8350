"""Follow-on work after a command commits: the projections catch up, then the
outbox messages that are due go out — one loop that owns both.

On the embedded runtime the event store tells `after_commit` after every save.
The read-your-writes projections (projections/lanes.py) catch up in that
thread, before the command answers, so a caller reads its own writes. The
rest (analytics, the notification triggers, the side effects' messages) and
the sends (WeChat notifications, refunds) are not the caller's to wait for:
`after_commit` wakes one background sender thread (background_sender.py),
whose round catches those projections up, then runs `send_due` (so a message
is in the outbox before the sends that follow), again for as long as wake-ups
keep coming. A read that needs a background projection calls `before_read`,
which catches it up in the request first. The saves the sends make (a
notification recorded as sent) are caught up once after the round, in the
sender's thread, which then wakes the sender once more — the same order of
work as before the sends moved off the request. A save made inside the
follow-on work asks for one more round instead of starting a nested one:
nothing recurses through `save`.

Sends stay exactly-once in effect however many senders run (this thread, the
ticker, a `manage.py tick` in another process): a message is claimed with a
lease before it is sent (adapters/outbox_dispatch.py). `settle()` waits until
every round woken so far has run, its catch-up and its sends (the test
support and the CLI call it); `stop()` does that and ends the thread.

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
from collections.abc import Callable, Collection

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
        catch_up_background: Callable[[Collection[str] | None], object] = lambda names: 0,
    ) -> None:
        """`catch_up`: the request's projections; `catch_up_background(names)`:
        the named background projections, all of them for None."""
        self.catch_up = catch_up
        self.send_due = send_due
        self.catch_up_background = catch_up_background
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

    def before_read(self, *names: str) -> None:
        """A read of background projections (the named ones, all if none is
        named): they first take in every event committed so far. A failure is
        logged, and the read answers what is projected."""
        if not self.in_process:
            return
        try:
            self.catch_up_background(names or None)
        except Exception as error:  # a locked store: the answer is the views as they stand
            log.error("catch-up before a read failed: %r", error, exc_info=error)

    def _send_round(self) -> None:
        """The sender thread's work: the background projections catch up (the
        messages they enqueue are sent in this round), the due sends, then one
        catch-up for the saves the sends made (not one per save), which wakes
        the sender again. A round that sent something runs again: a send
        takes a page of the due messages, and sends that save nothing to this
        store (a fact copied to the behaviour log) wake nobody."""
        local = self._local
        local.running = True
        local.again = False
        try:
            try:
                self.catch_up_background(None)
            except Exception as error:  # the messages already in the outbox still go out
                log.error("background catch-up failed: %r", error, exc_info=error)
            sent = self.send_due()
        finally:
            local.running = False
        if local.again:
            self.after_commit()
        elif sent:
            self.sender.wake()

    def settle(self, timeout_s: float | None = None) -> bool:
        """Returns once every round woken so far has run (False if `timeout_s` ran out)."""
        return self.sender.settle(timeout_s)

    def stop(self) -> None:
        """Runs the sends already woken, then ends the sender thread."""
        self.sender.stop()
