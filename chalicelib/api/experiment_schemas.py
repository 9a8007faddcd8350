"""The operators' experiment definition body (strict: unknown fields refused)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from .loyalty_schemas import CODE
from .schemas import Strict

Metric = Literal["conversion", "revenue_per_member", "aov", "refund_rate", "share_rate"]


class VariantIn(Strict):
    key: str = Field(pattern=CODE)
    weight: int = Field(ge=1, le=10_000)
    control: bool = False
    payload: dict[str, Any] = Field(default_factory=dict)
    """Checked by the domain: at most 4 KiB as JSON."""
    welcome_coupon_templates: list[Annotated[str, Field(pattern=CODE)]] | None = Field(
        default=None, max_length=5
    )


class AudienceIn(Strict):
    kind: Literal["everyone", "new_members", "source"] = "everyone"
    source: str = Field(default="", max_length=80)
    traffic_percent: int = Field(default=100, ge=1, le=100)


class ExperimentIn(Strict):
    key: str = Field(pattern=CODE)
    hypothesis: str = Field(min_length=1, max_length=500)
    variants: list[VariantIn] = Field(min_length=2, max_length=5)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    primary_metric: Metric = "conversion"
    conversion_window_days: int = Field(default=7, ge=1, le=60)
    guardrails: list[Metric] = Field(default_factory=list, max_length=5)
    minimum_detectable_effect: float = Field(ge=0.001, le=10, allow_inf_nan=False)
    """Relative: 0.1 is a 10% lift of the primary metric."""


class WeightsIn(Strict):
    weights: dict[str, Annotated[int, Field(ge=1, le=10_000)]] = Field(min_length=2, max_length=5)
