"""A rebuild of every projection that outlasts one Lambda invocation, relayed
from invocation to invocation through an SQS queue.

Each invocation advances the rebuild as far as its budget allows (the time
Lambda has left, less a margin, or a number of batches); the runner commits
every batch with its tracking positions, so what an invocation did is never
lost. If the rebuild is not complete, the invocation hands over: it sends one
`Continuation` to the rebuild queue, whose handler (`continue_rebuild`, fed by
the queue's event source mapping in infra/) does the same again, until the
runner switches readers to the new generations.

- Redelivery: a continuation names the generations its rebuild builds, and
  continues only the projections whose readers are still below them, so a
  continuation delivered again after the switch does nothing: it never starts
  a new rebuild, not even when the switch lands between its check and the
  runner's choice of generations (the runner is stopped before its first batch).
- Races: two invocations continuing the same rebuild (a redelivered message, a
  nightly start while yesterday's rebuild still runs) both advance it; the
  runner's tracking positions make each batch commit once, and the loser goes
  on from the winner's position.
- A storage error (throttling, an unreachable table) ends the invocation: its
  committed batches stand and a continuation follows a minute later.
- A rebuild still unfinished after `max_continuations` hands over no more and
  logs "rebuild stalled" (alarmed in infra/monitoring.tf)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .projections.base import ViewStore
    from .projections.runner import RebuildResult

log = logging.getLogger(__name__)

STALLED = "rebuild stalled"
"""The start of the ERROR line a rebuild that gave up logs; infra/monitoring.tf alarms on it."""
RETRY_DELAY_S = 60
"""How long a continuation waits after a storage error ended the invocation before it."""


class Rebuilds(Protocol):
    """What the relay drives: a ReadModelRunner, or both logs' (projections/runners.py)."""

    @property
    def projections(self) -> Mapping[str, Any]: ...

    def rebuild(
        self,
        names: Sequence[str],
        *,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        restart: bool = False,
    ) -> RebuildResult: ...


