"""`python main.py print cards`, run as a shopkeeper's script would, PDFs read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.shop.codes import format_code
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.loyalty_members import enrol
from desktop.shop.loyalty_rules import Programme, save_programme
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.shopfile import ShopDatabase
from tests.e2e.cli_runner import aftercare
from tests.unit.printing.samples import decoded, page_sizes_mm, page_texts

NAMES = ("Zoë Ó'Brien", "Дмитрий Петров", "李雷")


@pytest.fixture
def members(shop: ShopDatabase) -> dict[str, tuple[int, str]]:
    """Three members and one customer who has not joined: name -> (customer id, card number)."""
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Hollybank Tea & Pottery"))
        save_programme(session, Programme(unit_singular="bean", unit_plural="beans"))
        found = {}
        for name in NAMES:
            customer_id = create_customer(session, CustomerDetails(name=name)).id
            found[name] = (customer_id, enrol(session, customer_id).card_number)
        newcomer = create_customer(session, CustomerDetails(name="Ελένη Newcomer")).id
        found["Ελένη Newcomer"] = (newcomer, "")
    return found


def test_cards_for_chosen_members_on_an_a4_sheet(
    shop: ShopDatabase, members: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    out = tmp_path / "cards.pdf"
    ids = [str(members[name][0]) for name in NAMES]
    run = aftercare("print", "cards", "--db", shop.location, "--customer", *ids, "--out", out)

    assert run.code == 0, run.err
    assert run.out.strip() == f"Wrote 3 member cards (1 page) to {out}"
    assert page_sizes_mm(out) == [(210.0, 297.0)]
    text = page_texts(out)[0]
    for name in NAMES:
        assert name in text
        assert format_code(members[name][1]) in text
    assert "collect beans" in text
    assert PdfReader(out).metadata.title == "Member cards"


@pytest.mark.needs_program("zbarimg")
def test_single_cards_for_a_card_printer_scan_back(
    shop: ShopDatabase, members: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    out = tmp_path / "cards.pdf"
    zoe, dmitry = members["Zoë Ó'Brien"], members["Дмитрий Петров"]
    run = aftercare(
        "print", "cards", "--db", shop.location, "--customer", str(zoe[0]), str(dmitry[0]),
        "--layout", "cr80", "--greyscale", "--out", out,
    )  # fmt: skip

    assert run.code == 0, run.err
    assert "Wrote 2 member cards (2 pages)" in run.out
    assert page_sizes_mm(out) == [(85.6, 54.0)] * 2
    assert decoded(out, 1, grey=True) == [zoe[1], zoe[1]]
    assert decoded(out, 2, grey=True) == [dmitry[1], dmitry[1]]


def test_a_customer_who_has_not_joined_is_named_and_nothing_is_written(
    shop: ShopDatabase, members: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    out = tmp_path / "cards.pdf"
    newcomer = str(members["Ελένη Newcomer"][0])
    zoe = str(members["Zoë Ó'Brien"][0])
    run = aftercare(
        "print", "cards", "--db", shop.location, "--customer", zoe, newcomer, "--out", out
    )

    assert run.code == 2
    assert f"Ελένη Newcomer (customer {newcomer}) is not a member yet" in run.err
    assert not out.exists()


def test_mistakes_in_the_command_are_explained(
    shop: ShopDatabase, members: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    zoe = str(members["Zoë Ó'Brien"][0])
    layout = aftercare(
        "print", "cards", "--db", shop.location, "--customer", zoe, "--layout", "a6",
        "--out", tmp_path / "x.pdf",
    )  # fmt: skip
    assert layout.code == 2 and "Choose one of: a4-10up, cr80" in layout.err

    unknown = aftercare(
        "print", "cards", "--db", shop.location, "--customer", "9999", "--out", tmp_path / "x.pdf"
    )
    assert unknown.code == 2 and "9999" in unknown.err

    no_folder = aftercare(
        "print", "cards", "--db", shop.location, "--customer", zoe,
        "--out", tmp_path / "missing" / "x.pdf",
    )  # fmt: skip
    assert no_folder.code == 2 and "does not exist" in no_folder.err

    missing = aftercare("print", "cards", "--db", shop.location, "--out", tmp_path / "x.pdf")
    assert missing.code == 2 and "--customer" in missing.err

    # A mistyped shop file is refused, not made into a new, empty shop.
    typo = tmp_path / "shop.aftercar"
    no_shop = aftercare(
        "print", "cards", "--db", typo, "--customer", zoe, "--out", tmp_path / "x.pdf"
    )
    assert no_shop.code == 2 and f"There is no shop file at {typo}" in no_shop.err
    assert not typo.exists()


def test_new_prints_only_members_still_waiting_for_a_card(
    shop: ShopDatabase, members: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    first = aftercare(
        "print",
        "cards",
        "--db",
        shop.location,
        "--customer",
        str(members["李雷"][0]),
        "--out",
        tmp_path / "one.pdf",
    )
    assert first.code == 0, first.err

    waiting = aftercare(
        "print", "cards", "--db", shop.location, "--new", "--out", tmp_path / "new.pdf"
    )
    assert waiting.code == 0, waiting.err
    text = page_texts(tmp_path / "new.pdf")[0]
    assert "Zoë Ó'Brien" in text and "Дмитрий Петров" in text
    assert "李雷" not in text  # printed already

    again = aftercare(
        "print", "cards", "--db", shop.location, "--new", "--out", tmp_path / "again.pdf"
    )
    assert again.code == 0, again.err
    assert "nothing to print" in again.out
    assert not (tmp_path / "again.pdf").exists()
