"""The BG/NBD model (Fader, Hardie and Lee 2005): is a customer still coming, and when next?

While active, a customer buys at a steady rate λ (gamma-distributed across customers: r, alpha);
after each repeat visit they may drift away for good with probability p (beta: a, b). From each
customer's x (repeat visit days), t_x (first to last visit) and T (first visit to now), the fit
finds r, alpha, a and b by maximum likelihood; then P(alive), the expected visits in a coming
period and the expected next visit follow per customer.

Time is in weeks throughout, as in the paper, so alpha is in weeks. Fitting it to the shop's
own customers and keeping the fit is shop/visit_model.py.

scipy takes a third of a second to load, so the functions that need it import it: a sale,
which refreshes one drift day, needs numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
WEEK = 7.0  # days

# Fewer repeat customers than this and the estimates are noise (in the paper 946 of 2,357
# came back).
MIN_REPEAT_CUSTOMERS = 30
# E[visits] at a = 1 is 0/0 with a finite limit: evaluate just beside it.
_A_NEAR_ONE = 1e-6
# A drift day further off than this (about 2,700 years) is as good as never.
_FAR_DAYS = 1e6


@dataclass(frozen=True)
class Summary:
    """Per customer (arrays of one length): x repeat visit days, t_x weeks from the first to
    the last visit, T weeks from the first visit to the end of the observed period."""

    x: Floats
    t_x: Floats
    T: Floats

    @classmethod
    def of(cls, x: object, t_x: object, T: object) -> Summary:
        return cls(
            np.asarray(x, dtype=np.float64),
            np.asarray(t_x, dtype=np.float64),
            np.asarray(T, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class Params:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class Fit:
    """The outcome of fitting: `params` is None when the data could not carry the model, and
    `reason` then says why in plain words."""

    params: Params | None
    customers: int
    repeat_customers: int
    log_likelihood: float | None = None
    reason: str = ""


def _sum_of_products(left: Floats, right: Floats) -> float:
    """Σ left·right without BLAS: np.dot hands long vectors to OpenBLAS, whose threads then
    spin between calls and, on a two-core till, take ten times the fit's own work."""
    return float(np.multiply(left, right).sum())


class _Grouped:
    """A summary indexed by its distinct values, so the costly gamma functions and logarithms
    are computed once per distinct x, T or t_x (whole days: a few thousand at most) rather
    than per customer; only the drop-out term of repeat customers is summed row by row."""

    def __init__(self, summary: Summary) -> None:
        self.n = float(len(summary))
        self.x_values, x_index, x_counts = np.unique(
            summary.x, return_inverse=True, return_counts=True
        )
        self.x_counts = x_counts.astype(np.float64)
        self.T_values, T_index = np.unique(summary.T, return_inverse=True)
        self.T_counts = np.bincount(T_index).astype(np.float64)
        self.T_x_sums = np.bincount(T_index, weights=summary.x)
        repeat = summary.x > 0
        self.x = summary.x[repeat]
        self.x_index = x_index[repeat]
        self.T_index = T_index[repeat]
        self.t_x_values, self.t_x_index = np.unique(summary.t_x[repeat], return_inverse=True)

    def log_likelihood(self, r: float, alpha: float, a: float, b: float) -> tuple[float, Floats]:
        """The summed log-likelihood (eq. 6 of the paper, in logs) and its gradient with
        respect to log r, log alpha, log a and log b.

        Per customer it is A1 + A2 + A3 + log(1 + e^d) with d = A4 - A3, the last term only
        after a repeat visit (the paper's δ); A1 and A2 depend on x alone, A3 on x and T."""
        from scipy.special import gammaln, psi  # type: ignore[import-untyped, unused-ignore]

        # _sum_of_products rather than np.dot: see there.
        dot = _sum_of_products

        xv, counts = self.x_values, self.x_counts
        log_alpha = np.log(alpha)
        alpha_T = alpha + self.T_values
        log_alpha_T = np.log(alpha_T)
        a1 = gammaln(r + xv) - gammaln(r) + r * log_alpha
        a2 = gammaln(a + b) + gammaln(b + xv) - gammaln(b) - gammaln(a + b + xv)
        total = dot(counts, a1 + a2) - dot(r * self.T_counts + self.T_x_sums, log_alpha_T)
        d_r = dot(counts, psi(r + xv) - psi(r) + log_alpha) - dot(self.T_counts, log_alpha_T)
        d_alpha = r * self.n / alpha - dot(r * self.T_counts + self.T_x_sums, 1 / alpha_T)
        d_a = dot(counts, psi(a + b) - psi(a + b + xv))
        d_b = dot(counts, psi(a + b) + psi(b + xv) - psi(b) - psi(a + b + xv))
        # The drop-out term, repeat customers only (b + x - 1 > 0 there).
        gap = np.where(xv > 0, b + xv - 1, 1.0)
        rx = r + self.x
        alpha_tx = alpha + self.t_x_values
        apart = log_alpha_T[self.T_index] - np.log(alpha_tx)[self.t_x_index]
        d = (np.log(a) - np.log(gap))[self.x_index] + rx * apart
        softplus = np.logaddexp(0.0, d)
        total += softplus.sum()
        # e^d / (1 + e^d): the share of the drop-out term, for the gradient.
        share = np.exp(d - softplus)
        d_r += dot(share, apart)
        d_alpha += dot(share * rx, (1 / alpha_T)[self.T_index] - (1 / alpha_tx)[self.t_x_index])
        d_a += share.sum() / a
        per_x = np.bincount(self.x_index, weights=share, minlength=len(xv))
        d_b -= dot(per_x.astype(np.float64), 1 / gap)
        return float(total), np.array([r * d_r, alpha * d_alpha, a * d_a, b * d_b])

    def objective(self, point: Floats) -> tuple[float, Floats]:
        """Minus the mean log-likelihood at a search point (see `_SEARCH_BOUNDS`), with its
        gradient there."""
        r, alpha, a, b = _params_at(point)
        total, by_log = self.log_likelihood(r, alpha, a, b)
        drop_mean = _logistic(float(point[2]))
        gradient = np.array(
            [
                by_log[0] + by_log[1],
                -by_log[1],
                (1 - drop_mean) * by_log[2] - drop_mean * by_log[3],
                by_log[2] + by_log[3],
            ]
        )
        return -total / self.n, -gradient / self.n


