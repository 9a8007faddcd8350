"""The sample size an A/B test needs, as pure functions: standard library only.

- Per arm for a two-sided two-proportion test (normal approximation, pooled
  variance under the null, unpooled under the alternative).
- Per arm for a two-sided test of two means (Welch's in its normal
  approximation), both arms taken to have the control's variance.

Invalid arguments raise ``ValueError``.
"""

from __future__ import annotations

import math

from .distributions import normal_quantile
from .experiment_stats import Sample, check_level


def sample_size_per_arm(
    baseline_rate: float,
    minimum_detectable_effect: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Exposures each arm needs for a two-sided two-proportion z-test to
    detect the effect with the given power (normal approximation):

    n = ceil((z_(1-alpha/2) sqrt(2 p̄ (1 - p̄)) + z_power sqrt(p1 (1 - p1) + p2 (1 - p2)))^2
             / (p2 - p1)^2),

    p1 the baseline rate, p2 = p1 + effect (or p1 (1 + effect) when relative),
    p̄ = (p1 + p2) / 2."""
    if not 0 < baseline_rate < 1:
        raise ValueError(f"baseline_rate must be between 0 and 1 (got {baseline_rate})")
    check_level("alpha", alpha)
    check_level("power", power)
    if not math.isfinite(minimum_detectable_effect) or minimum_detectable_effect == 0:
        raise ValueError(
            f"minimum_detectable_effect must be a non-zero number (got {minimum_detectable_effect})"
        )
    p1 = baseline_rate
    p2 = p1 * (1 + minimum_detectable_effect) if relative else p1 + minimum_detectable_effect
    if not 0 < p2 < 1:
        raise ValueError(
            f"the rate to detect, {p2!r}, must be between 0 and 1: "
            "minimum_detectable_effect is too large for this baseline_rate"
        )
    mean_rate = (p1 + p2) / 2
    root = normal_quantile(1 - alpha / 2) * math.sqrt(
        2 * mean_rate * (1 - mean_rate)
    ) + normal_quantile(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    n = (root / (p2 - p1)) ** 2
    # guard the ceiling against rounding just above an integer
    return max(1, math.ceil(n - 1e-9))


def sample_size_for_mean(
    control: Sample,
    minimum_detectable_effect: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Units each arm needs for a two-sided test of two means (Welch's, in
    its normal approximation) to detect the effect with the given power, both
    arms taken to have the control's variance:

    n = ceil(2 (z_(1-alpha/2) + z_power)^2 s^2 / delta^2),

    s^2 the control's sample variance, delta the effect (or the control's
    mean times it when relative)."""
    check_level("alpha", alpha)
    check_level("power", power)
    if not math.isfinite(minimum_detectable_effect) or minimum_detectable_effect == 0:
        raise ValueError(
            f"minimum_detectable_effect must be a non-zero number (got {minimum_detectable_effect})"
        )
    if control.n < 2 or control.variance <= 0:
        raise ValueError("the control needs at least 2 units that differ to estimate a variance")
    delta = minimum_detectable_effect * control.mean if relative else minimum_detectable_effect
    if delta == 0:
        raise ValueError("a relative effect of a mean of 0 is 0: nothing to detect")
    z = normal_quantile(1 - alpha / 2) + normal_quantile(power)
    n = 2 * z * z * control.variance / (delta * delta)
    return max(2, math.ceil(n - 1e-9))
