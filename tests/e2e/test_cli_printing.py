"""The `vouchers` and `print` commands, run as a shopkeeper's script would: `python main.py …`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.shop.codes import check_character
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.insert_options import InsertOptions, save_insert_options
from desktop.shop.purchases import LineInput, PurchaseInput, find_purchase, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models import Purchase, Voucher
from desktop.store.shopfile import ShopDatabase
from tests.e2e.cli_runner import aftercare

GROUPED_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
VALID = "7G9C4X6RA6P" + check_character("7G9C4X6RA6P")
MISTYPED = VALID[:-1] + ("2" if VALID[-1] != "2" else "3")


@pytest.fixture
def counter(shop: ShopDatabase) -> dict[str, int]:
    """A set-up shop with two customers and a parcel order each; their ids by name."""
    with shop.write() as session:
        save_profile(
            session, ShopProfile(name="Hollybank Tea & Pottery", website="hollybank.example")
        )
        ids = {}
        for name, reference in (("Zoë Ó'Brien", "WEB-1001"), ("Дмитрий", "WEB-1002")):
            ids[name] = create_customer(session, CustomerDetails(name=name)).id
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Tenmoku tea bowl", 1, 3000)],
                    ids[name],
                    channel="online",
                    reference=reference,
                ),
            )
    return ids


def test_issue_check_redeem_and_check_again(shop: ShopDatabase, counter: dict[str, int]) -> None:
    db = shop.location
    zoe = str(counter["Zoë Ó'Brien"])
    issued = aftercare(
        "vouchers", "issue", "--db", db, "--customer", zoe, "--kind", "thank-you",
        "--amount", "5", "--min-spend", "20", "--expires", "2099-12-31",
        "--terms", "Not valid on gift cards",
    )  # fmt: skip
    assert issued.code == 0, issued.err
    code, summary = issued.out.splitlines()
    assert GROUPED_CODE.fullmatch(code)
    assert summary == (
        "Thank you: £5.00 off. When you spend £20.00 or more, valid until 31 December 2099, "
        "one use only, for Zoë Ó'Brien."
    )

    typed = code.lower().replace("-", " ")
    good = aftercare("vouchers", "check", "--db", db, typed, "--spend", "30", "--customer", zoe)
    assert good.code == 0, good.err
    assert good.out.splitlines()[0] == f"{code}: Thank you, £5.00 off."
    assert "Takes £5.00 off a spend of £30.00." in good.out

    too_little = aftercare("vouchers", "check", "--db", db, code, "--spend", "19.99")
    assert too_little.code == 1
    assert too_little.out.strip() == f"{code}: This voucher needs a spend of at least £20.00."
    someone_else = aftercare(
        "vouchers", "check", "--db", db, code, "--customer", str(counter["Дмитрий"])
    )
    assert someone_else.code == 1 and "This voucher is for Zoë Ó'Brien" in someone_else.out

    used = aftercare("vouchers", "redeem", "--db", db, code, "--purchase", "WEB-1001")
    assert used.code == 0, used.err
    assert used.out.strip() == "Took £5.00 off purchase WEB-1001: the total is now £25.00."

    again = aftercare("vouchers", "check", "--db", db, code)
    assert again.code == 1
    assert "This voucher was already used on" in again.out and "(purchase WEB-1001)" in again.out
    twice = aftercare("vouchers", "redeem", "--db", db, code, "--purchase", "WEB-1001")
    assert twice.code != 0 and "already used" in twice.err
    with shop.read() as session:
        assert find_purchase(session, "WEB-1001").total == 2500


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (("issue", "--bearer", "--kind", "goodwill", "--amount", "5,50"), "not an amount of money"),
        (("issue", "--customer", "999", "--kind", "goodwill", "--percent", "10"), "no customer"),
        (("issue", "--bearer", "--kind", "goodwill", "--percent", "150"), "between 1 and 100"),
        (("issue", "--bearer", "--kind", "goodwill", "--percent", "5", "--expires", "2020-01-01"),
         "already past"),
        (("redeem", MISTYPED, "--purchase", "WEB-1001"), "typo"),
        (("redeem", VALID, "--purchase", "WEB-1001"), "No voucher has the code"),
        (("redeem", VALID, "--purchase", "WEB-9999"), "no purchase with the reference “WEB-9999”"),
    ],
)  # fmt: skip
def test_a_refusal_is_one_clear_line_and_a_failing_exit(
    shop: ShopDatabase, counter: dict[str, int], words: tuple[str, ...], says: str
) -> None:
    run = aftercare("vouchers", *words, "--db", shop.location)
    assert run.code != 0
    assert len(run.err.strip().splitlines()) == 1 and says in run.err
    assert "Traceback" not in run.err


def test_checking_an_unknown_or_mistyped_code_exits_1_with_the_reason(
    shop: ShopDatabase, counter: dict[str, int]
) -> None:
    unknown = aftercare("vouchers", "check", "--db", shop.location, "0000-0000-0000")
    assert (unknown.code, unknown.out.strip()) == (1, "No voucher has the code 0000-0000-0000.")
    mistyped = aftercare("vouchers", "check", "--db", shop.location, MISTYPED)
    assert mistyped.code == 1 and "typo" in mistyped.out


def test_a_missing_shop_file_or_folder_is_named_and_nothing_is_created(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    missing = tmp_path / "shpo.aftercare"
    run = aftercare("vouchers", "check", "--db", missing, "0000-0000-0000")
    assert run.code == 2 and run.err.strip() == f"aftercare: There is no shop file at {missing}."
    assert not missing.exists()
    out = tmp_path / "no such folder" / "inserts.pdf"
    run = aftercare("print", "inserts", "--db", shop.location, "--today", "--out", out)
    assert run.code == 2 and f"The folder {out.parent} does not exist." in run.err


def test_wrong_words_are_explained_by_argparse(shop: ShopDatabase) -> None:
    both = aftercare(
        "vouchers", "issue", "--db", shop.location, "--bearer", "--kind", "goodwill",
        "--percent", "5", "--amount", "5",
    )  # fmt: skip
    assert both.code == 2 and "not allowed with argument" in both.err
    kind = aftercare("vouchers", "issue", "--bearer", "--kind", "bribe", "--percent", "5")
    assert kind.code == 2 and "invalid choice: 'bribe'" in kind.err
    day = aftercare("print", "inserts", "--since", "yesterday", "--out", "x.pdf")
    assert day.code == 2 and "“yesterday” is not a date" in day.err
    for command in (("print", "inserts"), ("print", "vouchers"), ("vouchers", "issue")):
        shown = aftercare(*command, "--help")
        assert shown.code == 0 and "--db PATH" in shown.out


def _parcels(shop: ShopDatabase, names: list[str]) -> list[str]:
    with shop.write() as session:
        references = []
        for name in names:
            customer = create_customer(session, CustomerDetails(name=name))
            purchase = record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Blue mug", 2, 1200), LineInput("Sencha 100 g", 1, 900)],
                    customer.id,
                    channel="online",
                ),
            )
            references.append(purchase.reference)
        record_purchase(session, PurchaseInput([LineInput("Postcard", 1, 150)]))  # in the shop
        save_insert_options(session, InsertOptions(voucher=True, signed_by="Anna"))
    return references


def test_print_todays_inserts_then_nothing_left_then_reprint_some(
    shop: ShopDatabase, counter: dict[str, int], tmp_path: Path
) -> None:
    names = ["Łukasz Ó'Brien", "Ελένη", "李雷", "Zoë 🌻"]
    references = _parcels(shop, names)
    out = tmp_path / "today.pdf"
    run = aftercare(
        "print", "inserts", "--db", shop.location, "--today", "--layout", "a4-4up", "--out", out
    )
    assert run.code == 0, run.err
    # The fixture's two orders are today's parcels too: six inserts, four to a sheet.
    assert run.out.strip() == f"Wrote 6 inserts (2 pages) to {out}"
    pdf = PdfReader(out)
    assert len(pdf.pages) == 2
    text = "".join(page.extract_text() for page in pdf.pages)
    for first_name in ("Łukasz", "Ελένη", "李雷", "Zoë", "Дмитрий"):
        assert first_name in text
    with shop.read() as session:
        vouchers = list(session.scalars(select(Voucher)))
        assert len(vouchers) == 6 and all(v.printed_at is not None for v in vouchers)
        assert all(
            p.insert_printed_at for p in session.scalars(select(Purchase)) if p.channel == "online"
        )

    nothing = aftercare("print", "inserts", "--db", shop.location, "--today", "--out", out)
    assert nothing.code == 0 and nothing.out.startswith("No inserts to print")

    again = tmp_path / "again.pdf"
    reprint = aftercare(
        "print", "inserts", "--db", shop.location, "--purchase", *references[:2],
        "--layout", "a6", "--greyscale", "--template", "short", "--out", again,
    )  # fmt: skip
    assert reprint.code == 0, reprint.err
    assert reprint.out.strip() == f"Wrote 2 inserts (2 pages) to {again}"
    assert len(PdfReader(again).pages) == 2
    with shop.read() as session:
        assert len(list(session.scalars(select(Voucher)))) == 6


def test_print_voucher_slips_by_code_and_every_unprinted_one(
    shop: ShopDatabase, counter: dict[str, int], tmp_path: Path
) -> None:
    codes = []
    for kind, value in (("thank_you", "10"), ("welcome-back", "15"), ("goodwill", "20")):
        issued = aftercare(
            "vouchers", "issue", "--db", shop.location, "--bearer", "--kind", kind,
            "--percent", value,
        )  # fmt: skip
        assert issued.code == 0, issued.err
        codes.append(issued.out.splitlines()[0])
    one = tmp_path / "one.pdf"
    run = aftercare(
        "print", "vouchers", "--db", shop.location, "--code", codes[1].lower(), "--layout", "a6",
        "--out", one,
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.out.strip() == f"Wrote 1 voucher slip (1 page) to {one}"
    assert codes[1] in PdfReader(one).pages[0].extract_text()

    rest = tmp_path / "rest.pdf"
    run = aftercare("print", "vouchers", "--db", shop.location, "--unprinted", "--out", rest)
    assert run.code == 0, run.err
    assert run.out.strip() == f"Wrote 2 voucher slips (1 page) to {rest}"
    text = PdfReader(rest).pages[0].extract_text()
    assert codes[0] in text and codes[2] in text and codes[1] not in text
    none_left = aftercare("print", "vouchers", "--db", shop.location, "--unprinted", "--out", rest)
    assert none_left.code == 0 and none_left.out.startswith("No voucher slips to print")


def test_a_used_voucher_gets_no_slip_and_no_file_is_written(
    shop: ShopDatabase, counter: dict[str, int], tmp_path: Path
) -> None:
    issued = aftercare(
        "vouchers", "issue", "--db", shop.location, "--bearer", "--kind", "goodwill",
        "--amount", "2.50",
    )  # fmt: skip
    code = issued.out.splitlines()[0]
    assert (
        aftercare("vouchers", "redeem", "--db", shop.location, code, "--purchase", "WEB-1002").code
        == 0
    )
    out = tmp_path / "slip.pdf"
    run = aftercare("print", "vouchers", "--db", shop.location, "--code", code, "--out", out)
    assert run.code != 0 and "already used" in run.err
    assert not out.exists()
    with shop.read() as session:
        assert session.scalars(select(Voucher)).one().printed_at is None
