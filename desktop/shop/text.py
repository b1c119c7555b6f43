"""Text rules shared by the shop: folding for search, and cleaning what people type."""

from __future__ import annotations

import re
import unicodedata

from desktop.shop.errors import InvalidInput

# Letters NFKD does not take apart into base + accent.
# Applied after case folding, so lower case is enough.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
# Kept inside a word so an email address or "+44…" stays one word; trimmed from its ends.
_JOINERS = "@.+"
# Invisible characters that break a line or reorder text on screen (spoofing a name).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# "07700 900123", "+44 (0)7700-900-123": a phone number typed the way it is written down.
_PHONE_TYPED = re.compile(r"\+?[\d\s().\-/]*\d[\d\s().\-/]*", re.ASCII)
_TRUNK_ZERO = re.compile(r"^\+\s*(\d+)\s*\(0\)", re.ASCII)
# Scripts written without spaces between a family and a given name.
_UNSPACED_SCRIPTS = ("CJK ", "HANGUL ", "HIRAGANA ", "KATAKANA ")


def _fold_once(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(value: str) -> str:
    """Case- and accent-free form: 'Łukasz Ó'Brien' -> "lukasz o'brien", 'Ελένη' -> 'ελενη'.

    Folding a folded word changes nothing, so a word typed as shown in a list finds its row.
    """
    folded = _fold_once(value)
    # A few letters need a second pass (a case fold that yields a decomposable letter).
    for _ in range(3):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def _is_word_character(ch: str) -> bool:
    # A vowel sign belongs to its word (SQLite's tokenizer splits there, and matches the parts
    # as a phrase); "_" and other punctuation separate words, as they do for SQLite.
    return unicodedata.category(ch)[0] in "LNM" or ch in _JOINERS


def words(value: str) -> list[str]:
    """Folded search words; punctuation other than @ . + inside a word separates words."""
    found: list[str] = []
    current: list[str] = []
    for ch in fold(value) + " ":
        if _is_word_character(ch):
            current.append(ch)
        elif current:
            found.append("".join(current).strip(_JOINERS))
            current = []
    # A run of marks alone (a stray vowel sign) is no word the search index can find.
    return [word for word in found if any(unicodedata.category(ch)[0] in "LN" for ch in word)]


def typed_digits(value: str) -> str | None:
    """The digits of text typed like a phone number ('+44 (0)7700 900-123' -> '447700900123');
    None for anything else."""
    typed = value.strip()
    if not _PHONE_TYPED.fullmatch(typed):
        return None
    return "".join(ch for ch in _TRUNK_ZERO.sub(r"\1", typed) if ch.isdigit())


def _unspaced(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(_UNSPACED_SCRIPTS)


def inner_words(word: str) -> list[str]:
    """Tails of a word written without spaces, so '雷' finds '李雷' ('李' already does)."""
    if not any(_unspaced(ch) for ch in word):
        return []
    return [word[start:] for start in range(1, min(len(word), 12))]


def _refused(ch: str) -> bool:
    return unicodedata.category(ch) in _REFUSED_CATEGORIES or ch in _BIDI_CONTROLS


def clean_line(value: str, field: str, *, max_length: int = 200, required: bool = False) -> str:
    """One line of text a person typed: trimmed, NFC, no control characters."""
    cleaned = unicodedata.normalize("NFC", value.strip())
    if any(_refused(ch) for ch in cleaned):
        raise InvalidInput(
            field, f"The {field} contains a control character (such as a line break)."
        )
    if required and not cleaned:
        raise InvalidInput(field, f"Please enter the {field}.")
    if len(cleaned) > max_length:
        raise InvalidInput(field, f"The {field} is too long (at most {max_length} characters).")
    return cleaned


def clean_text(value: str, field: str, *, max_length: int = 5000) -> str:
    """Multi-line text (notes): line breaks and tabs allowed, other control characters not."""
    cleaned = unicodedata.normalize("NFC", value.strip())
    cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = cleaned.replace("\u2028", "\n").replace("\u2029", "\n")
    if any(_refused(ch) and ch not in "\n\t" for ch in cleaned):
        raise InvalidInput(field, f"The {field} contains a control character.")
    if len(cleaned) > max_length:
        raise InvalidInput(field, f"The {field} is too long (at most {max_length} characters).")
    return cleaned
