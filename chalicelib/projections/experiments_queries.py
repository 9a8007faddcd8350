"""Read-model queries the experiments need: an experiment's arms (one ranged
read of the experiments read model, and one of the share-rate read model over
the behaviour log, projections/experiment_shares.py), and a member's
acquisition source for a `source` audience (the analytics read model's member
document: first touch, domain/attribution.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..domain.experiment import MAX_VARIANTS
from .base import ViewReader
from .experiment_shares import ExperimentSharesProjection
from .experiments import ARMS, ExperimentsProjection

ANALYTICS, ANALYTICS_MEMBERS = "analytics", "members"
"""projections/analytics.py: `members/<id>` holds the member's `acquisition`."""


def arms(views: ViewReader, experiment: str) -> dict[str, dict[str, Any]]:
    """The counts of each arm exposed so far, by variant key, with the arm's
    share counts (`share_exposures`, `sharers`) where it has them."""
    docs = views.query(ExperimentsProjection.name, ARMS, experiment, limit=MAX_VARIANTS)
    found = {doc["variant"]: dict(doc) for doc in docs}
    shares = views.query(ExperimentSharesProjection.name, ARMS, experiment, limit=MAX_VARIANTS)
    for doc in shares:
        arm = found.setdefault(
            doc["variant"], {"experiment": experiment, "variant": doc["variant"]}
        )
        arm["share_exposures"], arm["sharers"] = doc["share_exposures"], doc["sharers"]
    return found


def acquisition_source(views: ViewReader, member_id: UUID) -> str | None:
    """The source that acquired the member (None until the analytics read
    model has recorded their registration)."""
    doc = views.get(ANALYTICS, ANALYTICS_MEMBERS, str(member_id))
    source = None if doc is None else doc.get("acquisition")
    return source if isinstance(source, str) else None
