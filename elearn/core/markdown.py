"""Markdown → safe HTML, done once when content enters the system (import, web edit).

:func:`render` converts markdown with the extensions trainers are promised in
``docs/authoring.md`` (tables, heading anchors, footnotes, admonitions, fenced
code), lets the caller rewrite every link and image address (relative links between
course files become page addresses; ``media/`` paths become media URLs), and then
cleans the result with bleach on an allow-list. The allow-list is the security
boundary: whatever markdown or raw HTML produced, only the tags, attributes and URL
schemes below survive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import bleach
import html5lib
import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

# Called with (url, tag) for every <a href>, <img|audio|video|source|track src> and <video poster>
# (tag "poster"), in markdown or raw HTML; returns the address to use instead, or None to keep
# it. Raising nothing: problems are collected by the caller (the course loader records broken
# links with their line).
UrlRewriter = Callable[[str, str], "str | None"]

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "audio",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "iframe",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "source",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "track",
        "u",
        "ul",
        "video",
    ]
)

VIDEO_EMBED_HOSTS = frozenset({"www.youtube-nocookie.com", "player.vimeo.com"})
ALLOWED_CLASSES = frozenset(
    [
        "admonition",
        "admonition-title",
        "note",
        "tip",
        "warning",
        "important",
        "danger",
        "footnote",
        "footnote-ref",
        "footnote-backref",
        "footnotes",
    ]
)
_ID_RE = re.compile(r"^[A-Za-z][\w:.-]{0,99}$", re.UNICODE)


def _local_src(value: str) -> bool:
    """Media must come from this site: a path, never another host (no third-party requests)."""
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(c in ALLOWED_CLASSES for c in value.split())
    if name == "id":
        return bool(_ID_RE.match(value))
    if name in {"title", "lang", "dir"}:
        return True
    allowed = {
        "a": {"href", "rel"},
        "img": {"alt", "width", "height", "loading"},
        "th": {"colspan", "rowspan", "scope", "align"},
        "td": {"colspan", "rowspan", "align"},
        "ol": {"start", "reversed"},
        "audio": {"controls", "preload"},
        "video": {"controls", "preload", "width", "height", "poster"},
        "source": {"type"},
        "track": {"kind", "srclang", "label", "default"},
        "iframe": {"width", "height", "allowfullscreen"},
        "details": {"open"},
        "abbr": set(),
        "q": {"cite"},
    }.get(tag, set())
    if name in allowed:
        if name == "poster":
            return _local_src(value)
        return True
    if name == "src":
        if tag == "iframe":
            parts = urlsplit(value)
            return parts.scheme == "https" and parts.hostname in VIDEO_EMBED_HOSTS
        if tag in {"img", "audio", "video", "source", "track"}:
            return _local_src(value)
    return False


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols={"http", "https", "mailto", "tel"},
    strip=True,
    strip_comments=True,
)

# Elements removed with their content before cleaning (bleach would keep their text).
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|noscript|svg|math|template|textarea|title|xmp|noembed|noframes)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Removed:
    """An element the cleaner took out because what it needs was not allowed: ``tag``, and the
    address as written (``""`` when there was none), so that the course loader can tell the trainer."""

    tag: str
    address: str


# Elements that are debris without their address: an empty frame, an image that shows nothing,
# a "link" that goes nowhere, a player without a recording. The cleaner removes a disallowed
# address (another site's frame or image, a javascript: link); then the element goes too (a
# link keeps its text).
_NEEDS = {"iframe": "src", "img": "src", "a": "href", "source": "src", "track": "src"}
# After cleaning (attributes quoted): an element of _NEEDS without its attribute, or a player to look into
_DEBRIS_RE = re.compile(
    r"<(?:(?:iframe|img|source|track)(?![^>]*\ssrc=)|a(?![^>]*\s(?:href|id)=))[\s/>]|<(?:audio|video)\b",
    re.IGNORECASE,
)


def sanitize(html: str, removed: list[Removed] | None = None) -> str:
    """Clean HTML on the allow-list. Safe for any input. What the cleaning leaves as debris
    (see ``_NEEDS``) is dropped, and listed in ``removed`` if given."""
    cleaned = _cleaner.clean(_DROP_WITH_CONTENT.sub("", html))
    if not _DEBRIS_RE.search(cleaned):
        return cleaned
    if removed is not None:
        removed.extend(_would_lose_address(_DROP_WITH_CONTENT.sub("", html)))
    return _without_debris(cleaned)


def _kept(tag: str, attribute: str, value: str) -> bool:
    if tag == "a":  # bleach keeps a link's address if it is relative or of an allowed scheme
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", value), re.IGNORECASE)
        return scheme is None or scheme.group(1).lower() in _cleaner.protocols
    return _allowed_attribute(tag, attribute, value)


def _would_lose_address(html: str) -> list[Removed]:
    """The elements of the HTML before cleaning that the cleaning leaves without their address."""
    found: list[Removed] = []
    inside_removed: set[int] = set()
    for element in html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if id(element) in inside_removed:
            continue
        if tag in {"audio", "video"}:
            if not _player_plays(element, _kept):
                found.append(Removed(tag, element.get("src") or ""))
                inside_removed.update(id(e) for e in element.iter())
        elif tag in _NEEDS and (tag != "a" or element.get("id") is None):
            value = element.get(_NEEDS[tag]) or ""
            if not value or not _kept(tag, _NEEDS[tag], value):
                found.append(Removed(tag, value))
    return found


def _player_plays(element, kept) -> bool:
    """An ``<audio>`` or ``<video>`` with a recording: its own ``src`` or a ``<source>``'s."""
    sources = [element.get("src"), *(source.get("src") for source in element.iter("source"))]
    return any(src and kept("source", "src", src) for src in sources)


