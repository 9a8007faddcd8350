"""The A/B-test statistics checked as statistics: seeded simulated experiments
show the sample size buys the configured power, A/A tests keep the
false-positive rate at alpha, and a broken split raises the SRM flag.

Every rate is compared with a binomial tolerance: 3.5 standard errors of the
number of simulated experiments, so a correct implementation fails about once
in two thousand seeds, and the seeds are fixed."""

from __future__ import annotations

import math
import random

from chalicelib.domain.experiment_sample_sizes import sample_size_per_arm
from chalicelib.domain.experiment_stats import (
    Proportion,
    chance_to_beat_control,
    sample_of,
    sample_ratio_mismatch,
    two_proportion_z_test,
    welch_t_test,
)

ALPHA = 0.05
POWER = 0.8


def within_binomial_tolerance(hits: int, runs: int, expected_rate: float) -> bool:
    standard_error = math.sqrt(expected_rate * (1 - expected_rate) / runs)
    return abs(hits / runs - expected_rate) <= 3.5 * standard_error


def conversions(rng: random.Random, exposures: int, rate: float) -> Proportion:
    draw = rng.random
    return Proportion(sum(draw() < rate for _ in range(exposures)), exposures)


def test_a_known_lift_is_detected_with_the_configured_power() -> None:
    rng = random.Random(1_600)
    baseline, lift = 0.10, 0.20  # 10% -> 12%, a 20% relative lift
    n = sample_size_per_arm(baseline, lift, relative=True, alpha=ALPHA, power=POWER)
    runs = 400
    detected = 0
    for _ in range(runs):
        control = conversions(rng, n, baseline)
        variant = conversions(rng, n, baseline * (1 + lift))
        result = two_proportion_z_test(control, variant)
        if result.p_value < ALPHA and result.difference > 0:
            detected += 1
    assert within_binomial_tolerance(detected, runs, POWER), detected / runs


def test_half_the_sample_is_underpowered() -> None:
    """The same design read at half the sample: power drops to about 51%
    (the normal approximation at n/2), so reading early misses real lifts."""
    rng = random.Random(1_601)
    n = sample_size_per_arm(0.10, 0.20, relative=True) // 2
    runs = 300
    detected = sum(
        1
        for _ in range(runs)
        if (
            result := two_proportion_z_test(conversions(rng, n, 0.10), conversions(rng, n, 0.12))
        ).p_value
        < ALPHA
        and result.difference > 0
    )
    assert detected / runs < 0.65


def test_a_a_tests_of_conversion_are_false_positives_at_alpha() -> None:
    rng = random.Random(1_602)
    runs = 1_000
    false_positives = 0
    confident_variants = 0
    for _ in range(runs):
        control = conversions(rng, 1_000, 0.08)
        variant = conversions(rng, 1_000, 0.08)
        if two_proportion_z_test(control, variant).p_value < ALPHA:
            false_positives += 1
        if chance_to_beat_control(control, variant) > 0.95:
            confident_variants += 1
    assert within_binomial_tolerance(false_positives, runs, ALPHA), false_positives / runs
    # with a flat prior and no true difference the chance to beat control is
    # about uniform: above 95% about 5% of the time
    assert within_binomial_tolerance(confident_variants, runs, 0.05), confident_variants / runs


def test_a_a_tests_of_revenue_are_false_positives_at_alpha() -> None:
    rng = random.Random(1_603)
    runs = 600

    def revenue_per_member(n: int) -> list[int]:
        # 15% buy; skewed baskets of about 150 yuan, in fen
        return [
            10_000 + int(rng.expovariate(1 / 5_000)) if rng.random() < 0.15 else 0 for _ in range(n)
        ]

    false_positives = sum(
        1
        for _ in range(runs)
        if welch_t_test(
            sample_of(revenue_per_member(600)), sample_of(revenue_per_member(500))
        ).p_value
        < ALPHA
    )
    assert within_binomial_tolerance(false_positives, runs, ALPHA), false_positives / runs


def test_the_confidence_interval_covers_the_true_difference_at_95_percent() -> None:
    rng = random.Random(1_604)
    runs = 600
    truth = 0.13 - 0.11
    covered = 0
    for _ in range(runs):
        result = two_proportion_z_test(conversions(rng, 2_000, 0.11), conversions(rng, 2_000, 0.13))
        if result.ci_low <= truth <= result.ci_high:
            covered += 1
    assert within_binomial_tolerance(covered, runs, 0.95), covered / runs


def fair_split_exposures(rng: random.Random, total: int) -> list[int]:
    control = rng.getrandbits(total).bit_count()  # one fair coin per exposure
    return [control, total - control]


def skewed_split_exposures(rng: random.Random, total: int, control_share: float) -> list[int]:
    draw = rng.random
    control = sum(draw() < control_share for _ in range(total))
    return [control, total - control]


def test_a_skewed_split_raises_the_sample_ratio_flag() -> None:
    rng = random.Random(1_605)
    runs = 60
    # 52/48 on 20,000 exposures of a 50/50 design: expected chi-squared 32
    flagged = sum(
        sample_ratio_mismatch(skewed_split_exposures(rng, 20_000, 0.52), [50, 50]).mismatch
        for _ in range(runs)
    )
    assert flagged >= runs - 3, flagged  # missed about 1% of the time


def test_a_fair_split_almost_never_raises_the_flag() -> None:
    rng = random.Random(1_606)
    runs = 1_000
    flagged = sum(
        sample_ratio_mismatch(fair_split_exposures(rng, 20_000), [50, 50]).mismatch
        for _ in range(runs)
    )
    assert flagged <= 5, flagged  # 1 expected at the 0.001 threshold


def test_a_three_way_split_by_weight_is_checked_against_its_weights() -> None:
    rng = random.Random(1_607)
    weights = [60, 20, 20]
    runs = 200
    fair = 0
    for _ in range(runs):
        counts = [0, 0, 0]
        for arm in rng.choices(range(3), weights=weights, k=10_000):
            counts[arm] += 1
        fair += sample_ratio_mismatch(counts, weights).mismatch
    assert fair <= 3, fair
    # the same exposures judged against an equal split are plainly broken
    assert sample_ratio_mismatch(counts, [1, 1, 1]).mismatch


def test_peeking_at_every_look_inflates_false_positives() -> None:
    """A/A tests read after every tenth of the planned sample and stopped at
    the first p < 0.05 'win' far more often than 5%: why results are read once
    every arm has reached its planned sample."""
    rng = random.Random(1_608)
    runs, looks, per_look = 300, 10, 200
    stopped_early = 0
    for _ in range(runs):
        control = variant = Proportion(0, 0)
        for _ in range(looks):
            more_c = conversions(rng, per_look, 0.10)
            more_v = conversions(rng, per_look, 0.10)
            control = Proportion(
                control.successes + more_c.successes, control.trials + more_c.trials
            )
            variant = Proportion(
                variant.successes + more_v.successes, variant.trials + more_v.trials
            )
            if two_proportion_z_test(control, variant).p_value < ALPHA:
                stopped_early += 1
                break
    assert stopped_early / runs > 0.10, stopped_early / runs  # about 0.19 for ten looks
