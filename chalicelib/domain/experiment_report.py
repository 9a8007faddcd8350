"""An experiment's results from its arms' counts and sums (the experiments
read model): per arm the figures, and each arm against control the tests of
experiment_stats.py, the split's sample-ratio check, the sample the primary
metric still needs and the guardrails breached. Pure: no I/O."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from .experiment import AOV, CONVERSION, REFUND_RATE, REVENUE_PER_MEMBER, SHARE_RATE, Experiment
from .experiment_sample_sizes import sample_size_for_mean, sample_size_per_arm
from .experiment_stats import (
    Comparison,
    Proportion,
    Sample,
    chance_to_beat_control,
    sample_from_sums,
    sample_ratio_mismatch,
    two_proportion_z_test,
    welch_t_test,
)

ARM_COUNTS = (
    "exposures",
    "conversions",
    "revenue_fen",
    "revenue_fen_squares",
    "orders_paid",
    "paid_fen",
    "paid_fen_squares",
    "orders_refunded",
    "refunded_fen",
)
"""The counts the experiments read model keeps per arm (projections/experiments.py)."""
SHARE_COUNTS = ("share_exposures", "sharers")
"""The counts the share-rate read model keeps per arm, over the behaviour log
(projections/experiment_shares.py): its exposures are the mirrored ones, so
the share rate's denominator is counted in the same log as its numerator."""
ALPHA = 0.05
WORSE_WHEN_LOWER = {
    CONVERSION: True,
    REVENUE_PER_MEMBER: True,
    AOV: True,
    REFUND_RATE: False,
    SHARE_RATE: True,
}
NOTES = (
    "conversion: members whose first paid order, placed after their exposure, was paid "
    "within the conversion window; revenue per member: each exposed member's paid orders "
    "in the window minus their refunds, in fen (members who bought nothing count as 0)",
    "share rate: of the exposed members (exposures as mirrored into the behaviour log), "
    "those who shared at least once at or after their exposure; shares before the exposure "
    "do not count",
    "p-values hold for one look at a sample fixed in advance: looking every day and stopping "
    "at the first p < 0.05 (peeking) finds differences that are not there; wait until every "
    "arm has the sample it needs",
)


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def comparison(result: Comparison) -> dict[str, Any]:
    return {k: _finite(v) for k, v in dataclasses.asdict(result).items()}


def _rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def figures(arm: Mapping[str, int]) -> dict[str, Any]:
    revenue = _revenue(arm)
    return {
        **arm,
        "conversion_rate": _rate(arm["conversions"], arm["exposures"]),
        "revenue_per_member_fen": revenue.mean,
        "revenue_variance": revenue.variance,
        "average_order_value_fen": _rate(arm["paid_fen"], arm["orders_paid"]),
        "refund_rate": _rate(arm["orders_refunded"], arm["orders_paid"]),
        "share_rate": _rate(arm["sharers"], arm["share_exposures"]),
    }


def _revenue(arm: Mapping[str, int]) -> Sample:
    """Revenue per exposed member, fen."""
    return sample_from_sums(arm["exposures"], arm["revenue_fen"], arm["revenue_fen_squares"])


def _orders(arm: Mapping[str, int]) -> Sample:
    """Paid order values, fen."""
    return sample_from_sums(arm["orders_paid"], arm["paid_fen"], arm["paid_fen_squares"])


def _tests(control: Mapping[str, int], arm: Mapping[str, int]) -> dict[str, Comparison]:
    revenue, orders = _revenue, _orders
    return {
        CONVERSION: two_proportion_z_test(
            Proportion(control["conversions"], control["exposures"]),
            Proportion(arm["conversions"], arm["exposures"]),
        ),
        REVENUE_PER_MEMBER: welch_t_test(revenue(control), revenue(arm)),
        AOV: welch_t_test(orders(control), orders(arm)),
        REFUND_RATE: two_proportion_z_test(
            Proportion(control["orders_refunded"], control["orders_paid"]),
            Proportion(arm["orders_refunded"], arm["orders_paid"]),
        ),
        SHARE_RATE: two_proportion_z_test(
            Proportion(control["sharers"], control["share_exposures"]),
            Proportion(arm["sharers"], arm["share_exposures"]),
        ),
    }


