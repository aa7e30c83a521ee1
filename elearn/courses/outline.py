"""A module page's outline never contradicts its unit list: the unit list is the one truth.

Trainers often list a module's units in the outline of ``module.md`` ("1. **Lesson – Why
…** what it is about"), and translators translate that list, sometimes adapted to their
version. A variant that hides a unit or adds one of its own would then show an outline that
lists a unit learners cannot open and leaves out one they can. So the module page shows the
outline's prose, and its units always from data (the variant's unit list,
:func:`elearn.courses.reading.units`).

The outline's list of units is recognised, not declared: an ordered list at the outline's
top level with one item per unit, either per course unit of the module (as the original
lists them) or per unit the variant shows (as an adapted translation lists them). When both
counts fit, the reading whose items name more of their units' titles wins, the course's on a
tie. That list is taken out of the prose, and what each item says after its bold title
becomes the description of its unit in the list learners see: a hidden unit's description
goes with it, a unit the list does not describe is listed without one. Any other outline is
shown as it was written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup

from elearn.courses.reading import ModuleView, Reading, units

_TITLE_PARAGRAPH = re.compile(r"^\s*<p>\s*<strong>.*?</strong>\s*[-–—:.]?\s*</p>\s*", re.S)
_LEADING_TITLE = re.compile(r"^\s*<strong>(.*?)</strong>\s*[-–—:.]?\s*", re.S)
_ONE_PARAGRAPH = re.compile(r"^\s*<p>((?:(?!<p>).)*)</p>\s*$", re.S)
_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Outline:
    prose: Markup  # the outline without its list of units
    descriptions: dict[str, Markup] = field(default_factory=dict)  # unit slug → what the outline says of it


def module_outline(reading: Reading, module: ModuleView) -> Outline:
    """The module's outline in the reading's variant, its list of units taken out."""
    course_units = [u for u in reading.course.units.get(module.module.id, ()) if u.variant_id is None]
    shown = units(reading, module.module)
    titles: dict[str, set[str]] = {u.slug: {u.title} for u in course_units}
    for view in shown:
        titles.setdefault(view.slug, set()).update({view.title, view.unit.title})
    return split_outline(module.outline_html, [[u.slug for u in course_units], [v.slug for v in shown]], titles)


def split_outline(outline_html: str, orders: list[list[str]], titles: dict[str, set[str]]) -> Outline:
    """Take the list of units out of ``outline_html`` (sanitised HTML). ``orders``: the unit
    slugs an outline may list, the course's first; ``titles``: each unit's titles."""
    as_written = Outline(Markup(outline_html))  # noqa: S704 - sanitised when it entered the system
    if "<ol" not in outline_html:
        return as_written
    best: tuple[int, tuple[int, int], list[tuple[str, str]]] | None = None
    for (start, end), items in _ListFinder(outline_html).lists:
        texts = [outline_html[item_start:item_end] for item_start, item_end in items]
        for order in orders:
            if not order or len(order) != len(texts):
                continue
            pairs = list(zip(order, texts, strict=True))
            score = sum(_names(text, titles.get(slug, set())) for slug, text in pairs)
            if best is None or score > best[0]:
                best = (score, (start, end), pairs)
        if best is not None:
            break  # the first list that fits is the list of units
    if best is None:
        return as_written
    _score, (start, end), pairs = best
    descriptions = {slug: text for slug, text in ((slug, _description(item)) for slug, item in pairs) if text}
    return Outline(Markup(outline_html[:start] + outline_html[end:]), descriptions)  # noqa: S704 - as above


def _plain(text: str) -> str:
    return _NOT_WORD.sub(" ", html.unescape(_TAG.sub(" ", text)).casefold()).strip()


def _names(item: str, titles: set[str]) -> bool:
    """Whether a list item's bold title names one of the unit's titles."""
    match = _LEADING_TITLE.match(_ONE_PARAGRAPH.sub(r"\1", item.strip()).lstrip().removeprefix("<p>"))
    bold = _plain(match.group(1)) if match else ""
    return bool(bold) and any(_plain(title) and _plain(title) in bold for title in titles)


def _description(item: str) -> Markup:
    """What an item says after its bold title: one paragraph's text unwrapped."""
    text = _TITLE_PARAGRAPH.sub("", item, count=1)
    paragraph = _ONE_PARAGRAPH.match(text)
    text = _LEADING_TITLE.sub("", paragraph.group(1) if paragraph else text, count=1).strip()
    return Markup(text)  # noqa: S704 - a whole part of sanitised HTML


class _ListFinder(HTMLParser):
    """The ordered lists at the top level of an HTML fragment: ((start, end), [(item start, item end)])
    as offsets into the text, the items' inner HTML."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self.lists: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
        self.depth = 0  # lists open around the parser
        self.current: tuple[int, list[tuple[int, int]]] | None = None
        self.item_start: int | None = None
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in ("ol", "ul"):
            if self.depth == 0 and tag == "ol":
                self.current = (self._offset(), [])
            self.depth += 1
        elif tag == "li" and self.depth == 1 and self.current is not None:
            self.item_start = self._offset() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag == "li" and self.depth == 1 and self.current is not None and self.item_start is not None:
            self.current[1].append((self.item_start, self._offset()))
            self.item_start = None
        elif tag in ("ol", "ul") and self.depth:
            self.depth -= 1
            if self.depth == 0 and self.current is not None:
                end = self.text.index(">", self._offset()) + 1
                self.lists.append(((self.current[0], end), self.current[1]))
                self.current = None
