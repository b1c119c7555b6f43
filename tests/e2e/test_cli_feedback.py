"""The `feedback import` and `report` commands, run as a shopkeeper's script would:
`python main.py …` in its own process, on a real shop file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.satisfaction import Month
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.locations import backup_dir
from desktop.store.models_feedback import Feedback
from desktop.store.shopfile import open_shop
from tests.e2e.cli_runner import aftercare

LAST_MONTH = Month.of(date.today()).shifted(-1)


@pytest.fixture
def shop_file(tmp_path: Path) -> Path:
    """A set-up shop with Zoë's purchase WEB-1001 last month and Дмитрий's address; closed, as
    the app would have left it. Its own name, so the import's backups land in a folder of their
    own (backups are kept per shop file name)."""
    path = tmp_path / "feedback-e2e.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    when = datetime.combine(LAST_MONTH.first_day + timedelta(days=9), time(12)).astimezone()
    try:
        with shop.write() as session:
            save_profile(session, ShopProfile(name="Hollybank Tea & Pottery"))
            zoe = create_customer(session, CustomerDetails("Zoë Ó'Brien")).id
            create_customer(session, CustomerDetails("Дмитрий", email="dmitry@example.com"))
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Blue mug", 2, 1800)],
                    zoe,
                    reference="WEB-1001",
                    purchased_at=when.astimezone(UTC),
                ),
            )
    finally:
        shop.close()
    return path


FORM = (
    "\ufeffTimestamp,Order reference,Email address,Stars,How likely are you to recommend us?,"
    "Comments\r\n"
    '2026/05/01 10:00:00 AM GMT+1,web-1001,,5,10,"Lovely mug, thank you 🎁"\r\n'
    "2026/05/02 11:00:00 AM GMT+1,,DMITRY@example.com,2,,'=Arrived chipped\r\n"
    "2026/05/03 12:00:00 PM GMT+1,WEB-9999,nobody@example.com,4,,\r\n"
    "2026/05/04 09:00:00 AM GMT+1,WEB-1001,,abc,,\r\n"
)


def _comments(path: Path) -> list[str]:
    shop = open_shop(path, backups=path.parent / "backups")
    try:
        with shop.read() as session:
            return sorted(session.scalars(select(Feedback.comment)))
    finally:
        shop.close()


def test_a_dry_run_shows_the_preview_and_changes_nothing(shop_file: Path, tmp_path: Path) -> None:
    form = tmp_path / "responses.csv"
    form.write_text(FORM, encoding="utf-8")

    run = aftercare("feedback", "import", form, "--db", shop_file, "--dry-run")

    assert run.code == 1, run.err  # some rows cannot be imported
    assert "2 responses matched:" in run.out
    assert "line 2: Zoë Ó'Brien (purchase WEB-1001), ★★★★★ 10/10" in run.out
    assert "line 3: Дмитрий (matched by email), ★★☆☆☆" in run.out
    assert "line 4: no purchase has the reference WEB-9999" in run.out
    assert "line 5, rating: “abc” is not a number from 1 to 5" in run.out
    assert "Dry run: nothing was imported." in run.out
    assert _comments(shop_file) == []


def test_importing_adds_the_matched_responses_once(shop_file: Path, tmp_path: Path) -> None:
    form = tmp_path / "responses.csv"
    form.write_text(FORM, encoding="utf-8")

    first = aftercare("feedback", "import", form, "--db", shop_file)
    again = aftercare("feedback", "import", form, "--db", shop_file)

    assert "Imported 2 responses." in first.out, first.err
    assert "No response matched." in again.out
    assert "2 responses imported before, skipped." in again.out
    assert "Nothing to import." in again.out
    assert _comments(shop_file) == ["=Arrived chipped", "Lovely mug, thank you 🎁"]
    # Backed up before the import that changed something, and only then.
    assert len(list(backup_dir(shop_file).glob("*-before-import.*"))) == 1


def test_a_clean_file_imports_with_success(shop_file: Path, tmp_path: Path) -> None:
    form = tmp_path / "clean.csv"
    form.write_text("\n".join(FORM.splitlines()[:2]) + "\n", encoding="utf-8")

    run = aftercare("feedback", "import", form, "--db", shop_file)

    assert (run.code, run.err) == (0, "")
    assert "Imported 1 response." in run.out


def test_import_problems_are_told_plainly(shop_file: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("Timestamp,Stars,Email\n2026-05-01,5,zoë@example.com\n".encode("cp1252"))
    no_columns = tmp_path / "odd.csv"
    no_columns.write_text("When,Q1\n2026-05-01,5\n", encoding="utf-8")

    missing = aftercare("feedback", "import", tmp_path / "nowhere.csv", "--db", shop_file)
    not_utf8 = aftercare("feedback", "import", latin, "--db", shop_file)
    unmapped = aftercare("feedback", "import", no_columns, "--db", shop_file)
    mistyped = aftercare("feedback", "import", no_columns, "--db", tmp_path / "typo.aftercare")

    assert missing.code == 2 and "nowhere.csv" in missing.err
    assert not_utf8.code == 2 and "not UTF-8" in not_utf8.err
    assert unmapped.code == 2 and "No column for a star rating" in unmapped.err
    assert mistyped.code == 2 and "There is no shop file at" in mistyped.err
    assert not (tmp_path / "typo.aftercare").exists()  # no new, empty shop made by mistake
    assert "Traceback" not in missing.err + not_utf8.err + unmapped.err + mistyped.err


def test_the_monthly_report_is_written_as_a_pdf(shop_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"

    run = aftercare("report", "--db", shop_file, "--month", str(LAST_MONTH), "--out", out)

    assert run.code == 0, run.err
    assert f"The report for {LAST_MONTH.label()} is in {out}" in run.out
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert LAST_MONTH.label() in text
    assert "Monthly report for Hollybank Tea & Pottery" in text
    assert "£36.00" in " ".join(text.split())  # the month's one sale


def test_the_report_defaults_to_last_month(shop_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "last.pdf"

    run = aftercare("report", "--db", shop_file, "--out", out)

    assert run.code == 0, run.err
    assert LAST_MONTH.label() in run.out


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "is not a month: write it like 2026-05"), ("2999-01", "has not begun yet")],
)
def test_a_report_for_an_impossible_month_is_refused(
    shop_file: Path, tmp_path: Path, month: str, message: str
) -> None:
    out = tmp_path / "never.pdf"

    run = aftercare("report", "--db", shop_file, "--month", month, "--out", out)

    assert run.code == 2
    assert message in run.err
    assert not out.exists()
