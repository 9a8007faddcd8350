"""Both logs' runners as the operators see them: the order log's projections
(`all_projections()`) and the behaviour log's (`behaviour_projections()`), each
driven by its own ReadModelRunner, with distinct projection names in one view
store. Status, resume and rebuild find a projection's runner by its name; a
rebuild of projections of both logs (the nightly one, rebuild_relay.py) runs
the behaviour log's first, then the order log's, each switching its readers
when its own log is done: the logs' projections are independent (a query
joining them reads each at its own position anyway), and the shop's own read
models switch last, all at once, as before."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .runner import ReadModelRunner, RebuildResult

ORDER_LOG = "order"
BEHAVIOUR_LOG = "behaviour"


class Runners:
    def __init__(self, order: ReadModelRunner, behaviour: Callable[[], ReadModelRunner]) -> None:
        self.order = order
        self._behaviour = behaviour
        """Built on first use: reading the behaviour log opens its own store."""

    @property
    def behaviour(self) -> ReadModelRunner:
        return self._behaviour()

    def by_log(self) -> dict[str, ReadModelRunner]:
        return {ORDER_LOG: self.order, BEHAVIOUR_LOG: self.behaviour}

    def names(self) -> list[str]:
        """Every projection of both logs, the order log's first."""
        return [name for runner in self.by_log().values() for name in runner.projections]

    def owner(self, name: str) -> ReadModelRunner | None:
        """The runner that drives the projection `name`, or None if there is none."""
        for runner in self.by_log().values():
            if name in runner.projections:
                return runner
        return None

    def log_of(self, name: str) -> str | None:
        for log, runner in self.by_log().items():
            if name in runner.projections:
                return log
        return None

    @property
    def projections(self) -> dict[str, Any]:
        """Every projection of both logs, by name."""
        return {n: p for r in self.by_log().values() for n, p in r.projections.items()}

    def rebuild(
        self,
        names: Sequence[str],
        *,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        restart: bool = False,
    ) -> RebuildResult:
        """Rebuilds the named projections, log by log, the behaviour log's first
        (ReadModelRunner.rebuild); stops at the first log whose rebuild
        `should_stop` interrupted (those before it are switched, the next call
        continues it)."""
        unknown = [name for name in names if self.owner(name) is None]
        if unknown:
            raise KeyError(f"no projection {', '.join(unknown)}")
        events, switched, kept = 0, [], []
        for runner in (self.behaviour, self.order):
            mine = [name for name in names if name in runner.projections]
            if not mine:
                continue
            result = runner.rebuild(
                mine, progress=progress, should_stop=should_stop, restart=restart
            )
            events += result.events
            if not result.complete:
                return RebuildResult(events, complete=False)
            switched += result.switched
            kept += result.kept
        return RebuildResult(events, True, switched, kept)