def breached(metric: str, result: Comparison) -> bool:
    """Significantly worse than control (two-sided p < ALPHA, the wrong way)."""
    worse = result.difference < 0 if WORSE_WHEN_LOWER[metric] else result.difference > 0
    return worse and result.p_value < ALPHA


def needed_per_arm(experiment: Experiment, control: Mapping[str, int]) -> tuple[int | None, str]:
    """Units (exposures; paid orders for the refund rate and the AOV; mirrored
    exposures for the share rate) each arm
    needs to detect the minimum detectable effect at alpha 0.05 with power 0.8,
    or None and why. Rates use the two-proportion formula; means (revenue per
    member, AOV) the two-means one with the control's variance."""
    metric = experiment.primary_metric
    effect = experiment.minimum_detectable_effect
    if metric in (REVENUE_PER_MEMBER, AOV):
        sample = _revenue(control) if metric == REVENUE_PER_MEMBER else _orders(control)
        try:
            return sample_size_for_mean(sample, effect, relative=True), ""
        except ValueError as error:  # fewer than 2 units, no spread, or a mean of 0 so far
            return None, f"not computable yet from the control's {metric}: {error}"
    if metric == CONVERSION:
        baseline = _rate(control["conversions"], control["exposures"])
    elif metric == SHARE_RATE:
        baseline = _rate(control["sharers"], control["share_exposures"])
    else:
        baseline = _rate(control["orders_refunded"], control["orders_paid"])
    try:
        needed = sample_size_per_arm(baseline, effect, relative=True)
    except ValueError as error:  # a baseline of 0 or 1 so far, or an effect past 100%
        return None, f"not computable yet from the control's rate {baseline:.4f}: {error}"
    return needed, ""


def report(experiment: Experiment, arms: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """`arms`: the counts of each variant (missing arms count zero)."""
    counts = {
        v.key: {
            name: int(arms.get(v.key, {}).get(name, 0)) for name in (*ARM_COUNTS, *SHARE_COUNTS)
        }
        for v in experiment.variants
    }
    control = counts[experiment.control.key]
    needed, why = needed_per_arm(experiment, control)
    unit = {REFUND_RATE: "orders_paid", AOV: "orders_paid", SHARE_RATE: "share_exposures"}.get(
        experiment.primary_metric, "exposures"
    )
    warnings = [why] if why else []
    variants, breaches = [], []
    for variant in experiment.variants:
        arm = counts[variant.key]
        row: dict[str, Any] = {"variant": variant.key, "control": variant.control}
        row |= {"weight": variant.weight, **figures(arm)}
        row["still_needed"] = None if needed is None else max(0, needed - arm[unit])
        if row["still_needed"]:
            warnings.append(f"{variant.key} needs {row['still_needed']} more {unit}")
        if not variant.control:
            tests = _tests(control, arm)
            row["vs_control"] = {metric: comparison(tests[metric]) for metric in tests}
            row["chance_to_beat_control"] = chance_to_beat_control(
                Proportion(control["conversions"], control["exposures"]),
                Proportion(arm["conversions"], arm["exposures"]),
            )
            for metric in experiment.guardrails:
                if breached(metric, tests[metric]):
                    breaches.append({"variant": variant.key, "metric": metric})
        variants.append(row)
    srm = sample_ratio_mismatch(
        [counts[v.key]["exposures"] for v in experiment.variants],
        [v.weight for v in experiment.variants],
    )
    if srm.mismatch:
        warnings.append("sample ratio mismatch: the exposures do not follow the weights")
    return {
        "experiment": experiment.key,
        "status": str(experiment.status),
        "primary_metric": experiment.primary_metric,
        "minimum_detectable_effect": experiment.minimum_detectable_effect,
        "needed_per_arm": needed,
        "variants": variants,
        "sample_ratio": {k: _finite(v) for k, v in dataclasses.asdict(srm).items()},
        "guardrail_breaches": breaches,
        "warnings": warnings,
        "notes": list(NOTES),
    }
