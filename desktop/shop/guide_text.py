"""A guide's body: a small, safe subset of Markdown. Headings (#, ##, ###), bullet and
numbered lists, **bold**, *italic* and paragraphs. `parse_body` reads it into plain blocks that
printing lays out; `body_markdown` writes those blocks back as canonical Markdown for the screen
(QTextDocument.setMarkdown with MarkdownNoHTML), so nothing outside the subset (HTML, links,
pictures from disk) ever reaches either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


Spans = tuple[Span, ...]
BlockKind = Literal["heading", "paragraph", "bullets", "numbered"]


@dataclass(frozen=True)
class BodyBlock:
    """A heading or paragraph (one line of spans), or a list (one line of spans per item)."""

    kind: BlockKind
    lines: tuple[Spans, ...]
    level: int = 0  # 1 to 3 for a heading


_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_BULLET = re.compile(r"\s{0,3}[-*+]\s+(.*)")
_NUMBERED = re.compile(r"\s{0,3}\d{1,9}[.)]\s+(.*)")
_SPACES = re.compile(r"[ \t]+")
_RULE = re.compile(r"\s{0,3}([-*_])(?:\s*\1){2,}\s*")
# Characters a backslash may escape, and those written escaped so they stay plain text.
_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!<>|~&")
_WRITE_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START_ESCAPED = re.compile(r"^(\s*)(?:([#+\-])|(\d+)([.)]))")


def _opens(text: str, at: int, marker: str) -> bool:
    after = text[at + len(marker) : at + len(marker) + 1]
    if not after or after.isspace():
        return False
    # snake_case_words stay as typed: "_" only counts at a word's edge.
    return not (marker[0] == "_" and at > 0 and text[at - 1].isalnum())


def _closes(text: str, at: int, marker: str) -> bool:
    if at == 0 or text[at - 1].isspace():
        return False
    after = text[at + len(marker) : at + len(marker) + 1]
    return not (marker[0] == "_" and after.isalnum())


def _last_closer(text: str, marker: str) -> int:
    """Where the last `marker` that could close emphasis starts; -1 when none can."""
    at = text.rfind(marker)
    while at != -1 and not _closes(text, at, marker):
        at = text.rfind(marker, 0, at + len(marker) - 1)
    return at


def inline_spans(text: str) -> Spans:
    """**bold**, __bold__, *italic* and _italic_ in one line; a backslash keeps a mark plain.
    Runs of spaces are one space, as any Markdown shows them."""
    text = _SPACES.sub(" ", text)
    spans: list[Span] = []
    chars: list[str] = []
    open_marks: dict[bool, str | None] = {True: None, False: None}  # bold? -> its marker
    # A mark opens emphasis only if a closing one follows: known up front, so a long text
    # full of lone marks is read in one pass.
    last_closer = {marker: _last_closer(text, marker) for marker in ("**", "__", "*", "_")}

    def flush() -> None:
        if chars:
            style = (open_marks[True] is not None, open_marks[False] is not None)
            if spans and (spans[-1].bold, spans[-1].italic) == style:
                spans[-1] = Span(spans[-1].text + "".join(chars), *style)
            else:
                spans.append(Span("".join(chars), *style))
            chars.clear()

    at = 0
    while at < len(text):
        ch = text[at]
        if ch == "\\" and text[at + 1 : at + 2] in _ESCAPABLE and at + 1 < len(text):
            chars.append(text[at + 1])
            at += 2
            continue
        if ch in "*_":
            choices = (
                [(ch * 2, True), (ch, False)] if text.startswith(ch * 2, at) else [(ch, False)]
            )
            for marker, bold in choices:
                current = open_marks[bold]
                closing = current == marker and _closes(text, at, marker)
                opening = (
                    current is None
                    and _opens(text, at, marker)
                    and last_closer[marker] > at + len(marker)
                )
                if closing or opening:
                    flush()
                    open_marks[bold] = None if closing else marker
                    at += len(marker)
                    break
            else:
                chars.append(ch)
                at += 1
            continue
        chars.append(ch)
        at += 1
    flush()
    # Spaces at the edges of a line show as nothing (a mark may have stood before them).
    if spans:
        spans[0] = replace(spans[0], text=spans[0].text.lstrip(" "))
        spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip(" "))
    return tuple(span for span in spans if span.text)


def parse_body(text: str) -> tuple[BodyBlock, ...]:
    """The guide's body as blocks. Anything outside the subset stays as plain text."""
    blocks: list[BodyBlock] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    list_kind: BlockKind | None = None

    def end_block() -> None:
        nonlocal list_kind
        if paragraph:
            blocks.append(BodyBlock("paragraph", (inline_spans(" ".join(paragraph)),)))
            paragraph.clear()
        if items and list_kind is not None:
            lines = tuple(inline_spans(" ".join(part for part in item if part)) for item in items)
            blocks.append(BodyBlock(list_kind, lines))
            items.clear()
        list_kind = None

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        heading = _HEADING.fullmatch(raw.lstrip()) if len(raw) - len(raw.lstrip()) < 4 else None
        bullet, numbered = _BULLET.fullmatch(raw), _NUMBERED.fullmatch(raw)
        if not line or _RULE.fullmatch(raw):
            end_block()
        elif heading:
            end_block()
            level = min(len(heading[1]), 3)
            blocks.append(BodyBlock("heading", (inline_spans(heading[2]),), level))
        elif bullet or numbered:
            kind: BlockKind = "bullets" if bullet else "numbered"
            if kind != list_kind:
                end_block()
                list_kind = kind
            items.append([(bullet or numbered)[1].strip()])  # type: ignore[index]
        elif items:
            items[-1].append(line)  # a continuation of the item, indented or not
        else:
            paragraph.append(line)
    end_block()
    return tuple(
        block for block in blocks if any(span.text.strip() for s in block.lines for span in s)
    )


