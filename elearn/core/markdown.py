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


def sanitize(html: str) -> str:
    """Clean HTML on the allow-list. Safe for any input."""
    return _cleaner.clean(_DROP_WITH_CONTENT.sub("", html))


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


def render(text: str, rewrite: UrlRewriter | None = None, *, id_prefix: str = "") -> str:
    """Render trainer or user markdown to sanitised HTML.

    ``id_prefix`` keeps heading and footnote ids unique when several bodies share a page.
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
    return sanitize(html)


def render_inline(text: str) -> str:
    """Render a short text (a quiz choice, feedback) without a wrapping paragraph."""
    html = render(text)
    match = re.fullmatch(r"<p>(.*)</p>", html.strip(), re.DOTALL)
    return match.group(1) if match and "<p>" not in match.group(1) else html
