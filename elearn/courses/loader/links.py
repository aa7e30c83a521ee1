"""Links and media in a course's markdown: relative links become page addresses, media paths media URLs.

**One rule for paths**: a path is relative to the file it is written in, as a markdown
preview on the trainer's computer or on GitHub resolves it, in a translation under
``locales/<tag>/`` too (from ``locales/lv-LV/01-m/01-u.md``, ``../../../media/x.png``).
The old form of a translation's paths, written as if the file sat in the source folder
(``../media/x.png`` from that file), still works but is a warning that says how to write
it. Either way learners get the same addresses: a page's, made of stable ids, or the
media file's URL.

Problems of the file a link is in: a broken link, a missing media file, a file type not
allowed, an unsafe link scheme (HTML entities decoded first), an image from another site
or without alternative text (unless marked decorative with the title ``"decorative"``),
and, checked once every page is rendered (:func:`check_anchors`), an anchor that matches
no id of the page learners of that version see — heading ids come from the renderer itself.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from elearn.core.markdown import render
from elearn.courses.frontmatter import Document
from elearn.courses.loader.reader import CourseReader

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
AUDIO_EXTENSIONS = {".mp3", ".ogg", ".m4a"}
VIDEO_EXTENSIONS = {".mp4", ".webm"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | {".pdf"}
VIDEO_LINK_HOSTS = {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com"}

# The schemes the HTML cleaner keeps (elearn.core.markdown); any other is removed from the page.
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
UNSAFE_SCHEMES = {"javascript", "vbscript", "data", "file"}
DECORATIVE = "decorative"  # the title that marks an image without alternative text as decorative

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_SKIPPED_IN_SCHEME = re.compile(r"[\x00-\x20]")  # browsers ignore these in a scheme ("java\tscript:")
_IMG_RE = re.compile(r"<img\b[^>]*>")
_ATTR_RE = re.compile(r'\s([a-z-]+)="([^"]*)"')
_ID_RE = re.compile(r'<(\w+)\b[^>]*?\sid="([^"]*)"')
_HEADING = re.compile(r"h[1-6]")
_SHOWN_HEADINGS = 12


def render_body(reader: CourseReader, path: Path, doc: Document, logical: str, addresses: dict[str, str]) -> str:
    return Rewriter(reader, path, doc, logical, addresses).render(doc.body)


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (entities decoded, spaces and controls skipped), lowercase."""
    match = _SCHEME_RE.match(_SKIPPED_IN_SCHEME.sub("", html.unescape(url)))
    return match.group(1).lower() if match else None