def _escaped(text: str) -> str:
    return _WRITE_ESCAPED.sub(r"\\\1", text)


def _spans_markdown(spans: Spans) -> str:
    written = []
    for span in spans:
        core = span.text.strip()
        if not core:
            written.append(" " if span.text else "")
            continue
        lead = " " if span.text[0].isspace() else ""
        tail = " " if span.text[-1].isspace() else ""
        mark = ("**" if span.bold else "") + ("*" if span.italic else "")
        written.append(f"{lead}{mark}{_escaped(core)}{mark[::-1]}{tail}")
    line = "".join(written)
    # "1." or "#" at the start of a paragraph would turn it into a list or a heading.
    return _LINE_START_ESCAPED.sub(_escape_start, line, count=1)


def _escape_start(match: re.Match[str]) -> str:
    space, mark, number, dot = match.groups()
    return f"{space}\\{mark}" if mark else f"{space}{number}\\{dot}"


def body_markdown(blocks: Sequence[BodyBlock]) -> str:
    """Canonical Markdown of `blocks`, for QTextDocument.setMarkdown (use MarkdownNoHTML)."""
    written = []
    for block in blocks:
        if block.kind == "heading":
            written.append("#" * block.level + " " + _spans_markdown(block.lines[0]))
        elif block.kind == "paragraph":
            written.append(_spans_markdown(block.lines[0]))
        else:
            marks = (f"{n}." if block.kind == "numbered" else "-" for n in range(1, 1000))
            lines = zip(marks, block.lines, strict=False)
            written.append("\n".join(f"{mark} {_spans_markdown(spans)}" for mark, spans in lines))
    return "\n\n".join(written) + ("\n" if written else "")


def plain_text(blocks: Sequence[BodyBlock]) -> str:
    """The body as plain text (an email's text part): lists with "•" and "1.", no marks."""
    written = []
    for block in blocks:
        texts = ["".join(span.text for span in spans) for spans in block.lines]
        if block.kind == "bullets":
            texts = [f"• {text}" for text in texts]
        elif block.kind == "numbered":
            texts = [f"{number}. {text}" for number, text in enumerate(texts, start=1)]
        written.append("\n".join(texts))
    return "\n\n".join(written)
