"""Word-level differences between two texts, as translators read them.

:func:`word_diff` compares line by line first and, inside a block of changed lines, word
by word (``difflib`` on word, space and punctuation tokens), so a changed word shows as
that word struck out and its replacement, not as two whole lines. Long stretches that did
not change are left out around the changes (a :data:`SKIP` segment says how many lines).

The result is plain data; ``templates/localisation/_diff.html`` prints it as ``<del>`` and
``<ins>`` with words for screen readers, escaped like every other text on the page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

EQUAL, INSERT, DELETE, SKIP = "equal", "insert", "delete", "skip"

# a run of spaces (line breaks included), a word (letters, digits, _ in any script), or one other character
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT, DELETE or SKIP
    text: str = ""
    lines: int = 0  # SKIP: how many unchanged lines are left out here

    @property
    def blank(self) -> bool:
        """Only spaces or line breaks: the page shows a sign for them, else the change is invisible."""
        return not self.text.strip()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str, *, context: int | None = 2) -> list[Segment]:
    """How ``new`` differs from ``old``; [] when they are the same.

    ``context``: unchanged lines kept before and after each change (``None`` keeps all)."""
    old, new = _lf(old), _lf(new)
    if old == new:
        return []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    raw: list[Segment] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            raw.append(Segment(EQUAL, before))
        elif op == "delete":
            raw.append(Segment(DELETE, before))
        elif op == "insert":
            raw.append(Segment(INSERT, after))
        else:
            raw.extend(_words(before, after))
    segments = _group_changes(raw)
    return segments if context is None else _collapse(segments, context)


def _lf(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _words(old: str, new: str) -> list[Segment]:
    a, b = tokens(old), tokens(new)
    found = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            found.append(Segment(EQUAL, "".join(a[a1:a2])))
            continue
        if a2 > a1:
            found.append(Segment(DELETE, "".join(a[a1:a2])))
        if b2 > b1:
            found.append(Segment(INSERT, "".join(b[b1:b2])))
    return found


def _group_changes(raw: list[Segment]) -> list[Segment]:
    """One deletion then one insertion per run of changes; a lone space between two changes
    belongs to both (``-a b+ +c d+`` reads better than ``-a+ +c+ -b+ +d+``)."""
    result: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            result.append(Segment(DELETE, "".join(deleted)))
        if inserted:
            result.append(Segment(INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for index, segment in enumerate(raw):
        if not segment.text:
            continue
        if segment.op == DELETE:
            deleted.append(segment.text)
        elif segment.op == INSERT:
            inserted.append(segment.text)
        elif (
            (deleted or inserted)
            and segment.text.isspace()
            and "\n" not in segment.text
            and any(s.op != EQUAL for s in raw[index + 1 : index + 2])
        ):
            deleted.append(segment.text)
            inserted.append(segment.text)
        else:
            flush()
            if result and result[-1].op == EQUAL:
                result[-1] = Segment(EQUAL, result[-1].text + segment.text)
            else:
                result.append(segment)
    flush()
    return result


def _collapse(segments: list[Segment], context: int) -> list[Segment]:
    """Leave out the unchanged lines more than ``context`` lines away from any change."""
    result: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment.op != EQUAL:
            result.append(segment)
            continue
        parts = segment.text.split("\n")  # parts[0] ends the line of the change before, parts[-1] begins the next
        keep_head = 0 if index == 0 else context + 1
        keep_tail = 0 if index == last else context + 1
        left_out = len(parts) - keep_head - keep_tail
        if index == last and parts[-1] == "":
            left_out -= 1  # the text's last line break begins no line
        if left_out < 2:
            result.append(segment)
            continue
        head, tail = parts[:keep_head], parts[len(parts) - keep_tail :] if keep_tail else []
        if head:
            result.append(Segment(EQUAL, "\n".join(head) + "\n"))
        result.append(Segment(SKIP, lines=left_out))
        if tail:
            result.append(Segment(EQUAL, "\n".join(tail)))
    return result