class Rewriter:
    """The link rewriter of one file (an ``elearn.core.markdown.UrlRewriter``) and its checks.

    ``logical`` is where the file sits in the course's layout (``01-m/01-u.md``; for a
    translation, its path inside ``locales/<tag>/``), ``addresses`` the page address of each
    logical path. Call :meth:`render` for every text of the file, so that its images and
    ids are checked and recorded.
    """

    def __init__(self, reader: CourseReader, path: Path, doc: Document, logical: str, addresses: dict[str, str]):
        self.reader = reader
        self.path = path
        self.doc = doc
        self.logical = logical
        self.addresses = addresses
        self.actual = reader.in_course(path)  # where the file is: links are relative to it
        self.prefix = self.actual[: len(self.actual) - len(logical)]  # "locales/<tag>/" or ""
        self.images: dict[str, tuple[int, str]] = {}  # src in the HTML → (line, path as written)

    # -- rendering -------------------------------------------------------------------------

    def render(self, text: str) -> str:
        """Markdown to safe HTML, links rewritten; records the page's ids and checks its images."""
        result = _IMG_RE.sub(self._image, render(text, self))
        ids = self.reader.page_ids.setdefault(self.actual, {})
        for tag, value in _ID_RE.findall(result):
            ids.setdefault(html.unescape(value), bool(_HEADING.fullmatch(tag)))
        return result

    def _image(self, match: re.Match) -> str:
        tag = match.group(0)
        attributes = {name: html.unescape(value) for name, value in _ATTR_RE.findall(tag)}
        if attributes.get("alt", "").strip() or "src" not in attributes:  # no src: reported as broken
            return tag
        if attributes.get("title", "").strip().lower() == DECORATIVE:  # alt="" and no tooltip
            return re.sub(r'\stitle="[^"]*"', "", tag)
        line, written = self.images.get(attributes["src"], (self.doc.body_first_line, attributes["src"]))
        self.reader.problem(
            self.path,
            line,
            f"image {written} has no alternative text: describe it, e.g. ![A reuse centre's sorting line]({written}), "
            f'or mark a purely decorative image with the title "{DECORATIVE}": ![]({written} "{DECORATIVE}")',
        )
        return tag

    def line_of(self, url: str) -> int:
        for offset, text in enumerate(self.doc.body.split("\n")):
            if url in text:
                return self.doc.body_first_line + offset
        return self.doc.body_first_line

    # -- links -----------------------------------------------------------------------------

    def __call__(self, url: str, tag: str) -> str | None:
        line = self.line_of(url)
        result = self._rewrite(url, tag, line)
        if tag == "img":
            self.images[result or url] = (line, url)
        return result

    def _rewrite(self, url: str, tag: str, line: int) -> str | None:
        scheme = link_scheme(url)
        if scheme and scheme not in SAFE_SCHEMES:
            allowed = f"only {', '.join(SAFE_SCHEMES)} and relative links are allowed"
            if scheme in UNSAFE_SCHEMES:
                self.reader.problem(self.path, line, f"unsafe link scheme '{scheme}:' — {allowed}")
            else:
                self.reader.problem(self.path, line, f"link scheme '{scheme}:' is not allowed — {allowed}")
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if tag != "a":
                self.reader.problem(
                    self.path,
                    line,
                    f"image {url} is on another site: learners' browsers load nothing from other sites; "
                    "put the file in the course's media/ folder and link to it",
                )
            return None
        if url.startswith("/"):
            return None
        if not parts.path:  # "#anchor": this page
            if parts.fragment:
                self._expect_anchor(line, posixpath.basename(self.actual), self.logical, parts.fragment)
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.actual), parts.path))
        found = self._find(target)
        old = None
        if found is None and self.prefix:  # the old form: as if the file sat in the source folder
            old = posixpath.normpath(posixpath.join(posixpath.dirname(self.logical), parts.path))
            found = self._find(old, source_only=True)
            if found is not None:
                anchor = f"#{parts.fragment}" if parts.fragment else ""
                rewritten = posixpath.relpath(old, posixpath.dirname(self.actual)) + anchor
                self.reader.warn(
                    self.path,
                    line,
                    f"{url} is written as if this file sat in the course's source folder; "
                    f"a path is relative to the file it is in: write {rewritten}",
                )
        if found is None:
            media = next((t for t in (target, old) if t and t.startswith("media/")), None)
            if media:
                return media_url(self.reader, self.path, line, media, images_only=tag == "img")
            self.reader.problem(self.path, line, f"broken link: {parts.path} does not exist")
            return None
        if found.startswith("media/"):
            return media_url(self.reader, self.path, line, found, images_only=tag == "img")
        if parts.fragment:
            self._expect_anchor(line, parts.path, found, parts.fragment)
        return self.addresses[found] + (f"#{parts.fragment}" if parts.fragment else "")

    def _find(self, target: str, *, source_only: bool = False) -> str | None:
        """The logical path of an existing media file or page at course-relative ``target``, else None."""
        if target == ".." or target.startswith("../"):
            return None
        if target.startswith("media/"):
            return target if (self.reader.dir / target).is_file() else None
        logical = target
        if self.prefix and not source_only and target.startswith(self.prefix):
            logical = target[len(self.prefix) :]
            if logical.startswith("media/"):  # a variant has no media folder of its own
                return None
        elif target.startswith("locales/"):
            return None
        return logical if logical in self.addresses and (self.reader.dir / target).is_file() else None

    def _expect_anchor(self, line: int, written: str, logical: str, fragment: str) -> None:
        """Checked by check_anchors against the page learners of this file's version see."""
        candidates = []
        if self.prefix:
            candidates.append(self.prefix + logical)
            tag = self.prefix.split("/")[1]
            if "-" in tag:  # a country variant shows its language's translation next
                candidates.append(f"locales/{tag.split('-')[0]}/{logical}")
        candidates.append(logical)
        self.reader.anchors.append((self.path, line, written, candidates, unquote(fragment)))


def check_anchors(reader: CourseReader) -> None:
    """Every ``file.md#anchor`` names an id of that page as its learners see it (``#top`` always works)."""
    for path, line, written, candidates, fragment in reader.anchors:
        ids = next((reader.page_ids[c] for c in candidates if c in reader.page_ids), None)
        if ids is None or fragment in ids or fragment.lower() == "top":
            continue  # a page that did not render has its own problems
        headings = [f"#{i}" for i, heading in ids.items() if heading]
        if not headings:
            listed = "it has no headings"
        else:
            more = ", …" if len(headings) > _SHOWN_HEADINGS else ""
            listed = f"its headings: {', '.join(headings[:_SHOWN_HEADINGS])}{more}"
        reader.problem(path, line, f"heading #{fragment} not found in {written}; {listed}")


def media_url(reader: CourseReader, path: Path, line: int, target: str, *, images_only=False, kinds=None) -> str | None:
    file = reader.dir / target
    suffix = file.suffix.lower()
    allowed = IMAGE_EXTENSIONS if images_only else kinds or MEDIA_EXTENSIONS
    if suffix not in allowed:
        reader.problem(path, line, f"file type not allowed: {target} (allowed: {', '.join(sorted(allowed))})")
        return None
    if not file.is_file() or ".." in target.split("/"):
        reader.problem(path, line, f"media file not found: {target}")
        return None
    return f"/courses/{reader.slug}/{target}"


def check_interview_media(reader: CourseReader, path: Path, doc: Document, meta: dict) -> None:
    media = meta["media"]
    line = doc.line_of("media")
    parts = urlsplit(media)
    if parts.scheme:
        if parts.scheme != "https" or parts.hostname not in VIDEO_LINK_HOSTS:
            reader.problem(path, line, f"video host not allowed: {media} (use YouTube or Vimeo, or a file in media/)")
    else:
        target = posixpath.normpath(media)
        if not target.startswith("media/"):
            reader.problem(path, line, f"media must be a file in the course's media/ folder: {media}")
        else:
            url = media_url(reader, path, line, target, kinds=AUDIO_EXTENSIONS | VIDEO_EXTENSIONS)
            if url:
                meta["media_url"] = url
                meta["media_type"] = "audio" if posixpath.splitext(target)[1].lower() in AUDIO_EXTENSIONS else "video"
    if not doc.body.strip():
        reader.problem(path, line, "interview with media needs a transcript in its body")
