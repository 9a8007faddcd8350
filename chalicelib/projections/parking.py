"""Parking: how a projection that failed on an event is recorded and told.

The runner (runner.py) parks a projection's generation at the event its
`apply` raised on; operators see the park (api/projections_admin.py) and
resume it after a fix. The log line starts with `PARKED`, which the AWS
alarm's log filter matches (infra/monitoring.tf)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.utils import get_topic

from .base import Park

PARKED = "projection parked"
"""The marker of the error line a park logs (the AWS alarm's log filter matches it)."""
MAX_ERROR_CHARS = 2000


class NotParked(Exception):
    """Resume was asked of a projection that is not parked."""


def park_for(
    name: str, generation: int, position: int, event: Any, error: Exception, now: datetime
) -> Park:
    """The park of `name@generation` at the event at `position` that raised `error`."""
    return Park(
        projection=name,
        generation=generation,
        position=position,
        topic=get_topic(type(event)),
        originator_id=str(event.originator_id),
        originator_version=int(event.originator_version),
        error=f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS],
        parked_at=now.isoformat(),
    )


def describe(park: Park) -> str:
    """One line for the log: where it stopped, on what, and why."""
    return (
        f"{park.projection}@{park.generation} at event {park.position} "
        f"({park.topic} {park.originator_id} v{park.originator_version}): {park.error}"
    )
