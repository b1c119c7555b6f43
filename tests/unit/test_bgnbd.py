"""The BG/NBD model: the published CDNOW estimates from raw purchases in a real shop file, and
what the fitted model then says about customers."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import quad  # type: ignore[import-untyped, unused-ignore]
from scipy.stats import beta  # type: ignore[import-untyped, unused-ignore]

from desktop.shop import bgnbd, visit_model
from desktop.shop.bgnbd import Params, Summary
from desktop.shop.lapsed import refresh_all_rhythms
from desktop.store.bulk import BulkLoader, bulk_load
from desktop.store.models import Customer, Purchase
from desktop.store.shopfile import ShopDatabase

# The 1/10 CDNOW sample of the paper, as shipped in the MIT-licensed `lifetimes` package:
# master id, sample id, date, CDs bought, dollars; one row per purchase record.
CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow_sample.txt"
CALIBRATION_END = date(1997, 9, 30)
# Fader, Hardie and Lee (2005), table 1 / the data's README.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_PARAMS = Params(**PUBLISHED)
NAMES = ("Zoë", "Łukasz Ó'Brien", "Ελένη", "Дмитрий", "李雷", "Ana 🌸")


def _cdnow_purchases() -> dict[int, list[tuple[date, int]]]:
    """sample id -> (day, pence) of each record in the calibration period."""
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for line in CDNOW.read_text().splitlines():
        _master, sample, day, _cds, dollars = line.split()
        when = date(int(day[:4]), int(day[4:6]), int(day[6:]))
        if when <= CALIBRATION_END:
            found[int(sample)].append((when, round(float(dollars) * 100)))
    return found


CUSTOMER_COLUMNS = (
    *("id", "name", "sort_name", "search_text", "address_line1", "address_line2", "town"),
    *("postcode", "postcode_key", "country", "notes", "created_at", "email_marketing"),
    *("post_marketing", "visit_count", "total_spent"),
)
PURCHASE_COLUMNS = (
    *("reference", "customer_id", "channel", "purchased_at", "currency", "total", "note"),
    "created_at",
)


def _load_cdnow(shop: ShopDatabase) -> None:
    """CDNOW's customers and calibration purchases into the shop file, each sale at noon."""
    purchases = _cdnow_purchases()
    with shop.write() as session, bulk_load(session.connection()) as load:
        created = _noon(load, date(1997, 1, 1))
        customers = [
            (sample, f"{NAMES[sample % len(NAMES)]} {sample}", f"cdnow {sample}", "")
            for sample in purchases
        ]
        load.insert(
            Customer,
            CUSTOMER_COLUMNS,
            [
                (*row, "", "", "", "", "", "US", "", created, False, False, 0, 0)
                for row in customers
            ],
        )
        sales = [
            (f"CD-{sample}-{number}", sample, "online", _noon(load, day), "USD", pence)
            for sample, records in purchases.items()
            for number, (day, pence) in enumerate(records)
        ]
        load.insert(Purchase, PURCHASE_COLUMNS, [(*sale, "", created) for sale in sales])
    with shop.write() as session:
        refresh_all_rhythms(session)


def _noon(load: BulkLoader, day: date) -> str:
    return load.stored_time(int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()))


def test_cdnow_estimates_are_reproduced_from_purchases_in_the_shop_file(
    shop: ShopDatabase,
) -> None:
    _load_cdnow(shop)

    result = visit_model.refit(shop, today=CALIBRATION_END)

    assert result.params is not None, result.reason
    assert result.customers == 2357
    assert result.repeat_customers == 946
    for name, published in PUBLISHED.items():
        estimate = getattr(result.params, name)
        assert estimate == pytest.approx(published, rel=0.01), name
    assert result.log_likelihood == pytest.approx(-9582.4, abs=0.5)
    with shop.read() as session:
        assert visit_model.current_fit(session) == result
        assert not visit_model.fit_needed(session, today=CALIBRATION_END)
        assert visit_model.fit_needed(session, today=date(1997, 10, 1))


def test_cdnow_customer_1_summary_is_counted_in_days_with_a_purchase(
    shop: ShopDatabase,
) -> None:
    _load_cdnow(shop)

    with shop.read() as session:
        ids, summary = visit_model.visit_summary(session, CALIBRATION_END)

    first = list(ids).index(1)
    assert summary.x[first] == 2
    assert summary.t_x[first] == pytest.approx(30.43, abs=0.005)
    assert summary.T[first] == pytest.approx(38.86, abs=0.005)


def _one(x: float, t_x: float, T: float) -> Summary:
    return Summary.of([x], [t_x], [T])