def _without_debris(html: str) -> str:
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    emptied: set[int] = set()
    for parent in list(fragment.iter()):
        for index, child in reversed(list(enumerate(parent))):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in {"audio", "video"}:
                debris = not _player_plays(child, lambda *_: True)
            elif tag == "a":
                debris = child.get("href") is None and child.get("id") is None  # an anchor with an id is a target
            else:
                debris = tag in _NEEDS and child.get(_NEEDS[tag]) is None
            if not debris:
                continue
            if tag == "a":  # the link goes, its text stays
                _unwrap(parent, index, child)
            else:
                _remove(parent, index, child)
                emptied.add(id(parent))
    for parent in list(fragment.iter()):  # a paragraph that held only what went goes with it
        for index, child in reversed(list(enumerate(parent))):
            if id(child) in emptied and child.tag == "p" and not len(child) and not (child.text or "").strip():
                _remove(parent, index, child)
    return html5lib.serialize(fragment, tree="etree", quote_attr_values="always", omit_optional_tags=False)


def _remove(parent, index: int, child) -> None:
    """Take ``child`` out, keeping the text that followed it."""
    if child.tail:
        if index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _unwrap(parent, index: int, child) -> None:
    """Put ``child``'s text and children in its place."""
    grandchildren = list(child)
    text = (child.text or "") + ("" if grandchildren else child.tail or "")
    if grandchildren and child.tail:
        grandchildren[-1].tail = (grandchildren[-1].tail or "") + child.tail
    if index > 0:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(child)
    for offset, grandchild in enumerate(grandchildren):
        parent.insert(index + offset, grandchild)


class _RewriteUrls(Treeprocessor):
    def __init__(self, md, rewrite: UrlRewriter):
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root):
        for element in root.iter():
            attribute = (
                "href" if element.tag == "a" else "src" if element.tag in {"img", "audio", "video", "source"} else None
            )
            if attribute and element.get(attribute):
                new = self.rewrite(element.get(attribute), element.tag)
                if new is not None:
                    element.set(attribute, new)
            if element.tag == "img":
                element.set("loading", "lazy")


class _RewriteExtension(Extension):
    def __init__(self, rewrite: UrlRewriter):
        super().__init__()
        self.rewrite = rewrite

    def extendMarkdown(self, md):
        md.treeprocessors.register(_RewriteUrls(md, self.rewrite), "elearn_urls", 1)


_RAW_MEDIA = re.compile(r"<(?:audio|video|source|track)\b", re.IGNORECASE)
_MEDIA_TAGS = frozenset({"audio", "video", "source", "track"})


def _rewrite_raw_media(html: str, rewrite: UrlRewriter) -> str:
    """The ``src`` (and a video's ``poster``) of media elements written as raw HTML, which
    markdown passes through untouched: rewritten like markdown's links, so that a relative
    ``../media/talk.vtt`` becomes the media URL instead of being dropped by the cleaner."""
    if not _RAW_MEDIA.search(html):
        return html
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if element.tag not in _MEDIA_TAGS:
            continue
        for attribute, tag in (("src", element.tag), ("poster", "poster")):
            value = element.get(attribute)
            if value and (attribute == "src" or element.tag == "video"):
                new = rewrite(value, tag)
                if new is not None:
                    element.set(attribute, new)
    return html5lib.serialize(fragment, tree="etree", quote_attr_values="always", omit_optional_tags=False)


def render(
    text: str, rewrite: UrlRewriter | None = None, *, id_prefix: str = "", removed: list[Removed] | None = None
) -> str:
    """Render trainer or user markdown to sanitised HTML.

    ``id_prefix`` keeps heading and footnote ids unique when several bodies share a page;
    ``removed`` collects the elements cleaning dropped (see :func:`sanitize`).
    """
    extensions = [
        "tables",
        "fenced_code",
        "sane_lists",
        "admonition",
        "footnotes",
        "toc",
    ]
    config = {
        "toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-4"},
        "footnotes": {"UNIQUE_IDS": bool(id_prefix), "BACKLINK_TITLE": ""},
    }
    if rewrite is not None:
        extensions.append(_RewriteExtension(rewrite))
    md = markdown.Markdown(extensions=extensions, extension_configs=config, output_format="html")
    html = md.convert(text or "")
    if rewrite is not None:
        html = _rewrite_raw_media(html, rewrite)
    if id_prefix:
        html = re.sub(r'\bid="', f'id="{id_prefix}', html)
        html = re.sub(r'href="#', f'href="#{id_prefix}', html)
    return sanitize(html, removed)


def render_inline(text: str) -> str:
    """Render a short text (a quiz choice, feedback) without a wrapping paragraph."""
    html = render(text)
    match = re.fullmatch(r"<p>(.*)</p>", html.strip(), re.DOTALL)
    return match.group(1) if match and "<p>" not in match.group(1) else html