class LambdaContext(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


@dataclass(frozen=True)
class Continuation:
    """The message that carries a rebuild into its next invocation."""

    run: str
    """Names the rebuild in the logs of all its invocations."""
    targets: Mapping[str, int]
    """Projection -> the generation this rebuild builds."""
    count: int = 0
    """Continuations so far (0: the invocation that started it)."""

    def body(self) -> str:
        return json.dumps({"run": self.run, "targets": dict(self.targets), "count": self.count})

    @classmethod
    def parse(cls, body: str) -> Continuation | None:
        """The continuation an SQS message body carries, or None if it carries none."""
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            return None
        if not isinstance(data, dict):
            return None
        run, targets, count = data.get("run"), data.get("targets"), data.get("count")
        if not (isinstance(run, str) and run and isinstance(targets, dict) and targets):
            return None
        if not all(isinstance(k, str) and _whole(v) and v > 0 for k, v in targets.items()):
            return None
        if not (_whole(count) and count >= 0):
            return None
        return cls(run, dict(targets), count)


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class Budget:
    """When one invocation should hand over: less than `margin_s` of Lambda's
    time left (when there is a Lambda context), or `max_batches` batches done
    (0: no such limit). The runner asks between batches."""

    def __init__(
        self, context: LambdaContext | None, *, margin_s: int, max_batches: int = 0
    ) -> None:
        self.context = context
        self.margin_ms = margin_s * 1000
        self.max_batches = max_batches
        self.batches = 0

    def progress(self, events: int) -> None:
        self.batches += 1

    def should_stop(self) -> bool:
        if self.max_batches and self.batches >= self.max_batches:
            return True
        return (
            self.context is not None
            and self.context.get_remaining_time_in_millis() < self.margin_ms
        )


@dataclass(frozen=True)
class Leg:
    """What one invocation did to a rebuild."""

    run: str
    count: int
    events: int = 0
    complete: bool = False
    switched: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    handed_over: bool = False
    """A continuation was sent."""


Send = Callable[[Continuation, int], None]
"""Sends a continuation to the rebuild queue, with a delay in seconds."""


class RebuildRelay:
    def __init__(
        self,
        runner: Rebuilds,
        views: ViewStore,
        send: Send,
        *,
        max_continuations: int,
        new_run: Callable[[], str],
    ) -> None:
        self.runner = runner
        self.views = views
        self.send = send
        self.max_continuations = max_continuations
        self.new_run = new_run

    def start(self, budget: Budget) -> Leg:
        """Starts a rebuild of every projection (or continues the one in
        progress: the runner resumes a new generation from where it stands)."""
        targets = {name: self.views.generation(name) + 1 for name in self.runner.projections}
        continuation = Continuation(self.new_run(), targets)
        log.info("rebuild %s: starting generations %s", continuation.run, targets)
        return self._advance(continuation, sorted(targets), budget)

    def resume(self, continuation: Continuation, budget: Budget) -> Leg:
        """Advances the rebuild a continuation names, unless it is finished."""
        pending = self._pending(continuation)
        if not pending:
            log.info("rebuild %s: already switched, nothing to continue", continuation.run)
            return Leg(continuation.run, continuation.count, complete=True)
        return self._advance(continuation, pending, budget)

    def _pending(self, continuation: Continuation) -> list[str]:
        """The projections whose readers are still below the generation the rebuild builds."""
        return sorted(
            name
            for name, generation in continuation.targets.items()
            if name in self.runner.projections and self.views.generation(name) < generation
        )

    def _advance(self, continuation: Continuation, names: list[str], budget: Budget) -> Leg:
        run, count = continuation.run, continuation.count
        try:
            result = self.runner.rebuild(
                names,
                progress=budget.progress,
                should_stop=self._unless_switched(continuation, names, budget),
            )
        except self.views.storage_errors:
            log.warning(
                "rebuild %s: storage error; continuing in %d s from what committed",
                run,
                RETRY_DELAY_S,
                exc_info=True,
            )
            handed = self._hand_over(continuation, RETRY_DELAY_S)
            return Leg(run, count, handed_over=handed)
        if not result.complete and not self._pending(continuation):
            log.info("rebuild %s: switched by an invocation racing this one", run)
            return Leg(run, count, result.events, complete=True)
        if result.complete:
            log.info(
                "rebuild %s complete after %d continuations: switched %s; kept the current "
                "generation of %s",
                run,
                count,
                result.switched,
                result.kept,
            )
            return Leg(run, count, result.events, True, result.switched, result.kept)
        handed = self._hand_over(continuation, 0)
        log.info(
            "rebuild %s: %d events in this invocation; %s",
            run,
            result.events,
            "continuing in the next" if handed else "stopped",
        )
        return Leg(run, count, result.events, handed_over=handed)

    def _unless_switched(
        self, continuation: Continuation, names: list[str], budget: Budget
    ) -> Callable[[], bool]:
        """The budget, and first (the runner asks before its first batch, once
        it has chosen each projection's generation): has another invocation
        switched readers since `names` were found pending? Then the runner
        chose generations past this rebuild's, a rebuild nobody asked for: it
        stops before writing anything."""
        first = True

        def should_stop() -> bool:
            nonlocal first
            if first:
                first = False
                if any(self.views.generation(n) >= continuation.targets[n] for n in names):
                    return True
            return budget.should_stop()

        return should_stop

    def _hand_over(self, continuation: Continuation, delay_s: int) -> bool:
        following = replace(continuation, count=continuation.count + 1)
        if following.count > self.max_continuations:
            log.error(
                "%s: rebuild %s of %s is unfinished after %d continuations; its new "
                "generations stay as they are (the next nightly rebuild continues them)",
                STALLED,
                continuation.run,
                dict(continuation.targets),
                continuation.count,
            )
            return False
        self.send(following, delay_s)
        return True
