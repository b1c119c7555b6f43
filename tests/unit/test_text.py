"""Folding and cleaning what people type: names in any script, no hidden characters saved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line, clean_text, fold, inner_words, words


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Zoë", "zoe"),
        ("Łukasz Ó'Brien", "lukasz o'brien"),
        ("Ελένη", "ελενη"),
        ("Дмитрий", "дмитрии"),
        ("STRAẞE", "strasse"),
        ("Søren Ærø", "soren aero"),
        ("ÞÓRA Ðóra", "thora dora"),
        ("李雷", "李雷"),
    ],
)
def test_fold_drops_case_and_accents(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_words_split_on_punctuation_but_keep_an_email_whole() -> None:
    assert words("Łukasz Ó'Brien-Smith") == ["lukasz", "o", "brien", "smith"]
    assert words("Zoe.OBrien@Example.com") == ["zoe.obrien@example.com"]
    assert words("  end.  ") == ["end"]


def test_a_leading_plus_or_at_sign_is_not_part_of_the_word() -> None:
    assert words("+44") == ["44"]
    assert words("@example") == ["example"]
    assert words("@ + .") == []


def test_vowel_signs_stay_inside_their_word() -> None:
    # Devanagari vowel signs are marks, not letters; a split word would be unfindable.
    assert words("किशोर कुमार") == ["किशोर", "कुमार"]


def test_names_written_without_spaces_are_findable_by_their_tail() -> None:
    assert inner_words("李雷") == ["雷"]
    assert inner_words("zoe") == []


def test_clean_line_trims_and_composes_accents() -> None:
    decomposed = "  Zoe\u0308  "
    assert clean_line(decomposed, "name") == "Zoë"


@pytest.mark.parametrize(
    "hidden",
    ["Zoë\nSmith", "Zoë\tSmith", "Zo\x00ë", "Zoë\u2028Smith", "\u202eZoë", "Zoë\ud800"],
    ids=["line break", "tab", "nul", "line separator", "right-to-left override", "surrogate"],
)
def test_clean_line_refuses_control_characters(hidden: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_line(hidden, "name")
    assert refused.value.field == "name"
    assert "control character" in str(refused.value)


def test_clean_line_required_and_length() -> None:
    with pytest.raises(InvalidInput, match="Please enter the name"):
        clean_line("   ", "name", required=True)
    with pytest.raises(InvalidInput, match="at most 5"):
        clean_line("abcdef", "code", max_length=5)
    assert clean_line("", "email") == ""


def test_clean_text_keeps_line_breaks_from_any_system() -> None:
    assert clean_text("one\r\ntwo\rthree\u2028four\tend", "notes") == "one\ntwo\nthree\nfour\tend"
    with pytest.raises(InvalidInput, match="control character"):
        clean_text("ring \x07 the bell", "notes")


@given(st.text())
def test_fold_and_words_never_fail_and_give_clean_words(value: str) -> None:
    folded = fold(value)
    assert folded == folded.casefold()
    for word in words(value):
        assert word
        assert not any(ch.isspace() for ch in word)
        assert word[0] not in "@.+" and word[-1] not in "@.+"


@given(st.text())
def test_a_folded_word_typed_again_is_the_same_word(value: str) -> None:
    # What the list shows, typed back into search, must find the same row.
    found = words(value)
    assert words(" ".join(found)) == found


@given(st.text())
def test_clean_line_either_refuses_with_a_field_or_returns_safe_text(value: str) -> None:
    try:
        cleaned = clean_line(value, "name")
    except InvalidInput as refused:
        assert refused.field == "name"
    else:
        assert cleaned == cleaned.strip()
        assert "\n" not in cleaned and "\x00" not in cleaned
