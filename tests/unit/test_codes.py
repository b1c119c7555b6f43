"""Voucher and card codes: what a person or a scanner types is forgiven, a typo never is."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.shop.codes import ALPHABET, check_character, format_code, new_code, parse_code
from desktop.shop.errors import InvalidInput

bodies = st.text(alphabet=ALPHABET, min_size=11, max_size=11)
# What each stored symbol may look like when typed: lower case, and the look-alikes.
LOOK_ALIKES = {"0": "0oO", "1": "1iIlL"}


def _code(body: str) -> str:
    return body + check_character(body)


def _canonical(ch: str) -> str:
    return {"O": "0", "I": "1", "L": "1"}.get(ch.upper(), ch.upper())


def test_new_codes_are_valid_grouped_and_unique() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert parse_code(code) == code
        assert set(code) <= set(ALPHABET)
        grouped = format_code(code)
        assert len(grouped) == 14 and grouped[4] == grouped[9] == "-"


@given(bodies, st.data())
def test_any_single_character_substitution_is_refused(body: str, data: st.DataObject) -> None:
    code = _code(body)
    position = data.draw(st.integers(0, len(code) - 1))
    typed = data.draw(
        st.sampled_from(ALPHABET + ALPHABET.lower() + "OoIiLl").filter(
            lambda ch: _canonical(ch) != code[position]
        )
    )
    wrong = code[:position] + typed + code[position + 1 :]
    with pytest.raises(InvalidInput, match="typo"):
        parse_code(wrong)


@given(bodies, st.data())
def test_case_spaces_dashes_and_look_alikes_are_forgiven(body: str, data: st.DataObject) -> None:
    code = _code(body)
    typed = []
    for ch in code:
        shapes = LOOK_ALIKES.get(ch, ch + ch.lower())
        typed.append(data.draw(st.sampled_from(shapes)))
        typed.append(data.draw(st.sampled_from(["", "", " ", "-", "\t", "–", "\u00a0"])))
    assert parse_code("".join(typed)) == code


def test_a_scanned_code_with_its_enter_key_is_read() -> None:
    code = new_code()
    assert parse_code(f"  {format_code(code).lower()}\r\n") == code


def test_full_width_letters_from_an_asian_keyboard_are_read() -> None:
    code = new_code()
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    assert parse_code(full_width) == code


@given(st.text(max_size=60))
def test_random_garbage_never_crashes(text: str) -> None:
    try:
        code = parse_code(text)
    except InvalidInput as error:
        assert str(error)
        assert error.field == "code"
    else:
        assert len(code) == 12 and check_character(code[:-1]) == code[-1]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Please scan or type"),
        ("   -- ", "Please scan or type"),
        ("7G9C-4X6R-A6P", "has 12 characters; this has 11"),
        ("7G9C-4X6R-A6PMM", "has 12 characters; this has 13"),
        ("7G9C-4X6R-A6P#", "no “#”"),
        ("7G9C-4X6U-A6PM", "no “U”"),
        ("7G9C\x00", "U+0000"),
    ],
)
def test_messages_say_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(says)):
        parse_code(typed, what="voucher code")


def test_swapping_two_neighbours_is_caught() -> None:
    code = "7G9C4X6RA6P" + check_character("7G9C4X6RA6P")
    swapped = code[:2] + code[3] + code[2] + code[4:]
    with pytest.raises(InvalidInput, match="typo"):
        parse_code(swapped)
