"""Scheduled work, as plain functions app.py registers with @app.schedule."""

from __future__ import annotations

import logging
from typing import Any

from ..bootstrap import container

log = logging.getLogger(__name__)


def run_due_jobs(event: Any = None) -> dict[str, int]:
    """One scheduler round (chalicelib/scheduler.py, `Scheduler.tick`): the
    projections catch up, every due job runs (unpaid orders, receipt,
    completion, points expiry, level review, birthdays, campaign end, team
    expiry), and the due outbox messages go out (re-queued to SQS on AWS)."""
    done = container().scheduler.tick()
    log.info("scheduled jobs: %s", done)
    return done


def rebuild_projections(event: Any = None) -> dict[str, int]:
    """Replays the log into a new generation of every view, switching when complete."""
    runner = container().runner
    counts = {name: runner.rebuild(name) for name in runner.projections}
    log.info("rebuilt projections: %s", counts)
    return counts
