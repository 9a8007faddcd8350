"""Scheduled work, as plain functions app.py registers with @app.schedule."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ..bootstrap import container
from .rebuilds import start_rebuild

log = logging.getLogger(__name__)


def run_due_jobs(event: Any = None) -> dict[str, int]:
    """One scheduler round (chalicelib/scheduler.py, `Scheduler.tick`): both
    logs' projections catch up, every due job runs (unpaid orders, receipt,
    completion, points expiry, level review, birthdays, campaign end, team
    expiry), and the due outbox messages go out (re-queued to SQS on AWS).

    Every round repeats the "projection parked" line of each projection still
    parked, so its alarm (infra/monitoring.tf) stays raised until it resumes."""
    from ..projections.runner import PARKED

    c = container()
    done = c.scheduler.tick()
    log.info("scheduled jobs: %s", done)
    for park in [*c.runner.parks(), *c.behaviour_runner.parks()]:
        log.error(
            "%s: %s@%d is still parked at event %d: %s",
            PARKED,
            park.projection,
            park.generation,
            park.position,
            park.error,
        )
    return done


def rebuild_projections(event: Any = None) -> dict[str, Any]:
    """Replays the log into a new generation of every view in one pass,
    switching all of them when complete (or continuing one in progress).

    On Lambda the rebuild takes as many invocations as it needs: this one
    stops while it has time left (or after MINILOOP_REBUILD_BUDGET_BATCHES
    batches) and hands over through the rebuild queue to `continue_rebuild`
    (api/rebuilds.py, chalicelib/rebuild_relay.py). A projection that fails on
    an event keeps its current generation (the new one is parked, logged and
    alarmed); the other rebuilds carry on."""
    return dataclasses.asdict(start_rebuild(event))
