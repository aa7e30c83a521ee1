"""Member text as stored: markdown rendered through the board's narrow allow-list, one-line fields."""

from __future__ import annotations

from functools import partial

import bleach
from bleach.callbacks import nofollow
from bleach.linkifier import LinkifyFilter

from elearn.board.filters import printable
from elearn.core import markdown as md

# What user markdown on the board may become: text structure and links, no media or embeds
# (members cannot upload, and a public board needs no iframes), on top of core.markdown's allow-list.
BOARD_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "dd",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
_board_cleaner = bleach.Cleaner(
    tags=BOARD_TAGS,
    attributes=md._allowed_attribute,
    protocols={"http", "https", "mailto"},
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[nofollow], parse_email=False, skip_tags={"pre", "code"})],
)


def render_markdown(text: str, id_prefix: str) -> str:
    """Markdown from a member → safe HTML, once when saved: core.markdown, then the board's narrower allow-list.

    Bare web addresses become links; every link gets rel="nofollow".
    """
    return _board_cleaner.clean(md.render(text, id_prefix=id_prefix))


def _line(value: str) -> str:
    """A one-line text field as stored: no control characters or line breaks, no outer spaces."""
    return printable(value or "", keep_lines=False).strip()