# The search runs over log r, log(r / alpha) (the mean visit rate), logit(a / (a + b)) (the
# mean chance of drifting away after a visit) and log(a + b): means apart from spreads, so it
# is well conditioned, and when customers are alike in rate or in loyalty (the gamma or the
# beta narrows to a point as r or a + b grows without limit) only that spread runs to its upper
# bound while the means settle, and the fit stands. Any other bound reached means the data
# pushed the model to an extreme it cannot describe.
_SEARCH_BOUNDS = [
    (np.log(1e-4), np.log(1e4)),
    (-30.0, 30.0),
    (-12.0, 12.0),  # a chance of drifting away after a visit between 0.001% and 99.999%
    (np.log(1e-4), np.log(1e4)),
]
_SPREADS = np.array([True, False, False, True])


def _logistic(value: float) -> float:
    return float(1 / (1 + np.exp(-value)))


def _params_at(point: Floats) -> tuple[float, float, float, float]:
    log_r, log_rate, drop_logit, log_sum = (float(v) for v in point)
    total = float(np.exp(log_sum))
    return (
        float(np.exp(log_r)),
        float(np.exp(log_r - log_rate)),
        _logistic(drop_logit) * total,
        _logistic(-drop_logit) * total,
    )


def _starting_point(summary: Summary) -> Floats:
    # The mean visit rate puts λ on the right time scale whatever the unit; r = 1 and
    # a = 1, b = 3 are middling spreads.
    rate = summary.x.sum() / max(summary.T.sum(), 1e-9)
    return np.array([0.0, np.log(rate) if rate > 0 else 0.0, np.log(1 / 3), np.log(4.0)])


def log_likelihood(params: Params, summary: Summary) -> float:
    """The summed log-likelihood of the customers' histories under `params`."""
    total, _ = _Grouped(summary).log_likelihood(params.r, params.alpha, params.a, params.b)
    return total


def fit(summary: Summary) -> Fit:
    """Maximum-likelihood estimates of r, alpha, a and b (scipy's L-BFGS-B, analytic gradient).

    Never raises for thin or odd data: the Fit then has no params and a reason."""
    customers = len(summary)
    repeaters = int(np.count_nonzero(summary.x > 0))
    if repeaters < MIN_REPEAT_CUSTOMERS:
        return Fit(
            None,
            customers,
            repeaters,
            reason=f"not enough history for the model yet: {repeaters} customer"
            f"{'' if repeaters == 1 else 's'} came back on another day, "
            f"and it needs at least {MIN_REPEAT_CUSTOMERS}",
        )
    from scipy.optimize import minimize  # type: ignore[import-untyped, unused-ignore]

    result = minimize(
        _Grouped(summary).objective,
        _starting_point(summary),
        jac=True,
        method="L-BFGS-B",
        bounds=_SEARCH_BOUNDS,
        # Far finer than the data can tell apart; tighter only spends evaluations on a flat
        # ridge when customers are alike in loyalty.
        options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-8},
    )
    estimates = np.asarray(result.x, dtype=np.float64)
    lower, upper = np.array(_SEARCH_BOUNDS).T
    extreme = (estimates < lower + 1e-3) | ((estimates > upper - 1e-3) & ~_SPREADS)
    if not np.all(np.isfinite(estimates)) or not np.isfinite(result.fun) or extreme.any():
        return Fit(
            None,
            customers,
            repeaters,
            reason="the visits so far follow no pattern the model can describe "
            "(for example everyone came back, or nobody ever stopped)",
        )
    return Fit(Params(*_params_at(estimates)), customers, repeaters, -float(result.fun) * customers)


