"""The distributions an A/B test's statistics need, in pure Python (standard
library only, so the Lambda package stays lean): the normal CDF from
``math.erfc`` and its quantile by a rational approximation refined by Halley
steps; Student's t through the regularized incomplete beta function (modified
Lentz continued fraction); chi-squared through the regularized incomplete
gamma function. Checked against scipy in tests/unit/domain/test_experiment_stats.py.
"""

from __future__ import annotations

import math

_EPS = 1e-16
_TINY = 1e-300
_MAX_ITERATIONS = 1_000_000
_NORMAL_DF = 1e10
"""Beyond these degrees of freedom Student's t is the normal distribution to
1e-6 relative for |t| <= 10 (Welch's degrees of freedom stay below the number
of exposures, so a shop never gets there)."""


# -- distributions ------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_sf(x: float) -> float:
    """P(Z > x), accurate in the upper tail."""
    return 0.5 * math.erfc(x / math.sqrt(2))


def normal_quantile(p: float) -> float:
    """x with P(Z <= x) = p: Acklam's rational approximation (relative error
    1.2e-9) refined by Halley steps on the erfc-based CDF to ~1e-15."""
    if not 0 < p < 1:
        raise ValueError(f"a probability strictly between 0 and 1 is required (got {p!r})")
    if p > 0.5:
        return -normal_quantile(1 - p)  # 1 - p is exact for p in [0.5, 1]
    x = _acklam(p)
    if x * x / 2 > 700:
        return x  # p below 1e-300: exp(x²/2) would overflow; Acklam's 1e-9 stands
    for _ in range(3):
        error = normal_cdf(x) - p
        u = error * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
        step = u / (1 + x * u / 2)
        x -= step
        if abs(step) <= 1e-16 * max(1.0, abs(x)):
            break
    return x


_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
)


def _acklam(p: float) -> float:
    """Acklam's approximation of the normal quantile, for 0 < p <= 0.5."""
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) / (
            (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1
        )
    q = p - 0.5
    r = q * q
    return (
        (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5])
        * q
        / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1)
    )


def log_beta(a: float, b: float) -> float:
    """log B(a, b), without the cancellation of lgamma(a) - lgamma(a + b)
    when one argument is large (Student's t with many degrees of freedom)."""
    small, large = (a, b) if a <= b else (b, a)
    if large < 1e4:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return math.lgamma(small) + _log_gamma_ratio(large, small)


def _log_gamma_ratio(a: float, b: float) -> float:
    """lgamma(a) - lgamma(a + b) for a >= 1e4, from Stirling's series:
    -(a - 1/2) log(1 + b/a) - b log(a + b) + b + (corrections), each term
    computed without subtracting large numbers."""
    c = a + b
    return (
        -(a - 0.5) * math.log1p(b / a)
        - b * math.log(c)
        + b
        + _stirling_correction(a)
        - _stirling_correction(c)
    )


def _stirling_correction(x: float) -> float:
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2), for x >= 1e4."""
    inverse = 1 / x
    square = inverse * inverse
    return inverse * (1 / 12 - square * (1 / 360 - square / 1260))


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if not (a > 0 and b > 0):
        raise ValueError(f"a and b must be positive (a={a}, b={b})")
    if not 0 <= x <= 1:
        raise ValueError(f"x must be between 0 and 1 (got {x})")
    return _betainc(a, b, x, 1 - x)[0]


def _betainc(
    a: float,
    b: float,
    x: float,
    y: float,
    log_x: float | None = None,
    log_y: float | None = None,
) -> tuple[float, float]:
    """(I_x(a, b), 1 - I_x(a, b)) with y = 1 - x (and optionally their
    logarithms) given separately, so a caller that knows them more precisely
    than 1 - x and log(x) keeps that precision. The continued fraction
    (modified Lentz) is evaluated on the side where it converges fast, and the
    other value is its complement."""
    if x <= 0:
        return 0.0, 1.0
    if y <= 0:
        return 1.0, 0.0
    log_x = math.log(x) if log_x is None else log_x
    log_y = math.log(y) if log_y is None else log_y
    if x < (a + 1) / (a + b + 2):
        front = math.exp(a * log_x + b * log_y - log_beta(a, b))
        lower = front * _beta_fraction(a, b, x) / a
        return lower, 1 - lower
    front = math.exp(b * log_y + a * log_x - log_beta(b, a))
    upper = front * _beta_fraction(b, a, y) / b
    return 1 - upper, upper


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes' betacf), by
    the modified Lentz method."""
    qab = a + b
    qap = a + 1
    qam = a - 1
    c = 1.0
    d = 1 - qab * x / qap
    d = 1 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = 1 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = 1 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return h


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with df > 0 degrees of freedom."""
    _check_df(df)
    if math.isnan(t):
        raise ValueError("t must be a number")
    tail = student_t_two_sided_p(t, df) / 2
    return 1 - tail if t > 0 else tail


def student_t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) = I_(df / (df + t^2))(df/2, 1/2)."""
    _check_df(df)
    if df > _NORMAL_DF:
        return min(1.0, 2 * normal_sf(abs(t)))
    t_squared = t * t
    if math.isinf(t_squared):
        return 0.0
    if t_squared == 0:
        return 1.0
    x = df / (df + t_squared)
    y = t_squared / (df + t_squared)
    log_x = -math.log1p(t_squared / df)
    log_y = math.log(t_squared) - math.log(df + t_squared)
    return _betainc(df / 2, 0.5, x, y, log_x, log_y)[0]


def student_t_quantile(p: float, df: float) -> float:
    """t with P(T <= t) = p: safeguarded Newton iterations on the tail
    probability from the normal quantile, to ~1e-13 relative."""
    _check_df(df)
    if not 0 < p < 1:
        raise ValueError(f"a probability strictly between 0 and 1 is required (got {p!r})")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -student_t_quantile(1 - p, df)
    if df > _NORMAL_DF:
        return normal_quantile(p)
    target = 1 - p  # the upper tail, exact for p in [0.5, 1]
    low = 0.0
    high = max(1.0, normal_quantile(p))
    while student_t_two_sided_p(high, df) / 2 > target:
        low = high
        high *= 2
    t = high
    log_density_constant = (
        math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    )
    for _ in range(200):
        tail = student_t_two_sided_p(t, df) / 2
        if tail > target:
            low = t
        else:
            high = t
        density = math.exp(log_density_constant - (df + 1) / 2 * math.log1p(t * t / df))
        candidate = t + (tail - target) / density if density > 0 else (low + high) / 2
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - t) <= 1e-14 * max(1.0, abs(t)) or high - low <= 1e-15 * high:
            return candidate
        t = candidate
    return t


def _check_df(df: float) -> None:
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive (got {df})")


def regularized_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function:
    the series for x < a + 1, the continued fraction (modified Lentz) above."""
    if not a > 0:
        raise ValueError(f"a must be positive (got {a})")
    if x < 0 or math.isnan(x):
        raise ValueError(f"x must not be negative (got {x})")
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = 1 / a
        total = term
        denominator = a
        for _ in range(_MAX_ITERATIONS):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1 - total * math.exp(log_front))
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _MAX_ITERATIONS + 1):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return math.exp(log_front) * h


def chi_squared_sf(x: float, df: float) -> float:
    """P(X > x) for chi-squared with df degrees of freedom."""
    _check_df(df)
    if x <= 0:
        return 1.0
    return regularized_gamma_q(df / 2, x / 2)
