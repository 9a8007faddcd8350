"""The A/B-test statistics against scipy on the same data, to 1e-6 (relative
where the values are tiny). scipy is a test dependency only."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest
from scipy import integrate, special, stats

from chalicelib.domain.distributions import (
    chi_squared_sf,
    normal_cdf,
    normal_quantile,
    normal_sf,
    regularized_gamma_q,
    regularized_incomplete_beta,
    student_t_cdf,
    student_t_quantile,
    student_t_two_sided_p,
)
from chalicelib.domain.experiment_sample_sizes import sample_size_for_mean, sample_size_per_arm
from chalicelib.domain.experiment_stats import (
    SRM_THRESHOLD,
    Comparison,
    Proportion,
    Sample,
    chance_to_beat_control,
    sample_from_sums,
    sample_of,
    sample_ratio_mismatch,
    two_proportion_z_test,
    welch_t_test,
)

TOLERANCE = 1e-6


def close(actual: float, expected: float) -> bool:
    """Within 1e-6, absolute for values of order one and above."""
    return abs(actual - expected) <= TOLERANCE * max(1.0, abs(expected))


def close_probability(actual: float, expected: float) -> bool:
    """Within 1e-6 relative: tiny p-values must be right too, not merely tiny."""
    return abs(actual - expected) <= TOLERANCE * abs(expected) + 1e-300


# -- distributions --------------------------------------------------------------

XS = [-40.0, -12.5, -6.0, -3.0, -1.959963984540054, -1.0, -0.1, 0.0, 0.3, 1.0, 2.5, 8.0, 37.0]
PROBABILITIES = [1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999]
PROBABILITIES += [1 - 1e-9, 1 - 1e-15]
DFS = [0.5, 1.0, 1.5, 2.0, 3.0, 4.7, 10.0, 29.5, 100.0, 1_000.0, 12_345.6, 400_000.0, 3e6, 5e7, 1e9]
TS = [0.0, 1e-8, 0.05, 0.5, 1.0, 1.96, 2.5, 4.0, 10.0, 60.0, 1e4]


@pytest.mark.parametrize("x", XS)
def test_the_normal_cdf_and_tail_match_scipy(x: float) -> None:
    assert close_probability(normal_cdf(x), stats.norm.cdf(x))
    assert close_probability(normal_sf(x), stats.norm.sf(x))


@pytest.mark.parametrize("p", PROBABILITIES)
def test_the_normal_quantile_matches_scipy_to_1e_12(p: float) -> None:
    expected = stats.norm.ppf(p)
    assert abs(normal_quantile(p) - expected) <= 1e-12 * max(1.0, abs(expected))


@pytest.mark.parametrize("df", DFS)
def test_student_t_tails_match_scipy(df: float) -> None:
    for t in TS:
        expected = 2 * stats.t.sf(t, df)
        if expected < 1e-290:
            continue  # below the smallest normal float scipy itself is denormal
        assert close_probability(student_t_two_sided_p(t, df), expected), (t, df)
        assert close_probability(student_t_two_sided_p(-t, df), expected), (t, df)
        assert close_probability(student_t_cdf(-t, df), stats.t.cdf(-t, df)), (t, df)
        assert close(student_t_cdf(t, df), stats.t.cdf(t, df)), (t, df)


def test_student_t_beyond_any_shop_is_the_normal_distribution() -> None:
    for t in [0.5, 1.96, 4.0, 10.0]:
        assert close_probability(student_t_two_sided_p(t, 5e10), 2 * stats.t.sf(t, 5e10))
        assert close(student_t_quantile(0.975, 5e10), stats.t.ppf(0.975, 5e10))


@pytest.mark.parametrize("df", DFS)
def test_student_t_quantiles_match_scipy(df: float) -> None:
    for p in [1e-10, 0.001, 0.025, 0.05, 0.3, 0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 1 - 1e-8]:
        expected = stats.t.ppf(p, df)
        assert abs(student_t_quantile(p, df) - expected) <= TOLERANCE * max(1.0, abs(expected)), (
            p,
            df,
        )


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 0.5, 2.5])
def test_chi_squared_tails_match_scipy(df: float) -> None:
    for x in [0.0, 1e-6, 0.01, 0.5, 1.0, 2.0, 3.84, 6.63, 10.83, 25.0, 100.0, 400.0, 1200.0]:
        assert close_probability(chi_squared_sf(x, df), stats.chi2.sf(x, df)), (x, df)


def test_the_special_functions_match_scipy() -> None:
    for a in [0.5, 1.0, 2.5, 10.0, 300.0, 20_000.0]:
        for b in [0.5, 1.0, 3.0, 70.0, 5_000.0]:
            for x in [0.0, 1e-5, 0.01, 0.2, 0.5, 0.77, 0.99, 1.0]:
                expected = special.betainc(a, b, x)
                assert close(regularized_incomplete_beta(a, b, x), expected), (a, b, x)
        for x in [0.0, 0.1, 1.0, a, a + 5 * math.sqrt(a), 3 * a + 10]:
            expected = special.gammaincc(a, x)
            assert close_probability(regularized_gamma_q(a, x), expected) or close(
                regularized_gamma_q(a, x), expected
            ), (a, x)


def test_the_distributions_refuse_what_has_no_meaning() -> None:
    for p in [0.0, 1.0, -0.1, 1.5, math.nan]:
        with pytest.raises(ValueError, match="probability"):
            normal_quantile(p)
        with pytest.raises(ValueError, match="probability"):
            student_t_quantile(p, 5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        student_t_cdf(1.0, 0)
    with pytest.raises(ValueError, match="degrees of freedom"):
        chi_squared_sf(1.0, -1)
    with pytest.raises(ValueError, match="x must be between 0 and 1"):
        regularized_incomplete_beta(1, 1, 1.5)


# -- samples --------------------------------------------------------------------


def test_a_sample_has_the_mean_and_unbiased_variance_numpy_computes() -> None:
    rng = random.Random(16)
    for n in [2, 3, 10, 1_000]:
        values = [rng.choice([0, 0, 0, rng.randint(100, 80_000)]) for _ in range(n)]
        sample = sample_of(values)
        assert sample.n == n
        assert close(sample.mean, float(np.mean(values)))
        assert close(sample.variance, float(np.var(values, ddof=1)))


def test_a_sample_is_exact_far_from_zero() -> None:
    """Huge equal-ish amounts: the naive sum-of-squares formula in floats
    would cancel to garbage; integers keep the variance exact."""
    offset = 10**15
    values = [offset + delta for delta in [3, -1, 4, -1, 5, -9, 2, 6]]
    sample = sample_of(values)
    assert sample.variance == statistics.variance([3, -1, 4, -1, 5, -9, 2, 6])
    assert sample.mean == float(offset) + 9 / 8


def test_a_sample_from_sums_equals_the_sample_of_the_values() -> None:
    rng = random.Random(7)
    values = [rng.randint(-5_000, 300_000) for _ in range(777)]
    from_sums = sample_from_sums(len(values), sum(values), sum(v * v for v in values))
    assert from_sums == sample_of(values)


def test_small_samples_have_zero_variance() -> None:
    assert sample_of([]) == Sample(n=0, mean=0.0, variance=0.0)
    assert sample_of([4_200]) == Sample(n=1, mean=4_200.0, variance=0.0)
    assert sample_from_sums(0, 0, 0) == Sample(n=0, mean=0.0, variance=0.0)
    assert sample_from_sums(1, -300, 90_000) == Sample(n=1, mean=-300.0, variance=0.0)


def test_inconsistent_sums_and_values_are_refused() -> None:
    with pytest.raises(ValueError, match="inconsistent sums"):
        sample_from_sums(2, 10, 10)  # two values summing to 10 have squares >= 50
    with pytest.raises(ValueError, match="empty sample"):
        sample_from_sums(0, 5, 25)
    with pytest.raises(ValueError, match="n must not be negative"):
        sample_from_sums(-1, 0, 0)
    with pytest.raises(ValueError, match="total_of_squares must not be negative"):
        sample_from_sums(3, 0, -1)
    with pytest.raises(ValueError, match="integers"):
        sample_of([1, 2.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="variance"):
        Sample(n=3, mean=1.0, variance=-1.0)
    with pytest.raises(ValueError, match="mean"):
        Sample(n=3, mean=math.nan, variance=1.0)


def test_proportions_refuse_impossible_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        Proportion(successes=-1, trials=10)
    with pytest.raises(ValueError, match="negative"):
        Proportion(successes=0, trials=-10)
    with pytest.raises(ValueError, match=r"successes \(11\) must not exceed trials \(10\)"):
        Proportion(successes=11, trials=10)
    assert Proportion(0, 0).rate == 0.0
    assert Proportion(3, 12).rate == 0.25


# -- the z-test -------------------------------------------------------------------

PROPORTION_PAIRS = [
    ((120, 1_000), (150, 1_000)),
    ((3_000, 60_000), (3_180, 60_000)),
    ((48, 2_400), (40, 2_500)),
    ((1, 30), (9, 31)),
    ((0, 500), (6, 480)),
    ((1, 1_000_000), (2, 1_000_000)),
    ((400_000, 1_000_000), (403_000, 1_000_000)),
    ((5, 5), (3, 5)),
    ((0, 10), (10, 10)),
    ((7, 9), (1, 2)),
]


def textbook_z_test(
    control: tuple[int, int], variant: tuple[int, int], confidence: float
) -> Comparison:
    (s_c, n_c), (s_v, n_v) = control, variant
    p_c, p_v = s_c / n_c, s_v / n_v
    pooled = (s_c + s_v) / (n_c + n_v)
    z = (p_v - p_c) / np.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_v))
    se = np.sqrt(p_c * (1 - p_c) / n_c + p_v * (1 - p_v) / n_v)
    half = stats.norm.ppf(1 - (1 - confidence) / 2) * se
    return Comparison(
        difference=p_v - p_c,
        relative_lift=(p_v - p_c) / p_c if p_c else None,
        ci_low=p_v - p_c - half,
        ci_high=p_v - p_c + half,
        statistic=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
        degrees_of_freedom=None,
    )


@pytest.mark.parametrize(("control", "variant"), PROPORTION_PAIRS)
@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
def test_the_z_test_matches_the_textbook_formula_computed_with_scipy(
    control: tuple[int, int], variant: tuple[int, int], confidence: float
) -> None:
    actual = two_proportion_z_test(
        Proportion(*control), Proportion(*variant), confidence=confidence
    )
    expected = textbook_z_test(control, variant, confidence)
    assert close(actual.difference, expected.difference)
    if expected.relative_lift is None:
        assert actual.relative_lift is None
    else:
        assert actual.relative_lift is not None
        assert close(actual.relative_lift, expected.relative_lift)
    assert close(actual.ci_low, expected.ci_low)
    assert close(actual.ci_high, expected.ci_high)
    assert close(actual.statistic, expected.statistic)
    assert close_probability(actual.p_value, expected.p_value)
    assert actual.degrees_of_freedom is None


def test_the_z_test_reports_no_evidence_without_data_or_variability() -> None:
    empty = two_proportion_z_test(Proportion(0, 0), Proportion(5, 100))
    assert empty == Comparison(0.0, None, 0.0, 0.0, 0.0, 1.0, None)
    assert two_proportion_z_test(Proportion(0, 0), Proportion(0, 0)) == empty
    assert two_proportion_z_test(Proportion(0, 200), Proportion(0, 300)) == Comparison(
        0.0, None, 0.0, 0.0, 0.0, 1.0, None
    )
    all_converted = two_proportion_z_test(Proportion(50, 50), Proportion(80, 80))
    assert all_converted == Comparison(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, None)


def test_the_z_test_refuses_a_confidence_outside_zero_one() -> None:
    for confidence in [0.0, 1.0, 95, -0.5, math.nan]:
        with pytest.raises(ValueError, match="confidence must be strictly between 0 and 1"):
            two_proportion_z_test(Proportion(1, 10), Proportion(2, 10), confidence=confidence)


# -- Welch's t-test ---------------------------------------------------------------


def revenue(rng: random.Random, n: int, buy_rate: float, basket: int) -> list[int]:
    """Revenue per exposed member in fen: mostly zero, skewed amounts."""
    return [
        int(rng.expovariate(1 / basket)) + 100 if rng.random() < buy_rate else 0 for _ in range(n)
    ]


@pytest.mark.parametrize(
    ("n_c", "n_v", "buy_c", "buy_v", "basket_c", "basket_v"),
    [
        (2, 2, 0.5, 0.5, 1_000, 1_000),
        (3, 40, 0.9, 0.9, 5_000, 9_000),
        (50, 50, 0.2, 0.25, 8_000, 8_000),
        (1_000, 1_100, 0.05, 0.06, 12_000, 12_000),
        (20_000, 19_000, 0.03, 0.03, 15_000, 15_500),
        (400, 4_000, 0.5, 0.1, 100, 90_000),
    ],
)
def test_welch_matches_scipy_on_raw_data(
    n_c: int, n_v: int, buy_c: float, buy_v: float, basket_c: int, basket_v: int
) -> None:
    rng = random.Random(n_c * 31 + n_v)
    control_values = revenue(rng, n_c, buy_c, basket_c)
    variant_values = revenue(rng, n_v, buy_v, basket_v)
    if len(set(control_values + variant_values)) == 1:
        control_values[0] += 1
    actual = welch_t_test(sample_of(control_values), sample_of(variant_values))
    expected = stats.ttest_ind(variant_values, control_values, equal_var=False)
    interval = expected.confidence_interval(0.95)
    assert close(actual.statistic, expected.statistic)
    assert close_probability(actual.p_value, expected.pvalue)
    assert actual.degrees_of_freedom is not None
    assert close(actual.degrees_of_freedom, expected.df)
    assert close(actual.ci_low, interval.low)
    assert close(actual.ci_high, interval.high)
    assert close(actual.difference, float(np.mean(variant_values) - np.mean(control_values)))


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.999])
def test_welch_matches_scipy_from_summary_statistics(confidence: float) -> None:
    grid = [
        (Sample(10, 520.0, 90_000.0), Sample(12, 610.0, 250_000.0)),
        (Sample(2, 0.0, 2.0), Sample(2, 5.0, 8.0)),
        (Sample(5_000, 1_234.5, 3.3e7), Sample(5_200, 1_300.25, 3.9e7)),
        (Sample(300_000, 980.0, 2.5e7), Sample(310_000, 1_010.0, 2.6e7)),
        (Sample(30, 100.0, 0.0), Sample(40, 120.0, 400.0)),
        (Sample(8, 4_000.0, 1e6), Sample(2_000, 100.0, 1.0)),
        (Sample(100, 1e9, 1e-2), Sample(100, 1e9 + 1, 1e-2)),
    ]
    for control, variant in grid:
        actual = welch_t_test(control, variant, confidence=confidence)
        expected = stats.ttest_ind_from_stats(
            variant.mean,
            math.sqrt(variant.variance),
            variant.n,
            control.mean,
            math.sqrt(control.variance),
            control.n,
            equal_var=False,
        )
        se_c, se_v = control.variance / control.n, variant.variance / variant.n
        df = (se_c + se_v) ** 2 / (se_c**2 / (control.n - 1) + se_v**2 / (variant.n - 1))
        half = stats.t.ppf(0.5 + confidence / 2, df) * math.sqrt(se_c + se_v)
        difference = variant.mean - control.mean
        assert close(actual.statistic, expected.statistic), (control, variant)
        assert close_probability(actual.p_value, expected.pvalue), (control, variant)
        assert actual.degrees_of_freedom is not None
        assert close(actual.degrees_of_freedom, df)
        assert close(actual.ci_low, difference - half)
        assert close(actual.ci_high, difference + half)
        if control.mean:
            assert actual.relative_lift is not None
            assert close(actual.relative_lift, difference / control.mean)
        else:
            assert actual.relative_lift is None


def test_welch_reports_no_evidence_without_enough_data_or_variability() -> None:
    nothing = Comparison(0.0, None, 0.0, 0.0, 0.0, 1.0, None)
    assert welch_t_test(Sample(0, 0.0, 0.0), Sample(10, 5.0, 2.0)) == nothing
    assert welch_t_test(Sample(10, 5.0, 2.0), Sample(0, 0.0, 0.0)) == nothing
    one = welch_t_test(Sample(1, 400.0, 0.0), Sample(30, 500.0, 100.0))
    assert one == Comparison(100.0, 0.25, 100.0, 100.0, 0.0, 1.0, None)
    nobody_bought = welch_t_test(sample_of([0] * 500), sample_of([0] * 480))
    assert nobody_bought == Comparison(0.0, None, 0.0, 0.0, 0.0, 1.0, None)
    constant = welch_t_test(sample_of([990] * 5), sample_of([1_000] * 5))
    assert constant.p_value == 1.0 and constant.ci_low == constant.ci_high == 10.0


def test_welch_refuses_a_confidence_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="confidence"):
        welch_t_test(Sample(5, 1.0, 1.0), Sample(5, 2.0, 1.0), confidence=1.5)


# -- chance to beat control ---------------------------------------------------------


def integrated_chance(control: Proportion, variant: Proportion) -> float:
    """P(p_v > p_c) = ∫ f_v(x) F_c(x) dx, integrated by quadrature over [0, 1]."""
    a_c, b_c = 1 + control.successes, 1 + control.failures
    a_v, b_v = 1 + variant.successes, 1 + variant.failures
    peaks = sorted({a_c / (a_c + b_c), a_v / (a_v + b_v)})
    value, _ = integrate.quad(
        lambda x: stats.beta.pdf(x, a_v, b_v) * stats.beta.cdf(x, a_c, b_c),
        0.0,
        1.0,
        points=peaks,
        epsabs=1e-12,
        epsrel=1e-12,
        limit=1_000,
    )
    return float(value)


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        ((0, 0), (0, 0)),
        ((0, 0), (3, 10)),
        ((10, 100), (15, 100)),
        ((15, 100), (10, 100)),
        ((3, 7), (2, 9)),
        ((0, 40), (0, 45)),
        ((40, 40), (44, 45)),
        ((2, 3_000), (9, 3_000)),
        ((500, 10_000), (560, 10_000)),
        ((4_000, 10_000), (4_050, 10_000)),
        ((1_200, 2_000), (1_150, 1_900)),
    ],
)
def test_the_chance_to_beat_control_matches_the_integral(
    control: tuple[int, int], variant: tuple[int, int]
) -> None:
    c, v = Proportion(*control), Proportion(*variant)
    assert abs(chance_to_beat_control(c, v) - integrated_chance(c, v)) <= TOLERANCE


def test_the_chance_to_beat_control_at_scale_matches_a_seeded_monte_carlo() -> None:
    control, variant = Proportion(40_000, 100_000), Proportion(40_400, 100_000)
    draws = 400_000
    generator = np.random.default_rng(16)
    p_c = generator.beta(1 + control.successes, 1 + control.failures, draws)
    p_v = generator.beta(1 + variant.successes, 1 + variant.failures, draws)
    estimate = float(np.mean(p_v > p_c))
    standard_error = math.sqrt(estimate * (1 - estimate) / draws)
    assert abs(chance_to_beat_control(control, variant) - estimate) <= 4 * standard_error


def test_the_chance_to_beat_control_is_symmetric_and_certain_at_the_extremes() -> None:
    a, b = Proportion(30, 1_000), Proportion(41, 1_000)
    assert abs(chance_to_beat_control(a, b) + chance_to_beat_control(b, a) - 1) < 1e-12
    assert chance_to_beat_control(Proportion(0, 0), Proportion(0, 0)) == pytest.approx(0.5)
    assert chance_to_beat_control(Proportion(0, 5_000), Proportion(5_000, 5_000)) == 1.0
    assert chance_to_beat_control(Proportion(5_000, 5_000), Proportion(0, 5_000)) == 0.0


# -- sample-ratio mismatch -------------------------------------------------------------


@pytest.mark.parametrize(
    ("exposures", "weights"),
    [
        ([5_000, 5_000], [50, 50]),
        ([10_400, 9_600], [50, 50]),
        ([10_080, 9_920], [1, 1]),
        ([1, 0], [50, 50]),
        ([700, 150, 150], [70, 15, 15]),
        ([7_300, 1_300, 1_400], [0.7, 0.15, 0.15]),
        ([2_000, 2_100, 1_900, 2_050, 1_950], [20, 20, 20, 20, 20]),
        ([90_000, 10_000, 0], [1, 1, 1]),
    ],
)
def test_the_sample_ratio_check_matches_scipy_chisquare(
    exposures: list[int], weights: list[float]
) -> None:
    actual = sample_ratio_mismatch(exposures, weights)
    expected_counts = [sum(exposures) * w / sum(weights) for w in weights]
    expected = stats.chisquare(exposures, expected_counts)
    assert close(actual.chi_squared, expected.statistic)
    assert close_probability(actual.p_value, expected.pvalue)
    assert actual.degrees_of_freedom == len(exposures) - 1
    assert actual.mismatch == (expected.pvalue < SRM_THRESHOLD)


def test_a_skewed_split_is_a_mismatch_and_a_fair_one_is_not() -> None:
    assert sample_ratio_mismatch([10_400, 9_600], [50, 50]).mismatch
    assert not sample_ratio_mismatch([10_050, 9_950], [50, 50]).mismatch
    assert SRM_THRESHOLD == 0.001


def test_no_exposures_yet_is_no_mismatch() -> None:
    result = sample_ratio_mismatch([0, 0, 0], [1, 2, 3])
    assert (result.chi_squared, result.degrees_of_freedom, result.p_value, result.mismatch) == (
        0.0,
        2,
        1.0,
        False,
    )


def test_the_sample_ratio_check_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="one weight per arm"):
        sample_ratio_mismatch([1, 2], [1, 1, 1])
    with pytest.raises(ValueError, match="at least two arms"):
        sample_ratio_mismatch([5], [1])
    with pytest.raises(ValueError, match="weights must be positive"):
        sample_ratio_mismatch([5, 5], [1, 0])
    with pytest.raises(ValueError, match="weights must be positive"):
        sample_ratio_mismatch([5, 5], [1, math.inf])
    with pytest.raises(ValueError, match="exposures must not be negative"):
        sample_ratio_mismatch([5, -5], [1, 1])


# -- sample size ------------------------------------------------------------------------


def textbook_sample_size(p1: float, p2: float, alpha: float, power: float) -> int:
    mean = (p1 + p2) / 2
    z_alpha = float(stats.norm.ppf(1 - alpha / 2))
    z_power = float(stats.norm.ppf(power))
    root = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil((root / (p2 - p1)) ** 2)


@pytest.mark.parametrize(
    ("baseline", "effect", "relative", "alpha", "power"),
    [
        (0.1, 0.2, True, 0.05, 0.8),
        (0.1, 0.02, False, 0.05, 0.8),
        (0.03, 0.1, True, 0.05, 0.8),
        (0.5, 0.01, False, 0.01, 0.9),
        (0.2, -0.05, False, 0.05, 0.8),
        (0.001, 1.0, True, 0.1, 0.95),
        (0.9, 0.05, False, 0.05, 0.5),
    ],
)
def test_the_sample_size_matches_the_formula_computed_with_scipy(
    baseline: float, effect: float, relative: bool, alpha: float, power: float
) -> None:
    p2 = baseline * (1 + effect) if relative else baseline + effect
    expected = textbook_sample_size(baseline, p2, alpha, power)
    actual = sample_size_per_arm(baseline, effect, relative=relative, alpha=alpha, power=power)
    assert abs(actual - expected) <= 1  # the ceiling of the same real number


def test_the_sample_size_of_a_classic_case() -> None:
    # 10% -> 12%: 3,841 per arm at alpha 0.05 and power 0.8 (Fleiss, no continuity correction)
    assert sample_size_per_arm(0.10, 0.20, relative=True) == 3_841
    assert sample_size_per_arm(0.10, 0.02) == 3_841


def test_the_sample_size_refuses_impossible_designs() -> None:
    with pytest.raises(ValueError, match="baseline_rate"):
        sample_size_per_arm(0.0, 0.01)
    with pytest.raises(ValueError, match="baseline_rate"):
        sample_size_per_arm(1.0, 0.01)
    with pytest.raises(ValueError, match="non-zero"):
        sample_size_per_arm(0.1, 0.0)
    with pytest.raises(ValueError, match="too large"):
        sample_size_per_arm(0.6, 0.5)
    with pytest.raises(ValueError, match="too large"):
        sample_size_per_arm(0.6, 1.0, relative=True)
    with pytest.raises(ValueError, match="alpha"):
        sample_size_per_arm(0.1, 0.01, alpha=0.0)
    with pytest.raises(ValueError, match="power"):
        sample_size_per_arm(0.1, 0.01, power=1.0)


@pytest.mark.parametrize(
    ("mean", "variance", "effect", "relative", "alpha", "power"),
    [
        (3_000.0, 2_500_000.0, 0.1, True, 0.05, 0.8),
        (12_800.0, 9.0e7, 0.05, True, 0.05, 0.9),
        (500.0, 40_000.0, 25.0, False, 0.01, 0.8),
        (99.0, 1.0, -0.01, True, 0.1, 0.5),
    ],
)
def test_the_sample_size_for_a_mean_matches_the_formula_computed_with_scipy(
    mean: float, variance: float, effect: float, relative: bool, alpha: float, power: float
) -> None:
    delta = effect * mean if relative else effect
    z = float(stats.norm.ppf(1 - alpha / 2)) + float(stats.norm.ppf(power))
    expected = math.ceil(2 * z * z * variance / (delta * delta))
    control = Sample(n=1_000, mean=mean, variance=variance)
    actual = sample_size_for_mean(control, effect, relative=relative, alpha=alpha, power=power)
    assert abs(actual - expected) <= 1  # the ceiling of the same real number


def test_a_mean_sized_by_the_formula_is_detected_at_about_the_power() -> None:
    """Revenue per member with a known 10% lift: 300 seeded experiments of the
    size the formula gives detect it (Welch, p < 0.05) at about 80%."""
    rng = random.Random(20261203)
    control = Sample(n=10_000, mean=1_000.0, variance=400.0**2)
    n = sample_size_for_mean(control, 0.1, relative=True)
    runs, detected = 300, 0
    for _ in range(runs):
        a = [round(rng.gauss(1_000, 400)) for _ in range(n)]
        b = [round(rng.gauss(1_100, 400)) for _ in range(n)]
        if welch_t_test(sample_of(a), sample_of(b)).p_value < 0.05:
            detected += 1
    tolerance = 3.5 * math.sqrt(0.8 * 0.2 / runs)
    assert abs(detected / runs - 0.8) <= tolerance


def test_the_sample_size_for_a_mean_refuses_what_it_cannot_size() -> None:
    with pytest.raises(ValueError, match="variance"):
        sample_size_for_mean(Sample(n=1, mean=100.0, variance=0.0), 0.1, relative=True)
    with pytest.raises(ValueError, match="variance"):
        sample_size_for_mean(Sample(n=50, mean=100.0, variance=0.0), 0.1, relative=True)
    with pytest.raises(ValueError, match="nothing to detect"):
        sample_size_for_mean(Sample(n=50, mean=0.0, variance=10.0), 0.1, relative=True)
    with pytest.raises(ValueError, match="non-zero"):
        sample_size_for_mean(Sample(n=50, mean=10.0, variance=10.0), 0.0)
