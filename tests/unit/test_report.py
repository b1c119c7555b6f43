"""The monthly report PDF, read back: its figures, charts' labels, customers' words in every
script, embedded fonts, A4 pages."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from desktop.printing.report import render_monthly_report
from desktop.shop.dashboard import (
    CustomerMonthFigure,
    FollowUpsFigure,
    PointsFigure,
    RepeatFigure,
    VoucherMonthFigure,
    WinBackMonthFigure,
)
from desktop.shop.monthly_report import MonthlyReport, SalesFigure
from desktop.shop.satisfaction import (
    CategorySatisfaction,
    FeedbackRow,
    Month,
    MonthSatisfaction,
    Satisfaction,
    months_ending,
)
from desktop.store.shopfile import ShopDatabase
from tests.conftest import require_program
from tests.unit.printing.samples import BRANDING, fonts_used, page_sizes_mm

MAY = Month(2026, 5)
MONTHS = months_ending(MAY, 12)
NOBODY = Satisfaction(0, 0, None, 0, 0, 0, 0)


def _comment(
    day: int, name: str, text: str, rating: int | None, recommend: int | None
) -> FeedbackRow:
    when = datetime(2026, 5, day, 12, tzinfo=UTC)
    return FeedbackRow(
        day, when, rating, recommend, text, "online_form", day, name, day, f"P-{day:06d}"
    )


def _report(**changes: Any) -> MonthlyReport:
    may = Satisfaction(12, 10, 4.2, 8, 5, 1, 2)
    report = MonthlyReport(
        month=MAY,
        generated_at=datetime(2026, 6, 1, 9, 12, tzinfo=UTC),
        currency="GBP",
        locale="en_GB",
        sales=SalesFigure(purchases=412, revenue=1_234_550, discount=4_500, anonymous=80),
        previous_sales=SalesFigure(purchases=380, revenue=1_000_000, discount=0, anonymous=70),
        customers=[
            CustomerMonthFigure(month, 20 + index, 100 + 10 * index)
            for index, month in enumerate(MONTHS)
        ],
        vouchers=[
            VoucherMonthFigure(month, 30, index, index * 250) for index, month in enumerate(MONTHS)
        ],
        win_backs=[WinBackMonthFigure(month, 40, index % 7) for index, month in enumerate(MONTHS)],
        satisfaction=may,
        satisfaction_trend=[
            MonthSatisfaction(month, NOBODY if index in (3, 5, 6) else may)
            for index, month in enumerate(MONTHS)
        ],
        categories=[
            CategorySatisfaction(1, "Thé & Tisanes", Satisfaction(7, 7, 4.6, 5, 4, 1, 0)),
            CategorySatisfaction(2, "Pottery", Satisfaction(5, 3, 3.0, 3, 1, 0, 2)),
        ],
        comments=[
            _comment(28, "Zoë Ó'Brien", "Lovely mug, beautifully wrapped 🎁", 5, 10),
            _comment(21, "Дмитрий", "Чай был превосходный", 4, None),
            _comment(14, "李雷", "<b>Smith & Co</b> should stock more sencha", None, 6),
        ],
        follow_ups_opened=3,
        follow_ups_resolved=2,
        follow_ups=FollowUpsFigure(4, 1, datetime(2026, 5, 2, tzinfo=UTC)),
        not_seen_lately=57,
        repeat=RepeatFigure(buyers=900, repeat_buyers=540),
        points=PointsFigure(12_345, 210, 6_172, "your most generous reward", "GBP"),
    )
    return replace(report, **changes)


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_the_report_prints_the_months_figures(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"

    pages = render_monthly_report(_report(), BRANDING, pdf)

    assert pages == len(PdfReader(pdf).pages) >= 2
    assert set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    text = _text(pdf)
    flat = " ".join(text.split())
    for expected in (
        "May 2026",
        "Monthly report for Maple & Mug",
        "£12,345.50",  # sales
        "412 purchases",
        "▲ 23% on April",
        "31 new 210 returning",  # May's customers
        "87%",  # returning share 210 / 241
        "30 / 11",  # vouchers issued / redeemed
        "£27.50 taken off",
        "4.2 ★",
        "+38",  # recommend score: (5 - 2) / 8
        "3 / 2",  # follow-ups opened / resolved
        "Thé & Tisanes",
        "+80",  # the category's recommend score
        "4 (1 not yet contacted)",
        "540 of 900 (60%)",
        "12,345 held by 210 members, worth up to £61.72",
        "Made with Aftercare on 1 June 2026",
        "Campaign win-backs",
        "Won back",
    ):
        assert expected in flat, expected
    # Every month of the charts, and the customers' words in their own scripts.
    for label in ("Jun", "Dec", "Jan", "May"):
        assert label in text
    assert "Lovely mug, beautifully wrapped" in flat
    assert "Чай был превосходный" in flat
    assert "李雷" in flat
    assert "<b>Smith & Co</b> should stock more sencha" in flat
    assert "★★★★★ 10/10 Zoë Ó'Brien · P-000028 · 28 May" in flat


def test_every_font_is_embedded_and_none_is_helvetica(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    render_monthly_report(_report(), BRANDING, pdf)

    used = fonts_used(pdf)
    assert used and all(used.values()), used
    faces = {name.split("+")[-1] for name in used}
    assert "DejaVuSans" in faces and "DejaVuSans-Bold" in faces
    assert not any("Helvetica" in face for face in faces)


def test_a_quiet_month_still_makes_a_report(tmp_path: Path) -> None:
    empty = _report(
        sales=SalesFigure(0, 0, 0, 0),
        previous_sales=SalesFigure(0, 0, 0, 0),
        customers=[CustomerMonthFigure(month, 0, 0) for month in MONTHS],
        vouchers=[VoucherMonthFigure(month, 0, 0, 0) for month in MONTHS],
        win_backs=[WinBackMonthFigure(month, 0, 0) for month in MONTHS],
        satisfaction=NOBODY,
        satisfaction_trend=[MonthSatisfaction(month, NOBODY) for month in MONTHS],
        categories=[],
        comments=[],
        points=PointsFigure(0, 0, None, "no reward has a fixed value", "GBP"),
    )
    pdf = tmp_path / "quiet.pdf"

    render_monthly_report(empty, BRANDING, pdf)

    flat = " ".join(_text(pdf).split())
    assert "No comments came in this month." in flat
    assert "No answers yet" in flat and "None yet" in flat
    assert "0 held by 0 members" in flat


def test_the_pages_are_not_blank(tmp_path: Path) -> None:
    pdftoppm = require_program("pdftoppm")
    pdf = tmp_path / "report.pdf"
    render_monthly_report(_report(), BRANDING, pdf)

    image = subprocess.run(
        [pdftoppm, "-r", "20", "-gray", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    pixels = image.split(maxsplit=4)[4]
    inked = sum(1 for value in pixels if value < 200)
    assert inked > len(pixels) // 50  # tiles and charts, not just a title


def test_a_report_from_a_real_shop(shop: ShopDatabase, tmp_path: Path) -> None:
    from desktop.shop.inserts import shop_branding
    from desktop.shop.monthly_report import monthly_report

    with shop.read() as session:
        report = monthly_report(session, MAY, datetime(2026, 6, 1).date())
        branding = shop_branding(session)
    pdf = tmp_path / "shop.pdf"

    assert render_monthly_report(report, branding, pdf) >= 1
    assert "May 2026" in _text(pdf)
