"""The Experiment aggregate: an A/B test an operator defines, starts, pauses
and stops.

    draft --start--> running <--pause/start--> paused
                        |                        |
                        +---------stop-----------+--> stopped

Its arms (variants) carry the client's payload and may set the 新人券 a new
member receives. Weights change only while the experiment is a draft or
paused, and even then a member already exposed keeps the arm recorded at
their first exposure (domain/exposure.py): the hash decides only a member's
first arm, so a new split applies to members not yet exposed.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import InvalidTransition
from .ids import NAMESPACE
from .values import Audience, ExperimentVariant


class ExperimentStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


CONVERSION, REVENUE_PER_MEMBER, AOV, REFUND_RATE, SHARE_RATE = (
    "conversion",
    "revenue_per_member",
    "aov",
    "refund_rate",
    "share_rate",
)
METRICS = (CONVERSION, REVENUE_PER_MEMBER, AOV, REFUND_RATE, SHARE_RATE)
EVERYONE, NEW_MEMBERS, SOURCE = "everyone", "new_members", "source"
AUDIENCES = (EVERYONE, NEW_MEMBERS, SOURCE)
MIN_VARIANTS, MAX_VARIANTS = 2, 5
MAX_PAYLOAD_BYTES = 4096


def experiment_id_for(key: str) -> UUID:
    return uuid5(NAMESPACE, f"experiment:{key}")


def payload_json(payload: dict[str, Any]) -> str:
    """The payload as stored: compact JSON, its UTF-8 at most MAX_PAYLOAD_BYTES."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def definition_problem(
    variants: list[ExperimentVariant], audience: Audience, guardrails: list[str]
) -> tuple[str, str] | None:
    """The first field that makes an experiment definition unusable, with why
    (the API checks each field's own range before)."""
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        return "variants", f"{MIN_VARIANTS} to {MAX_VARIANTS} variants"
    if len({v.key for v in variants}) != len(variants):
        return "variants", "two variants have the same key"
    if sum(v.control for v in variants) != 1:
        return "variants", "exactly one variant is the control"
    for n, variant in enumerate(variants):
        if variant.weight < 1:
            return f"variants[{n}].weight", "a positive whole number"
        if len(variant.payload_json.encode()) > MAX_PAYLOAD_BYTES:
            return f"variants[{n}].payload", f"at most {MAX_PAYLOAD_BYTES} bytes of JSON"
    if (audience.kind == SOURCE) != bool(audience.source):
        return "audience.source", "a source key when (and only when) kind is source"
    if len(set(guardrails)) != len(guardrails):
        return "guardrails", "a metric appears twice"
    return None


class Experiment(Aggregate):
    @staticmethod
    def create_id(key: str) -> UUID:
        return experiment_id_for(key)

    class Defined(Aggregate.Created):
        key: str
        hypothesis: str
        variants: list[ExperimentVariant]
        audience: Audience
        primary_metric: str
        conversion_window_days: int
        guardrails: list[str]
        minimum_detectable_effect: float
        at: datetime

    @event(Defined)
    def __init__(
        self,
        key: str,
        hypothesis: str,
        variants: list[ExperimentVariant],
        audience: Audience,
        primary_metric: str,
        conversion_window_days: int,
        guardrails: list[str],
        minimum_detectable_effect: float,
        at: datetime,
    ) -> None:
        self.key = key
        self.hypothesis = hypothesis
        self.variants = list(variants)
        self.audience = audience
        self.primary_metric = primary_metric
        self.conversion_window_days = conversion_window_days
        self.guardrails = list(guardrails)
        self.minimum_detectable_effect = minimum_detectable_effect
        self.defined_at = at
        self.started_at: datetime | None = None
        self.status = ExperimentStatus.DRAFT

    @property
    def control(self) -> ExperimentVariant:
        return next(v for v in self.variants if v.control)

    def variant(self, key: str) -> ExperimentVariant | None:
        return next((v for v in self.variants if v.key == key), None)

    @property
    def sets_welcome_coupons(self) -> bool:
        return any(v.welcome_coupon_templates is not None for v in self.variants)

    def _require(self, *allowed: ExperimentStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"cannot {action} an experiment that is {self.status}", status=str(self.status)
            )

    def start(self, at: datetime) -> None:
        """Starts a draft, or resumes a paused experiment."""
        self._require(ExperimentStatus.DRAFT, ExperimentStatus.PAUSED, action="start")
        self._started(at=at)

    class Started(Aggregate.Event):
        at: datetime

    @event(Started)
    def _started(self, at: datetime) -> None:
        self.status = ExperimentStatus.RUNNING
        if self.started_at is None:
            self.started_at = at

    def pause(self, at: datetime) -> None:
        self._require(ExperimentStatus.RUNNING, action="pause")
        self._paused(at=at)

    class Paused(Aggregate.Event):
        at: datetime

    @event(Paused)
    def _paused(self, at: datetime) -> None:
        self.status = ExperimentStatus.PAUSED

    def stop(self, at: datetime) -> None:
        self._require(ExperimentStatus.RUNNING, ExperimentStatus.PAUSED, action="stop")
        self._stopped(at=at)

    class Stopped(Aggregate.Event):
        at: datetime

    @event(Stopped)
    def _stopped(self, at: datetime) -> None:
        self.status = ExperimentStatus.STOPPED

    def reweigh(self, weights: dict[str, int], at: datetime) -> None:
        """New weights for every variant (ValueError naming what is wrong); only
        while draft or paused, so a running split never shifts under a reader."""
        self._require(ExperimentStatus.DRAFT, ExperimentStatus.PAUSED, action="reweigh")
        if set(weights) != {v.key for v in self.variants}:
            raise ValueError("a weight for every variant, and only for them")
        if any(weight < 1 for weight in weights.values()):
            raise ValueError("positive whole numbers")
        self._reweighed(weights=dict(weights), at=at)

    class Reweighed(Aggregate.Event):
        weights: dict[str, int]
        at: datetime

    @event(Reweighed)
    def _reweighed(self, weights: dict[str, int], at: datetime) -> None:
        self.variants = [
            ExperimentVariant(
                key=v.key,
                weight=weights[v.key],
                control=v.control,
                payload_json=v.payload_json,
                welcome_coupon_templates=v.welcome_coupon_templates,
            )
            for v in self.variants
        ]
