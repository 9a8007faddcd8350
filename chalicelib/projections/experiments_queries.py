"""Read-model queries the experiments need: an experiment's arms (one ranged
read), and a member's acquisition source for a `source` audience (the
analytics read model's member document: first touch, domain/attribution.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..domain.experiment import MAX_VARIANTS
from .base import ViewReader
from .experiments import ARMS, ExperimentsProjection

ANALYTICS, ANALYTICS_MEMBERS = "analytics", "members"
"""projections/analytics.py: `members/<id>` holds the member's `acquisition`."""


def arms(views: ViewReader, experiment: str) -> dict[str, dict[str, Any]]:
    """The counts of each arm exposed so far, by variant key."""
    docs = views.query(ExperimentsProjection.name, ARMS, experiment, limit=MAX_VARIANTS)
    return {doc["variant"]: doc for doc in docs}


def acquisition_source(views: ViewReader, member_id: UUID) -> str | None:
    """The source that acquired the member (None until the analytics read
    model has recorded their registration)."""
    doc = views.get(ANALYTICS, ANALYTICS_MEMBERS, str(member_id))
    source = None if doc is None else doc.get("acquisition")
    return source if isinstance(source, str) else None
