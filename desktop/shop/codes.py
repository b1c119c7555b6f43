"""Codes people type or scan (vouchers, loyalty cards).

Crockford base 32 (no I, L, O, U), made with `secrets`, grouped in fours for reading, ending in a
Luhn mod 32 check character: any single mistyped character, and nearly every swap of two
neighbours, is caught before the database is asked.
"""

from __future__ import annotations

import secrets
import unicodedata

from desktop.shop.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# What people and scanners get wrong: letters that look like digits, lower case.
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1"})
GROUP = 4


def check_character(body: str) -> str:
    """Luhn mod 32 over the body's symbols."""
    total = 0
    factor = 2
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code(length: int = 12) -> str:
    """A fresh random code of `length` symbols, the last one the check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length - 1))
    return body + check_character(body)


def format_code(code: str) -> str:
    """'7K3MQ9PX2D4W' -> '7K3M-Q9PX-2D4W', as printed."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def _separator(ch: str) -> bool:
    # Spaces of any kind (a scanner's Enter, a tab), and every dash a PDF or a word processor
    # may have put in when the code was copied.
    return ch.isspace() or ch == "_" or unicodedata.category(ch) == "Pd"


def _shown(ch: str) -> str:
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def parse_code(text: str, *, length: int = 12, what: str = "code") -> str:
    """What was typed or scanned -> the code as stored; forgives case, spaces, dashes, O/0, I/L/1.

    Raises InvalidInput saying what is wrong (length, a stray character, a typo)."""
    # NFKC turns full-width letters (typed with an East Asian input method) into plain ones.
    normalised = unicodedata.normalize("NFKC", text).upper()
    cleaned = "".join(ch for ch in normalised if not _separator(ch)).translate(_FORGIVEN)
    if not cleaned:
        raise InvalidInput(what, f"Please scan or type the {what}.")
    stray = sorted({ch for ch in cleaned if ch not in _VALUE})
    if stray:
        shown = " ".join(_shown(ch) for ch in stray[:5])
        raise InvalidInput(what, f"A {what} has no “{shown}” in it: please check it.")
    if len(cleaned) != length:
        raise InvalidInput(
            what, f"A {what} has {length} characters; this has {len(cleaned)}: please check it."
        )
    if check_character(cleaned[:-1]) != cleaned[-1]:
        raise InvalidInput(what, f"That {what} has a typo in it: please check each character.")
    return cleaned
