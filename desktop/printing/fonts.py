"""The TrueType faces printed pieces use, and the glyph-by-glyph fallback between them.

Faces are registered with ReportLab on first use (the CJK face alone takes ~100 ms to load, and
most batches never need it). No face has every glyph a customer's name may hold, so text is split
into runs, each in the first face of its chain that has the glyph: the handwritten Kristi has no
Ł, Greek or Cyrillic and hands those to DejaVu; DejaVu hands CJK to Droid Sans Fallback and emoji
to Symbola. ReportLab would otherwise print a missing glyph as an empty box without a word.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

BODY = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
HAND = "Kristi"
CJK = "DroidSansFallbackFull"
SYMBOLS = "Symbola"

# The face for glyphs a face lacks; CJK and symbols come after every chain.
_NEXT = {BOLD: BODY, ITALIC: BODY, HAND: ITALIC}
# Printed for a character no face has: visible, and never an empty box.
REPLACEMENT = "\ufffd"
# Invisible joiners and selectors (emoji ZWJ sequences, variation selectors, skin tones) that no
# face draws; the base emoji prints without them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_SELECTORS = frozenset(chr(code) for code in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))

_lock = threading.Lock()
_glyphs: dict[str, frozenset[str]] = {}  # the characters each registered face draws


def face(name: str) -> str:
    """Register the face `name` with ReportLab (once) and return its name for setFont/markup."""
    if name not in _glyphs:
        with _lock:
            if name not in _glyphs:
                font = TTFont(name, str(resource_path("fonts", f"{name}.ttf")))
                pdfmetrics.registerFont(font)
                # Glyph 0 is the empty box every font maps unknown characters to.
                cmap = font.face.charToGlyph
                _glyphs[name] = frozenset(chr(code) for code, glyph in cmap.items() if glyph)
    return name


def has_glyph(name: str, ch: str) -> bool:
    """Whether face `name` draws `ch`."""
    return ch in _glyphs[face(name)]


@lru_cache(maxsize=8192)
def _face_for(primary: str, ch: str) -> str | None:
    chain = [primary]
    while chain[-1] in _NEXT:
        chain.append(_NEXT[chain[-1]])
    if BODY not in chain:
        chain.append(BODY)
    # Emoji and pictographs are symbols: ask Symbola before loading the large CJK face.
    if unicodedata.category(ch) in ("So", "Sm", "Sk"):
        chain += [SYMBOLS, CJK]
    else:
        chain += [CJK, SYMBOLS]
    return next((name for name in chain if has_glyph(name, ch)), None)


def printable(text: str) -> str:
    """One line as it will print: composed (so é is one glyph), whitespace as plain spaces,
    invisible controls and joiners dropped."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable() and (not text or max(text) < "\ufe00"):
        return text
    kept: list[str] = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif (
            unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
            and ord(ch) not in _SKIN_TONES
            and ch not in _SELECTORS
        ):
            kept.append(ch)
    return "".join(kept)


@lru_cache(maxsize=4096)
def runs(text: str, primary: str) -> tuple[tuple[str, str], ...]:
    """`text` as (face, text) runs, each glyph in the first face of `primary`'s chain that has it.

    Spaces stay in the run they are in, so a name in one script is one run."""
    text = printable(text)
    if _glyphs[face(primary)].issuperset(text):
        return ((primary, text),) if text else ()
    found: list[tuple[str, list[str]]] = []
    for ch in text:
        if ch == " " and found and has_glyph(found[-1][0], ch):
            found[-1][1].append(ch)
            continue
        chosen = _face_for(primary, ch)
        if chosen is None:
            chosen, ch = BODY, REPLACEMENT
        if found and found[-1][0] == chosen:
            found[-1][1].append(ch)
        else:
            found.append((chosen, [ch]))
    return tuple((name, "".join(chars)) for name, chars in found)


def markup(text: str, primary: str) -> str:
    """ReportLab Paragraph markup for plain `text`: escaped (so "<b>Smith & Co</b>" prints as
    typed), with a <font> run wherever `primary` lacks the glyphs."""
    return "".join(
        escape(part) if name == primary else f'<font name="{name}">{escape(part)}</font>'
        for name, part in runs(text, face(primary))
    )


def width(text_runs: tuple[tuple[str, str], ...], size: float, char_space: float = 0.0) -> float:
    """The printed width of runs at `size` points, with `char_space` added after each glyph."""
    glyphs = sum(len(part) for _, part in text_runs)
    drawn = sum(float(pdfmetrics.stringWidth(part, name, size)) for name, part in text_runs)
    return drawn + char_space * glyphs
