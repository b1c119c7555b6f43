"""Text rules shared by the shop: folding for search, and cleaning what people type."""

from __future__ import annotations

import re
import unicodedata

from desktop.shop.errors import InvalidInput

# Letters NFKD does not take apart into base + accent.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
_WORD = re.compile(r"[\w@.+]+")


def fold(value: str) -> str:
    """Case- and accent-free form: 'Łukasz Ó'Brien' -> "lukasz o'brien", 'Ελένη' -> 'ελενη'."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def words(value: str) -> list[str]:
    """Folded search words; punctuation other than @ . + separates words."""
    return [w.strip(".") or w for w in _WORD.findall(fold(value)) if w.strip(".")]


def clean_line(value: str, field: str, *, max_length: int = 200, required: bool = False) -> str:
    """One line of text a person typed: trimmed, NFC, no control characters."""
    cleaned = unicodedata.normalize("NFC", value.strip())
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
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
    cleaned = unicodedata.normalize("NFC", value.strip()).replace("\r\n", "\n")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in cleaned):
        raise InvalidInput(field, f"The {field} contains a control character.")
    if len(cleaned) > max_length:
        raise InvalidInput(field, f"The {field} is too long (at most {max_length} characters).")
    return cleaned