def _log_odds_gone(params: Params, x: Floats, t_x: Floats, T: Floats) -> Floats:
    """log(P(gone) / P(alive)); -inf for customers who never came back (the model lets
    people drift away only after a repeat visit)."""
    repeat = x > 0
    gap = np.where(repeat, params.b + x - 1, 1.0)
    odds = (
        np.log(params.a)
        - np.log(gap)
        + (params.r + x) * (np.log(params.alpha + T) - np.log(params.alpha + t_x))
    )
    return np.where(repeat, odds, -np.inf)


def p_alive(params: Params, summary: Summary) -> Floats:
    """The chance each customer is still active at the end of their T."""
    # 1 / (1 + odds), without overflow for the long gone.
    odds = _log_odds_gone(params, summary.x, summary.t_x, summary.T)
    return np.asarray(np.exp(-np.logaddexp(0.0, odds)))


def drift_days(
    params: Params,
    below: float,
    visit_days: NDArray[np.int64],
    first_day: NDArray[np.int64],
    last_day: NDArray[np.int64],
) -> NDArray[np.int64]:
    """For customers with at least two visit days (days as `date.toordinal()`): the last day
    on which the model still gives them a chance of at least `below` of being active.

    P(alive) < below exactly when (alpha + T) / (alpha + t_x) passes a limit that depends on x
    alone, so from a fixed day on: a list can then ask `drift_day < today`, with no maths."""
    x = visit_days.astype(np.float64) - 1
    log_limit = (np.log(1 / below - 1) + np.log(params.b + x - 1) - np.log(params.a)) / (
        params.r + x
    )
    t_x = (last_day - first_day) / WEEK
    weeks = np.exp(np.minimum(log_limit, 50.0)) * (params.alpha + t_x) - params.alpha
    days = np.floor(np.clip(weeks * WEEK, -_FAR_DAYS, _FAR_DAYS)).astype(np.int64)
    return np.asarray(first_day + days, dtype=np.int64)


def expected_visits(params: Params, summary: Summary, weeks: float | Floats) -> Floats:
    """Expected visits of each customer in the next `weeks` (eq. 10 of the paper)."""
    from scipy.special import hyp2f1  # type: ignore[import-untyped, unused-ignore]

    r, alpha, b = params.r, params.alpha, params.b
    a = params.a if abs(params.a - 1) > _A_NEAR_ONE else 1 + _A_NEAR_ONE
    x, T = summary.x, summary.T
    t = np.asarray(weeks, dtype=np.float64)
    z = t / (alpha + T + t)
    # (1 - z) ** (r + x) * 2F1(r + x, b + x; c; z) by Euler's transformation: equal to
    # (1 - z) ** (a - 1) * 2F1(c - r - x, a - 1; c; z), whose first two arguments do not grow
    # with x, so hyp2f1 stays accurate for a regular's many visits.
    c = a + b + x - 1
    head = np.exp((a - 1) * np.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, c, z)
    ahead = (c / (a - 1)) * (1 - head)
    return np.asarray(ahead * p_alive(params, summary))


def expected_next_visit(
    params: Params, summary: Summary, *, horizon_weeks: float = 104.0
) -> Floats:
    """Weeks from the end of each customer's T until one visit is expected (expected visits
    reach 1); inf when that would take longer than `horizon_weeks`."""
    low = np.zeros(len(summary))
    high = np.full(len(summary), horizon_weeks)
    reached = expected_visits(params, summary, high) >= 1.0
    # Bisection on every customer at once: 40 halvings pin the time to well under an hour.
    for _ in range(40):
        middle = (low + high) / 2
        over = expected_visits(params, summary, middle) >= 1.0
        high = np.where(over, middle, high)
        low = np.where(over, low, middle)
    return np.where(reached, high, np.inf)
