"""One round of the scheduler's work, the same on both runtimes: the projections
catch up (timers come from read models), the due jobs run, and the outbox
messages that are due go out (embedded) or back on the queue (AWS).

The local ticker, EventBridge (api/schedules.py), the admin API and the CLI call it."""

from __future__ import annotations

from collections.abc import Callable

from .application.jobs import JobUseCases
from .application.ports import DueTimers


class Scheduler:
    def __init__(
        self,
        catch_up: Callable[[], object],
        jobs: JobUseCases,
        timers: DueTimers,
        send_due: Callable[[], dict[str, int]],
    ) -> None:
        self.catch_up = catch_up
        self.jobs = jobs
        self.timers = timers
        self.send_due = send_due

    def tick(self) -> dict[str, int]:
        self.catch_up()
        done = self.jobs.run_due_jobs(self.timers)
        done.update(self.send_due())
        return done
