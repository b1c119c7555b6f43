"""Customers not seen lately: the three rules at their edges, the reasons as the shopkeeper
reads them, the list by worth, the maintained visit days, the model's fit and the command."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop.shop import bgnbd, visit_model
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.history import usual_gap_days
from desktop.shop.lapsed import (
    LapsedRules,
    count_not_seen_lately,
    get_rules,
    not_seen_lately,
    reason_text,
    refresh_all_rhythms,
    refresh_rhythm,
    save_rules,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.store import migrate
from desktop.store.engine import make_engine
from desktop.store.models import Purchase
from desktop.store.models_reminders import CustomerRhythm
from desktop.store.shopfile import ShopDatabase, open_shop

TODAY = date(2024, 6, 1)
ROOT = Path(__file__).resolve().parents[2]


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _customer(session: Session, name: str, *days_ago: int, today: date = TODAY) -> int:
    """A customer with a £4.50 sale on each of the days given (days before `today`)."""
    customer = create_customer(session, CustomerDetails(name=name))
    for ago in days_ago:
        record_purchase(
            session,
            PurchaseInput(
                lines=[LineInput("Earl Grey, 100 g", 1, 450)],
                customer_id=customer.id,
                purchased_at=_noon(today - timedelta(days=ago)),
            ),
        )
    refresh_rhythm(session, customer.id)
    return customer.id


def _weekly(last: int, visits: int) -> list[int]:
    return [last + 7 * week for week in range(visits)]


def _small_shop(shop: ShopDatabase, today: date = TODAY) -> None:
    with shop.write() as session:
        _customer(session, "Zoë", *_weekly(0, 10), today=today)
        _customer(session, "Łukasz Ó'Brien", *_weekly(77, 9), today=today)
        _customer(session, "Ελένη", 243, today=today)
        _customer(session, "Дмитрий", 40, 70, 100, 130, today=today)
        _customer(session, "李雷", 20, today=today)


def _names(shop: ShopDatabase, rule: str, today: date = TODAY) -> list[str]:
    with shop.read() as session:
        return [row.name for row in not_seen_lately(session, rule, today=today).rows]  # type: ignore[arg-type]


def test_a_small_shop_gets_rhythm_and_threshold_flags_and_says_why_not_the_model(
    shop: ShopDatabase,
) -> None:
    _small_shop(shop)

    fit = visit_model.refit(shop, today=TODAY)

    assert fit.params is None
    assert fit.reason == (
        "not enough history for the model yet: 3 customers came back on another day, "
        "and it needs at least 30"
    )
    with shop.read() as session:
        by_rhythm = not_seen_lately(session, "rhythm", today=TODAY)
        by_model = not_seen_lately(session, "model", today=TODAY)
    assert [(row.name, row.reason) for row in by_rhythm.rows] == [
        ("Łukasz Ó'Brien", "usually every week; last seen 11 weeks ago"),
        ("Ελένη", "bought once, 8 months ago"),
    ]
    assert by_rhythm.note == ""
    assert by_model.used == "rhythm"
    assert by_model.rows == by_rhythm.rows
    assert by_model.note == (
        "Judged by each customer's own rhythm instead: not enough history for the model yet: "
        "3 customers came back on another day, and it needs at least 30."
    )
    assert _names(shop, "threshold") == ["Ελένη"]
    lukasz = by_rhythm.rows[0]
    assert (lukasz.last_seen, lukasz.expected_next) == (date(2024, 3, 16), date(2024, 3, 23))
    assert (lukasz.visits, lukasz.total_spent, lukasz.days_away) == (9, 9 * 450, 77)
    assert (lukasz.by_threshold, lukasz.by_rhythm, lukasz.by_model, lukasz.p_alive) == (
        False,
        True,
        None,
        None,
    )
    assert by_rhythm.rows[1].expected_next is None


def test_before_any_fit_the_model_list_says_so(shop: ShopDatabase) -> None:
    _small_shop(shop)

    with shop.read() as session:
        assert visit_model.fit_needed(session, today=TODAY)
        listed = not_seen_lately(session, "model", today=TODAY)

    assert listed.used == "rhythm"
    assert "the model has not been fitted to your shop yet" in listed.note


@pytest.mark.parametrize(
    ("rule", "days_ago", "flagged"),
    [
        ("threshold", [90, 290], False),
        ("threshold", [91, 291], True),
        ("rhythm", _weekly(14, 6), False),  # twice the usual week, and two weeks: not yet
        ("rhythm", _weekly(15, 6), True),
        ("rhythm", [60, 90, 120], False),  # twice a usual month
        ("rhythm", [61, 91, 121], True),
        ("rhythm", [90], False),  # bought once: judged by the shop's limit
        ("rhythm", [91], True),
        ("rhythm", [1, 2, 3, 4], False),  # a daily customer is not late after two days away
        ("rhythm", [15, 16, 17, 18], True),
    ],
)
def test_rules_flag_from_the_day_after_their_limit(
    shop: ShopDatabase, rule: str, days_ago: list[int], flagged: bool
) -> None:
    with shop.write() as session:
        _customer(session, "Zoë", *days_ago)

    assert _names(shop, rule) == (["Zoë"] if flagged else [])


def test_the_shop_sets_its_own_limits(shop: ShopDatabase) -> None:
    with shop.write() as session:
        _customer(session, "Ελένη", 31)
        _customer(session, "Дмитрий", *_weekly(21, 5))
        assert get_rules(session) == LapsedRules()
    assert _names(shop, "threshold") == []
    assert _names(shop, "rhythm") == ["Дмитрий"]

    with shop.write() as session:
        save_rules(session, LapsedRules(threshold_days=30, rhythm_factor=3.0))

    assert _names(shop, "threshold") == ["Ελένη"]
    # Three weeks away is not yet three times a weekly customer's gap.
    assert _names(shop, "rhythm") == ["Ελένη"]
    with shop.read() as session:
        assert get_rules(session) == LapsedRules(threshold_days=30, rhythm_factor=3.0)


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (LapsedRules(threshold_days=3), "threshold_days"),
        (LapsedRules(rhythm_factor=0.5), "rhythm_factor"),
        (LapsedRules(rhythm_min_days=-1), "rhythm_min_days"),
        (LapsedRules(alive_below=1.0), "alive_below"),
    ],
)
def test_nonsense_limits_are_refused_naming_the_field(
    shop: ShopDatabase, rules: LapsedRules, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        save_rules(session, rules)

    assert refused.value.field == field
    with shop.read() as session:
        assert get_rules(session) == LapsedRules()


def test_an_unknown_rule_or_an_empty_page_is_refused(shop: ShopDatabase) -> None:
    with shop.read() as session:
        with pytest.raises(InvalidInput) as unknown:
            not_seen_lately(session, "gut feeling")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput) as empty:
            not_seen_lately(session, "rhythm", limit=0)

    assert (unknown.value.field, str(unknown.value)) == (
        "rule",
        "Unknown rule “gut feeling”: use threshold, rhythm or model.",
    )
    assert empty.value.field == "limit"


@pytest.mark.parametrize(
    ("rule", "away", "gap", "chance", "words"),
    [
        ("rhythm", 77, 21.0, None, "usually every 3 weeks; last seen 11 weeks ago"),
        ("rhythm", 243, None, None, "bought once, 8 months ago"),
        ("threshold", 243, None, None, "bought once, 8 months ago"),
        ("threshold", 120, 14.0, None, "last seen 4 months ago"),
        ("model", 100, 7.0, 0.12, "probably drifted away: 12% chance still active"),
        ("model", 400, 7.0, 0.001, "probably drifted away: less than 1% chance still active"),
        ("rhythm", 3, 1.0, None, "usually every day; last seen 3 days ago"),
        ("rhythm", 1, 3.0, None, "usually every 3 days; last seen yesterday"),
        ("rhythm", 0, 8.0, None, "usually every week; last seen today"),
        ("rhythm", 95, 30.0, None, "usually every month; last seen 3 months ago"),
        ("rhythm", 95, 28.0, None, "usually every 4 weeks; last seen 3 months ago"),
        ("rhythm", 95, 42.0, None, "usually every 6 weeks; last seen 3 months ago"),
        ("rhythm", 800, 180.0, None, "usually every 6 months; last seen 2 years ago"),
        ("rhythm", 1200, 365.0, None, "usually every year; last seen 3 years ago"),
        ("rhythm", 13, None, None, "bought once, 13 days ago"),
    ],
)
def test_reasons_read_as_plain_words(
    rule: str, away: int, gap: float | None, chance: float | None, words: str
) -> None:
    assert reason_text(rule, away, gap, chance) == words  # type: ignore[arg-type]


def test_the_list_is_most_valuable_first_a_page_at_a_time(shop: ShopDatabase) -> None:
    with shop.write() as session:
        for name, visits in [("Zoë", 2), ("Ελένη", 5), ("Дмитрий", 3), ("李雷", 4), ("Ana 🌸", 1)]:
            _customer(session, name, *[200 + 3 * visit for visit in range(visits)])
        _customer(session, "Łukasz Ó'Brien", 200, 203, 206)  # spends as Дмитрий, seen as often

    pages, after = [], None
    with shop.read() as session:
        while True:
            page = not_seen_lately(session, "threshold", limit=2, after=after, today=TODAY)
            pages.append([row.name for row in page.rows])
            if page.next_key is None:
                break
            after = page.next_key

    assert pages == [
        ["Ελένη", "李雷"],
        ["Łukasz Ó'Brien", "Дмитрий"],  # equal worth: the newer customer first
        ["Zoë", "Ana 🌸"],
    ]


def _rhythm_rows(session: Session) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(
            CustomerRhythm.customer_id,
            CustomerRhythm.visit_days,
            CustomerRhythm.first_day,
            CustomerRhythm.last_day,
            CustomerRhythm.usual_gap_days,
        ).order_by(CustomerRhythm.customer_id)
    )
    return [tuple(row) for row in rows]


def test_visit_days_count_days_and_follow_voids(shop: ShopDatabase) -> None:
    with shop.write() as session:
        zoe = _customer(session, "Zoë", 1, 1, 1, 8, 22)  # three sales on one day: one visit
        purchases = list(
            session.scalars(select(Purchase).where(Purchase.customer_id == zoe).order_by("id"))
        )
        times = [purchase.purchased_at for purchase in purchases]
        row = session.get(CustomerRhythm, zoe)
        assert row is not None
        assert (row.visit_days, row.usual_gap_days) == (3, 10.5)
        assert row.usual_gap_days == usual_gap_days(times)
        assert row.last_day - row.first_day == 21

        void_purchase(session, purchases[-1].id, "Rang up twice")
        refresh_rhythm(session, zoe)
        assert (row.visit_days, row.usual_gap_days, row.last_day - row.first_day) == (2, 7.0, 7)

        for purchase in purchases[:-1]:
            void_purchase(session, purchase.id, "Returned")
        refresh_rhythm(session, zoe)
        assert session.get(CustomerRhythm, zoe) is None


def test_recounting_everyone_at_once_agrees_with_one_at_a_time(shop: ShopDatabase) -> None:
    _small_shop(shop)
    with shop.read() as session:
        one_at_a_time = _rhythm_rows(session)

    with shop.write() as session:
        counted = refresh_all_rhythms(session)

    with shop.read() as session:
        assert _rhythm_rows(session) == one_at_a_time
    assert counted == 5


def _returning_shop(shop: ShopDatabase, seed: int = 3) -> dict[str, list[int]]:
    """Sixty regulars, some still coming and some gone quiet months ago, and twenty one-time
    buyers: days ago of each visit, by name. Sales go in as rows (quick), visit days are then
    recounted as after an import."""
    rng = np.random.default_rng(seed)
    visits: dict[str, list[int]] = {}
    for number in range(60):
        gap = int(rng.integers(5, 30))
        stopped = int(rng.integers(120, 300)) if number % 3 == 0 else int(rng.integers(0, gap))
        count = int(rng.integers(3, 12))
        visits[f"Regular {number} Zoë"] = [stopped + gap * visit for visit in range(count)]
    for number in range(20):
        visits[f"Once {number} 李雷"] = [int(rng.integers(1, 400))]
    with shop.write() as session:
        for name, days in visits.items():
            customer = create_customer(session, CustomerDetails(name=name))
            session.execute(
                insert(Purchase),
                [
                    {
                        "reference": f"R-{customer.id}-{ago}",
                        "customer_id": customer.id,
                        "channel": "in_shop",
                        "purchased_at": _noon(TODAY - timedelta(days=ago)),
                        "currency": "GBP",
                        "total": 450,
                    }
                    for ago in days
                ],
            )
        refresh_all_rhythms(session)
    return visits


def _chances(shop: ShopDatabase, today: date) -> list[float]:
    with shop.read() as session:
        fit = visit_model.current_fit(session)
        _, summary = visit_model.visit_summary(session, today)
    assert fit is not None and fit.params is not None
    chances = bgnbd.p_alive(fit.params, summary)
    return [float(chance) for chance, x in zip(chances, summary.x, strict=True) if x > 0]


def test_the_model_flags_regulars_gone_quiet_and_keeps_its_days_current(
    shop: ShopDatabase,
) -> None:
    visits = _returning_shop(shop)

    fit = visit_model.refit(shop, today=TODAY)

    assert fit.params is not None, fit.reason
    with shop.read() as session:
        listed = not_seen_lately(session, "model", limit=500, today=TODAY)
    flagged = {row.name for row in listed.rows}
    assert listed.used == "model" and listed.note == ""
    gone_quiet = {name for name, days in visits.items() if len(days) > 1 and min(days) >= 120}
    still_coming = {name for name, days in visits.items() if len(days) > 1 and min(days) < 30}
    assert len(flagged & gone_quiet) >= 0.8 * len(gone_quiet)
    assert not flagged & still_coming
    assert all(row.p_alive is not None and row.p_alive < 0.3 for row in listed.rows)
    assert all(row.by_model for row in listed.rows)
    assert listed.rows[0].reason.startswith("probably drifted away: ")
    for today in (TODAY, TODAY + timedelta(days=45), TODAY + timedelta(days=400)):
        with shop.read() as session:
            counted = count_not_seen_lately(session, "model", today=today)
        assert counted == sum(chance < 0.3 for chance in _chances(shop, today))

    with shop.write() as session:
        save_rules(session, LapsedRules(alive_below=0.6))
    with shop.read() as session:
        assert count_not_seen_lately(session, "model", today=TODAY) == sum(
            chance < 0.6 for chance in _chances(shop, TODAY)
        )

    back = listed.rows[0]
    with shop.write() as session:
        record_purchase(
            session,
            PurchaseInput(lines=[LineInput("Sencha", 2, 650)], customer_id=back.customer_id),
        )
        refresh_rhythm(session, back.customer_id)
    with shop.read() as session:
        assert back.name not in {
            row.name for row in not_seen_lately(session, "model", limit=500).rows
        }
        assert visit_model.fit_needed(session)


def _aftercare(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        **{f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in ("DATA", "CONFIG", "STATE")},
    }
    return subprocess.run(
        [sys.executable, "main.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture
def shop_file(tmp_path: Path) -> Path:
    path = tmp_path / "Zoë's shop.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    _small_shop(shop, today=date.today())
    with shop.write() as session:
        _customer(session, "=1+2 李雷 🌸", 400, 500, today=date.today())
    shop.close()
    return path


def test_the_command_prints_the_list_as_a_table(shop_file: Path, tmp_path: Path) -> None:
    result = _aftercare("lapsed", "--db", shop_file, home=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Not seen lately, by each customer's own rhythm: 3 customers."
    columns = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    assert columns[0] == [
        *("Customer", "Spent", "Visits", "Last seen", "Next visit"),
        *("Shop limit", "Own rhythm", "Still active", "Why"),
    ]
    last_seen = date.today() - timedelta(days=77)
    assert columns[1] == [
        *("Łukasz Ó'Brien", "£40.50", "9", f"{last_seen.day} {last_seen:%b %Y}"),
        f"{(last_seen + timedelta(days=7)).day} {last_seen + timedelta(days=7):%b %Y}",
        *("late", "–", "usually every week; last seen 11 weeks ago"),
    ]
    assert columns[2][0] == "=1+2 李雷 🌸"
    assert columns[3][0] == "Ελένη"
    assert columns[3][-4:] == ["passed", "late", "–", "bought once, 8 months ago"]
    # The columns line up on a terminal, where 李 and 🌸 take two cells each.
    assert len({_cells(line[: line.index(" late ")]) for line in lines[3:]}) == 1


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_the_command_explains_why_the_model_is_not_used(shop_file: Path, tmp_path: Path) -> None:
    result = _aftercare("lapsed", "--db", shop_file, "--rule", "model", home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "Judged by each customer's own rhythm instead: not enough history for the model yet: "
        "4 customers came back on another day, and it needs at least 30."
    )


def test_the_command_writes_csv_a_spreadsheet_reads_safely(shop_file: Path, tmp_path: Path) -> None:
    result = _aftercare("lapsed", "--db", shop_file, "--format", "csv", home=tmp_path)
    out = tmp_path / "lapsed.csv"
    written = _aftercare(
        "lapsed",
        "--db",
        shop_file,
        "--format",
        "csv",
        "--rule",
        "threshold",
        "--out",
        out,
        home=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["name"] for row in rows] == ["Łukasz Ó'Brien", "'=1+2 李雷 🌸", "Ελένη"]
    lukasz = rows[0]
    assert (lukasz["total_spent"], lukasz["currency"], lukasz["visits"]) == ("40.50", "GBP", "9")
    assert (lukasz["by_shop_limit"], lukasz["by_own_rhythm"], lukasz["by_model"]) == (
        "no",
        "yes",
        "",
    )
    assert lukasz["last_seen"] == (date.today() - timedelta(days=77)).isoformat()
    assert lukasz["reason"] == "usually every week; last seen 11 weeks ago"
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"Wrote 2 customers to {out}"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert [row["name"] for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))] == [
        "'=1+2 李雷 🌸",
        "Ελένη",
    ]


def test_the_command_refuses_a_missing_shop_in_one_line(tmp_path: Path) -> None:
    result = _aftercare("lapsed", "--db", tmp_path / "nowhere.aftercare", home=tmp_path)

    assert result.returncode != 0
    said = (result.stdout + result.stderr).strip()
    assert said == f"aftercare: There is no shop file at {tmp_path / 'nowhere.aftercare'}."
    assert not (tmp_path / "nowhere.aftercare").exists()


def test_upgrading_an_older_shop_counts_its_customers_visit_days(tmp_path: Path) -> None:
    path = tmp_path / "from-0002.aftercare"
    engine = make_engine(path)
    migrate.upgrade(engine, "0002")
    sales = {"Zoë": [3, 10, 10, 24], "Ελένη": [243], "李雷": []}
    with engine.begin() as connection:
        for number, (name, days) in enumerate(sales.items(), start=1):
            connection.exec_driver_sql(
                "INSERT INTO customer (id, name, sort_name, search_text, address_line1,"
                " address_line2, town, postcode, postcode_key, country, notes, created_at,"
                " email_marketing, post_marketing, visit_count, total_spent)"
                " VALUES (?, ?, ?, '', '', '', '', '', '', 'GB', '', '2023-06-01 10:00:00',"
                " 0, 0, 0, 0)",
                (number, name, name),
            )
            for sale, ago in enumerate(days):
                stored = f"{_noon(TODAY - timedelta(days=ago)):%Y-%m-%d %H:%M:%S}.000000"
                connection.exec_driver_sql(
                    "INSERT INTO purchase (reference, customer_id, channel, purchased_at,"
                    " currency, total, note, created_at)"
                    " VALUES (?, ?, 'in_shop', ?, 'GBP', 450, '', ?)",
                    (f"P-{number}-{sale}", number, stored, stored),
                )
    engine.dispose()

    shop = open_shop(path, backups=tmp_path / "backups")
    try:
        with shop.read() as session:
            migrated = _rhythm_rows(session)
        with shop.write() as session:
            refresh_all_rhythms(session)
        with shop.read() as session:
            assert _rhythm_rows(session) == migrated
        assert [row[:2] for row in migrated] == [(1, 3), (2, 1)]
        assert _names(shop, "rhythm") == ["Ελένη"]
    finally:
        shop.close()
