"""The command line as a shopkeeper or a script runs it: `python main.py ...` in a subprocess."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.store.shopfile import open_shop
from tests.e2e.cli_runner import Run, aftercare

NAMES = ["Zoë Ó'Brien", "Łukasz Nowak", "Ελένη", "Дмитрий", "李雷", "Ana 🌸"]


def assert_one_line_error(result: Run, words: str) -> None:
    assert result.code != 0
    said = (result.out + result.err).strip()
    assert "Traceback" not in said
    assert len(said.splitlines()) == 1, said
    assert words in said


@pytest.fixture
def shop_file(tmp_path: Path) -> Path:
    path = tmp_path / "Zoë's shop.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    with shop.write() as session:
        for name in NAMES:
            create_customer(session, CustomerDetails(name=name))
    shop.close()
    return path


def _commands(help_text: str) -> list[str]:
    listed = help_text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    return re.findall(r"^ {4}(\w[\w-]*) ", listed, flags=re.MULTILINE)


def test_help_for_the_app_and_every_command(tmp_path: Path) -> None:
    result = aftercare("--help", home=tmp_path)
    assert result.code == 0
    assert "Aftercare" in result.out
    commands = _commands(result.out)
    assert {"check", "backup", "demo", "smoke"} <= set(commands)
    for command in commands:
        helped = aftercare(command, "--help", home=tmp_path)
        assert helped.code == 0, helped.err
        assert helped.out.startswith(f"usage: aftercare {command}")


def test_check_passes_a_sound_shop(shop_file: Path, tmp_path: Path) -> None:
    result = aftercare("check", "--db", shop_file, home=tmp_path)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("Zoë's shop.aftercare is sound")


def test_check_fails_a_photo_in_one_line(tmp_path: Path) -> None:
    photo = tmp_path / "photo.aftercare"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    result = aftercare("check", "--db", photo, home=tmp_path)
    assert_one_line_error(result, "photo.aftercare is not an Aftercare shop file")


def test_check_fails_a_damaged_shop_in_one_line(shop_file: Path, tmp_path: Path) -> None:
    with shop_file.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\xff" * 4096 * 3)
    result = aftercare("check", "--db", shop_file, home=tmp_path)
    assert_one_line_error(result, "Zoë's shop.aftercare is damaged")


def test_backup_while_another_till_is_writing_is_a_sound_copy_of_what_was_saved(
    shop_file: Path, tmp_path: Path
) -> None:
    other_till = sqlite3.connect(shop_file, isolation_level=None)
    other_till.execute("BEGIN IMMEDIATE")
    other_till.execute("UPDATE customer SET notes = 'half-typed' WHERE name = 'Ελένη'")
    try:
        copy = tmp_path / "usb" / "copy of Zoë's shop.aftercare"
        result = aftercare("backup", "--db", shop_file, "--out", copy, home=tmp_path)
    finally:
        other_till.execute("ROLLBACK")
        other_till.close()
    assert result.code == 0, result.err
    assert result.out.strip() == f"Backup written and verified: {copy}"
    assert aftercare("check", "--db", copy, home=tmp_path).code == 0
    reader = sqlite3.connect(copy)
    rows = reader.execute("SELECT name, notes FROM customer ORDER BY id").fetchall()
    reader.close()
    assert rows == [(name, "") for name in NAMES]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("backup", "--db", "{missing}", "--out", "{out}"), "There is no shop file at"),
        (("backup", "--db", "{photo}", "--out", "{out}"), "is not an Aftercare shop file"),
        (("demo",), "demo needs --db PATH"),
        (("check", "--db", "{missing}"), "There is no shop file at"),
    ],
    ids=["backup-missing", "backup-photo", "demo-without-db", "check-missing"],
)
def test_errors_are_one_line_without_a_traceback(
    tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    photo = tmp_path / "photo.aftercare"
    photo.write_bytes(b"GIF89a" + b"\x00" * 100)
    places = {"missing": tmp_path / "nowhere.aftercare", "out": tmp_path / "out", "photo": photo}
    result = aftercare(*(arg.format(**places) for arg in args), home=tmp_path)
    assert_one_line_error(result, words)
    assert not (tmp_path / "out").exists()


def test_smoke_opens_every_page_of_the_app(shop_file: Path, tmp_path: Path) -> None:
    result = aftercare("smoke", "--db", shop_file, home=tmp_path)
    assert result.code == 0, result.err
    pages = [line for line in result.out.splitlines() if line.startswith("page ")]
    assert pages and all(line.endswith(": ok") for line in pages)
