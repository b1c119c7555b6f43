"""Glyph-by-glyph fallback: every name prints in a face that has its glyphs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.printing import fonts


def faces(text: str, primary: str) -> list[str]:
    return [face for face, _ in fonts.runs(text, primary)]


def test_latin_greek_and_cyrillic_names_stay_in_dejavu() -> None:
    for name in ("Zoë", "Łukasz Ó'Brien", "Ελένη", "Дмитрий", "Siobhán Ní Bhriain"):
        assert fonts.runs(name, fonts.BODY) == ((fonts.BODY, name),)


def test_handwriting_hands_glyphs_kristi_lacks_to_dejavu() -> None:
    assert fonts.runs("With love, Anna", fonts.HAND) == ((fonts.HAND, "With love, Anna"),)
    runs = fonts.runs("Z miłością, Łukasz", fonts.HAND)
    assert "".join(part for _, part in runs) == "Z miłością, Łukasz"
    assert (fonts.ITALIC, "Ł") in runs
    assert all(fonts.has_glyph(face, ch) for face, part in runs for ch in part)
    assert faces("Ελένη", fonts.HAND) == [fonts.ITALIC]


def test_cjk_and_emoji_come_from_their_own_faces() -> None:
    assert fonts.runs("Dear 李雷, 🎁💐", fonts.BODY) == (
        (fonts.BODY, "Dear "),
        (fonts.CJK, "李雷"),
        (fonts.BODY, ", "),
        (fonts.SYMBOLS, "🎁💐"),
    )


def test_invisible_joiners_and_controls_are_dropped() -> None:
    # A family emoji is joined by ZWJ; a heart asks for colour with VS16; a thumb has a skin tone.
    text = "A\u200db\ufe0fc\u0007d👍🏽\tend\n"
    assert fonts.printable(text) == "Abcd👍 end "


def test_a_character_no_face_has_prints_as_the_replacement_mark_not_a_box() -> None:
    adlam = "\U0001e900"  # Adlam capital alif: in none of the shipped faces
    assert not any(fonts.has_glyph(face, adlam) for face in (fonts.BODY, fonts.CJK, fonts.SYMBOLS))
    assert fonts.runs(f"x{adlam}y", fonts.BODY) == ((fonts.BODY, f"x{fonts.REPLACEMENT}y"),)


def test_markup_escapes_what_people_type() -> None:
    assert fonts.markup("<b>Smith & Co</b>", fonts.BODY) == "&lt;b&gt;Smith &amp; Co&lt;/b&gt;"
    assert fonts.markup("李 <i>", fonts.BODY) == (f'<font name="{fonts.CJK}">李 </font>&lt;i&gt;')


@given(st.text(max_size=40), st.sampled_from([fonts.BODY, fonts.BOLD, fonts.ITALIC, fonts.HAND]))
def test_every_glyph_of_any_text_lands_in_a_face_that_has_it(text: str, primary: str) -> None:
    runs = fonts.runs(text, primary)
    assert all(fonts.has_glyph(face, ch) for face, part in runs for ch in part)
    assert len("".join(part for _, part in runs)) == len(fonts.printable(text))
