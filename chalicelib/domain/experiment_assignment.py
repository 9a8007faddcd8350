"""Which arm of an experiment a member sees: a stable hash of (experiment key,
member id), so every instance and channel agrees without a lookup table.

The digest sha256("<experiment key>:<member id>") gives two independent
numbers: its first 8 bytes (mod 10,000) decide whether the member is in the
traffic share, its next 8 bytes which arm by weight. Changing the traffic
share therefore never reshuffles the arms of members who stay in it.

The hash only decides a member's *first* arm: that first exposure is recorded
(domain/exposure.py) and from then on the recorded arm wins, so a weight
change or a pause never moves someone already exposed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from .experiment import NEW_MEMBERS, SOURCE, Experiment, ExperimentStatus
from .values import Audience, ExperimentVariant

BUCKETS = 10_000


def _digest(key: str, member_id: UUID) -> bytes:
    return hashlib.sha256(f"{key}:{member_id}".encode()).digest()


def traffic_bucket(key: str, member_id: UUID) -> int:
    """0..9,999 from the digest's first 8 bytes: in the share below percent x 100."""
    return int.from_bytes(_digest(key, member_id)[:8], "big") % BUCKETS


def in_traffic(key: str, member_id: UUID, traffic_percent: int) -> bool:
    return traffic_bucket(key, member_id) < traffic_percent * (BUCKETS // 100)


def hashed_variant(
    key: str, member_id: UUID, variants: list[ExperimentVariant]
) -> ExperimentVariant:
    """The arm by weight, from the digest's bytes 8-16 (disjoint from the traffic's)."""
    point = int.from_bytes(_digest(key, member_id)[8:16], "big") % sum(v.weight for v in variants)
    for variant in variants:
        if point < variant.weight:
            return variant
        point -= variant.weight
    raise AssertionError("the point lies below the total weight")


def in_audience(
    audience: Audience,
    started_at: datetime | None,
    registered_at: datetime | None,
    source: str | None,
) -> bool:
    """New members: registered at or after the experiment first started.
    Source: acquired from that source (first touch, domain/attribution.py)."""
    if audience.kind == NEW_MEMBERS:
        return started_at is not None and registered_at is not None and registered_at >= started_at
    if audience.kind == SOURCE:
        return source == audience.source
    return True


@dataclass(frozen=True)
class Assignment:
    experiment: str
    variant: ExperimentVariant
    in_experiment: bool
    """False: outside the audience or share, or the experiment is not running
    (the control's payload, nothing recorded)."""
    first_exposure: bool
    """True: this answer is the member's first exposure, to be recorded."""


def assign(
    experiment: Experiment,
    member_id: UUID,
    *,
    recorded: str | None,
    registered_at: datetime | None,
    source: str | None,
) -> Assignment:
    """The arm `member_id` sees now; `recorded` is the arm of their recorded
    first exposure, if any (it wins over the hash)."""
    control = experiment.control
    if experiment.status != ExperimentStatus.RUNNING:
        return Assignment(experiment.key, control, False, False)
    kept = None if recorded is None else experiment.variant(recorded)
    if kept is not None:
        return Assignment(experiment.key, kept, True, False)
    audience = experiment.audience
    if not in_audience(audience, experiment.started_at, registered_at, source) or not in_traffic(
        experiment.key, member_id, audience.traffic_percent
    ):
        return Assignment(experiment.key, control, False, False)
    variant = hashed_variant(experiment.key, member_id, experiment.variants)
    return Assignment(experiment.key, variant, True, True)
