"""Mailing lists for Mailchimp, Klaviyo and plain CSV: read back with the csv module, formula
cells neutralised (and restored on reading), only consented customers who have not
unsubscribed, with counts of who was left out and why."""

from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop import cli_campaigns
from desktop.shop.campaigns import CampaignPlan, create_campaign
from desktop.shop.codes import format_code
from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import NotFound
from desktop.shop.mailing_lists import (
    COLUMNS,
    campaign_mailing_list,
    read_cell,
    read_mailing_list,
    safe_cell,
    segment_mailing_list,
    write_mailing_list,
)
from desktop.shop.segments import save_segment
from desktop.shop.suppression import suppress
from desktop.shop.vouchers import VoucherTerms
from desktop.store.models import Voucher
from desktop.store.models_campaigns import Contact
from desktop.store.shopfile import ShopDatabase

BIRTHDAYS = {"kind": "birthday_this_month"}


def _customer(
    shop: ShopDatabase,
    name: str,
    email: str,
    *,
    consent: bool = True,
    tags: list[str] | None = None,
    **address: str,
) -> int:
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(
                name=name,
                email=email,
                birth_day=9,
                birth_month=date.today().month,
                tags=tags or [],
                **address,
            ),
            email_consent=ConsentChoice(granted=True) if consent and email else None,
        )
        return customer.id


@pytest.fixture
def listed(shop: ShopDatabase) -> ShopDatabase:
    """Customers of every kind, and a saved segment "Birthdays" holding them all."""
    _customer(
        shop,
        "Zoë Ó'Brien",
        "zoe@example.org",
        tags=["tea club"],
        address_line1="1 High St",
        town="Bath",
        postcode="BA1 1AA",
    )
    _customer(shop, '=HYPERLINK("http://evil")', "formula@example.org")
    _customer(shop, "李雷", "li.lei@example.org")
    _customer(shop, "Ελένη", "eleni@example.org", consent=False)
    dmitry = _customer(shop, "Дмитрий Орлов", "dmitry@example.org")
    _customer(shop, "Ana 🌸", "")
    with shop.write() as session:
        suppress(session, customer_id=dmitry, reason="objected")
        save_segment(session, "Birthdays", BIRTHDAYS)
    return shop


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def test_mailchimp_list_reads_back_with_only_consented_customers(
    listed: ShopDatabase, tmp_path: Path
) -> None:
    with listed.write() as session:
        mailing = segment_mailing_list(session, "birthdays", "mailchimp")
    out = tmp_path / "audience.csv"
    write_mailing_list(mailing, out)
    rows = _read(out)
    assert list(rows[0]) == list(COLUMNS["mailchimp"])
    assert [row["Email Address"] for row in rows] == [
        "zoe@example.org",
        "formula@example.org",
        "li.lei@example.org",
    ]
    zoe = rows[0]
    assert (zoe["First Name"], zoe["Last Name"]) == ("Zoë", "Ó'Brien")
    assert zoe["Address"] == "1 High St    Bath    BA1 1AA  GB"
    assert zoe["Birthday"] == f"{date.today().month:02d}/09"
    assert zoe["Tags"] == "Birthdays, tea club"
    assert rows[2]["First Name"] == "李雷"
    assert mailing.left_out == {
        "no email consent": 1,
        "unsubscribed or objected": 1,
        "no email address": 1,
    }
    assert mailing.summary() == (
        "3 customers; 3 left out: 1 no email address, 1 no email consent, "
        "1 unsubscribed or objected."
    )


def test_every_cell_is_quoted_and_formulas_are_neutralised(
    listed: ShopDatabase, tmp_path: Path
) -> None:
    with listed.write() as session:
        mailing = segment_mailing_list(session, "Birthdays", "klaviyo")
    out = tmp_path / "klaviyo.csv"
    write_mailing_list(mailing, out, bom=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"')
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == list(COLUMNS["klaviyo"])
    formula = next(row for row in rows if row["Email"] == "formula@example.org")
    assert formula["First Name"] == '\'=HYPERLINK("http://evil")'
    # Reading the list back with Aftercare restores the name exactly.
    back = next(r for r in read_mailing_list(out) if r["Email"] == "formula@example.org")
    assert back["First Name"] == '=HYPERLINK("http://evil")'


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
def test_a_cell_survives_export_then_import(text: str) -> None:
    assert read_cell(safe_cell(text)) == text
    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_without_the_consent_filter_unsubscribed_customers_are_still_left_out(
    listed: ShopDatabase,
) -> None:
    with listed.write() as session:
        mailing = segment_mailing_list(session, "Birthdays", "csv", consent_only=False)
    names = [row[1] for row in mailing.rows]
    assert "Ελένη" in names and "Дмитрий Орлов" not in names
    assert mailing.left_out == {"unsubscribed or objected": 1, "no email address": 1}


def test_a_list_export_is_recorded_per_customer(listed: ShopDatabase) -> None:
    with listed.write() as session:
        mailing = segment_mailing_list(session, "Birthdays", "csv")
    with listed.read() as session:
        recorded = set(
            session.scalars(select(Contact.customer_id).where(Contact.outcome == "exported"))
        )
    assert recorded == set(mailing.customer_ids) and len(recorded) == 3


def test_an_unknown_segment_is_named(listed: ShopDatabase) -> None:
    with listed.write() as session, pytest.raises(NotFound, match="Lapsed regulars"):
        segment_mailing_list(session, "Lapsed regulars", "csv")


def test_a_campaign_list_carries_each_customers_own_voucher(listed: ShopDatabase) -> None:
    with listed.write() as session:
        campaign = create_campaign(session, CampaignPlan(name="Spring", definition=BIRTHDAYS))
        mailing = campaign_mailing_list(
            session, campaign.id, "mailchimp", VoucherTerms(kind="welcome_back", amount=500)
        )
        assert mailing.header[-1] == "Voucher Code"
        for customer_id, row in zip(mailing.customer_ids, mailing.rows, strict=True):
            voucher = session.scalar(select(Voucher).where(Voucher.customer_id == customer_id))
            assert voucher is not None and row[-1] == format_code(voucher.code)
            assert str(row[-2]).split(", ")[0] == "Spring"
        # The same campaign (same purpose) cannot export them again within the cooldown.
        again = campaign_mailing_list(session, campaign.id, "mailchimp")
        assert again.rows == [] and sum(again.left_out.values()) == 6
        assert session.scalar(select(func.count()).select_from(Voucher)) == 3


def _run_cli(*args: str) -> int:
    parser = argparse.ArgumentParser()
    cli_campaigns.add_commands(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(args)
    result: int = parsed.handler(parsed)
    return result


def test_the_export_command_writes_the_list_and_says_who_was_left_out(
    listed: ShopDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = listed.location
    listed.close()
    out = tmp_path / "list.csv"
    assert (
        _run_cli(
            "export",
            "mailing-list",
            "--db",
            str(location),
            "--segment",
            "birthdays",
            "--format",
            "csv",
            "--out",
            str(out),
            "--bom",
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "3 customers; 3 left out" in said and str(out) in said
    rows = read_mailing_list(out)
    assert [row["email"] for row in rows] == [
        "zoe@example.org",
        "formula@example.org",
        "li.lei@example.org",
    ]
    assert rows[0]["customer_id"].isdigit() and rows[0]["email_consent"] == "yes"