def test_a_regular_who_stopped_long_ago_is_less_likely_active_than_one_still_coming() -> None:
    still_coming = _one(20, 38, 39)
    stopped = _one(20, 10, 39)
    once = _one(0, 0, 39)

    (coming,) = bgnbd.p_alive(CDNOW_PARAMS, still_coming)
    (gone,) = bgnbd.p_alive(CDNOW_PARAMS, stopped)

    assert coming > 0.9
    assert gone < 0.01
    # The model lets people drift away only after coming back, so it cannot judge them.
    assert bgnbd.p_alive(CDNOW_PARAMS, once)[0] == 1.0


def _by_integration(params: Params, x: float, t_x: float, T: float, weeks: float) -> float:
    """E[visits in the next `weeks`] as P(alive) times the integral over the drop-out chance p
    (beta a, b + x), with the rate λ (gamma r + x, alpha + T) integrated in closed form."""
    (alive,) = bgnbd.p_alive(params, _one(x, t_x, T))
    shape, scale = params.r + x, params.alpha + T

    def given_p(p: float) -> float:
        stays = (scale / (scale + p * weeks)) ** shape
        return float((1 - stays) / p * beta.pdf(p, params.a, params.b + x))

    value, _ = quad(given_p, 0, 1, limit=200)
    return float(alive * value)


@pytest.mark.parametrize(
    ("x", "t_x", "T"),
    [(0, 0, 38.86), (2, 30.43, 38.86), (7, 35, 39), (1, 2, 39), (150, 150, 156)],
)
def test_expected_visits_agree_with_direct_integration(x: float, t_x: float, T: float) -> None:
    (closed,) = bgnbd.expected_visits(CDNOW_PARAMS, _one(x, t_x, T), 39.0)

    assert closed == pytest.approx(_by_integration(CDNOW_PARAMS, x, t_x, T, 39.0), rel=1e-6)


def test_expected_next_visit_is_when_one_visit_is_expected() -> None:
    regular, gone = _one(20, 38, 39), _one(20, 10, 39)

    (weeks,) = bgnbd.expected_next_visit(CDNOW_PARAMS, regular)
    (never,) = bgnbd.expected_next_visit(CDNOW_PARAMS, gone)

    assert 1 < weeks < 5
    assert bgnbd.expected_visits(CDNOW_PARAMS, regular, weeks)[0] == pytest.approx(1, abs=1e-6)
    assert math.isinf(never)


def test_drift_day_is_the_last_day_the_chance_stays_at_or_above_the_setting() -> None:
    first, last = np.array([729_000, 729_000]), np.array([729_200, 729_020])
    visit_days = np.array([20, 5])

    drift = bgnbd.drift_days(CDNOW_PARAMS, 0.3, visit_days, first, last)

    for day, count, start, end in zip(drift, visit_days, first, last, strict=True):
        chances = [
            bgnbd.p_alive(CDNOW_PARAMS, _one(count - 1, (end - start) / 7, (d - start) / 7))[0]
            for d in (day, day + 1)
        ]
        assert chances[0] >= 0.3 > chances[1]


def _simulated(count: int, *, drop: float, seed: int = 7) -> Summary:
    """Customers whose rate varies (gamma 2, 10 weeks) but who all drift away alike."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 1 / 10.0, count)
    T = np.floor(rng.uniform(4, 156, count) * 7) / 7
    clock, x, t_x = np.zeros(count), np.zeros(count), np.zeros(count)
    active = np.ones(count, dtype=bool)
    while active.any():
        clock = clock + rng.exponential(1 / rate)
        active &= clock < T
        x += active
        t_x = np.where(active, np.floor(clock * 7) / 7, t_x)
        active &= rng.random(count) >= drop
    return Summary.of(x, t_x, T)


def test_customers_alike_in_loyalty_still_give_a_usable_fit() -> None:
    fit = bgnbd.fit(_simulated(5000, drop=0.05))

    assert fit.params is not None, fit.reason
    assert fit.params.r == pytest.approx(2.0, rel=0.2)
    assert fit.params.r / fit.params.alpha == pytest.approx(0.2, rel=0.2)
    assert fit.params.a / (fit.params.a + fit.params.b) == pytest.approx(0.05, rel=0.3)


def test_thin_history_gives_no_params_and_says_why() -> None:
    fit = bgnbd.fit(_one(1, 3, 10))

    assert fit.params is None
    assert fit.reason == (
        "not enough history for the model yet: 1 customer came back on another day, "
        "and it needs at least 30"
    )


@pytest.mark.parametrize(
    "summary",
    [
        Summary.of([5] * 50 + [0] * 10, [10] * 50 + [0] * 10, [10] * 60),
        Summary.of([3] * 40, [20] * 40, [20] * 40),
    ],
    ids=["nobody stopped", "all alike to the day"],
)
def test_degenerate_histories_give_no_params_and_no_nan(summary: Summary) -> None:
    fit = bgnbd.fit(summary)

    assert fit.params is None
    assert "no pattern the model can describe" in fit.reason
