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

import html5lib

from elearn.core.markdown import VIDEO_EMBED_HOSTS, Removed, render
from elearn.courses.frontmatter import Document
from elearn.courses.loader.files import file_version
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.tracks import vtt_problems

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
AUDIO_EXTENSIONS = {".mp3", ".ogg", ".m4a"}
VIDEO_EXTENSIONS = {".mp4", ".webm"}
TRACK_EXTENSIONS = {".vtt"}  # captions, subtitles, audio descriptions (WebVTT)
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | TRACK_EXTENSIONS | {".pdf"}
# What each element of a body may load (a video's poster is checked as "poster").
KINDS_OF_TAG = {
    "img": IMAGE_EXTENSIONS,
    "poster": IMAGE_EXTENSIONS,
    "audio": AUDIO_EXTENSIONS | VIDEO_EXTENSIONS,
    "video": AUDIO_EXTENSIONS | VIDEO_EXTENSIONS,
    "source": AUDIO_EXTENSIONS | VIDEO_EXTENSIONS,
    "track": TRACK_EXTENSIONS,
}
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
_VIDEO_RE = re.compile(r"<video\b", re.IGNORECASE)
_SHOWN_HEADINGS = 12


def render_body(reader: CourseReader, path: Path, doc: Document, logical: str, addresses: dict[str, str]) -> str:
    return Rewriter(reader, path, doc, logical, addresses).render(doc.body)


def language_of(reader: CourseReader, path: Path) -> str:
    """The language a file is written in: its variant's (``locales/lv-LV/…`` → lv), else the course's."""
    parts = reader.in_course(path).split("/")
    return parts[1].split("-")[0] if parts[0] == "locales" and len(parts) > 2 else reader.language


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
        self.written: dict[str, int] = {}  # any address in the HTML → the line it was written on

    # -- rendering -------------------------------------------------------------------------

    def render(self, text: str) -> str:
        """Markdown to safe HTML, links rewritten; records the page's ids and checks its images."""
        removed: list[Removed] = []
        result = _IMG_RE.sub(self._image, render(text, self, removed=removed))
        self._report_removed(removed)
        self._check_videos(result)
        ids = self.reader.page_ids.setdefault(self.actual, {})
        for tag, value in _ID_RE.findall(result):
            ids.setdefault(html.unescape(value), bool(_HEADING.fullmatch(tag)))
        return result

    def _report_removed(self, removed: list[Removed]) -> None:
        """Warn about what the cleaner dropped from the page learners see, unless a problem names it already."""
        reported = " ".join(p.message for p in self.reader.problems if p.path == self.reader.rel(self.path))
        for element in removed:
            if element.address and element.address in reported:
                continue
            line = self.line_of(element.address) if element.address else self.line_of(f"<{element.tag}")
            self.reader.warn(self.path, line, _removal_message(element))

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

    def _check_videos(self, html_text: str) -> None:
        """Every ``<video>`` written in raw HTML has a captions (or subtitles) track in the file's language."""
        if not _VIDEO_RE.search(html_text):
            return
        language = self.language
        fragment = html5lib.parseFragment(html_text, treebuilder="etree", namespaceHTMLElements=False)
        for video in fragment.iter("video"):
            languages = {
                track.get("srclang")
                for track in video.iter("track")
                if track.get("src") and track.get("kind", "subtitles") in {"captions", "subtitles"}
            }
            if language in languages:
                continue
            sources = [video.get("src"), *(source.get("src") for source in video.iter("source"))]
            line = next((self.written[s] for s in sources if s in self.written), self.line_of("<video"))
            self.reader.problem(
                self.path,
                line,
                f"video without captions in {language}: add "
                f'<track kind="captions" srclang="{language}" src="…/media/….{language}.vtt"> inside the <video>',
            )

    @property
    def language(self) -> str:
        return language_of(self.reader, self.path)

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
        self.written[result or url] = line
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
                what = "image" if tag in {"img", "poster"} else "media file"
                self.reader.problem(
                    self.path,
                    line,
                    f"{what} {url} is on another site: learners' browsers load nothing from other sites; "
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
                return media_url(self.reader, self.path, line, media, kinds=KINDS_OF_TAG.get(tag))
            self.reader.problem(self.path, line, f"broken link: {parts.path} does not exist")
            return None
        if found.startswith("media/"):
            return media_url(self.reader, self.path, line, found, kinds=KINDS_OF_TAG.get(tag))
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


def _removal_message(element: Removed) -> str:
    """What the trainer reads about an element the cleaner removed, and what to write instead."""
    tag, address = element.tag, element.address
    attribute = "href" if tag == "a" else "src"
    written = f'<{tag} {attribute}="{address}">' if address else f"<{tag}> without {attribute}"
    if tag == "iframe":
        hosts = " or ".join(f"https://{host}/" for host in sorted(VIDEO_EMBED_HOSTS))
        why = f"only video players from {hosts} can be embedded; or link to the video"
    elif tag == "a":
        why = (
            f"only {', '.join(SAFE_SCHEMES)} and relative links are kept; its text stays as plain text"
            if address
            else "its text stays as plain text; give it an href, or an id if it is a link target"
        )
    else:
        why = "learners' browsers load images and recordings only from the course's media/ folder"
    return f"removed {written} from the page: {why}"


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


def media_url(reader: CourseReader, path: Path, line: int, target: str, *, kinds: set[str] | None = None) -> str | None:
    """The address of a file in the course's ``media/`` folder, versioned by its content (``?v=``);
    a WebVTT file is parsed, once per course, its problems reported at their lines."""
    file = reader.dir / target
    suffix = file.suffix.lower()
    allowed = kinds or MEDIA_EXTENSIONS
    if suffix not in allowed:
        reader.problem(path, line, f"file type not allowed: {target} (allowed: {', '.join(sorted(allowed))})")
        return None
    if not file.is_file() or ".." in target.split("/"):
        reader.problem(path, line, f"media file not found: {target}")
        return None
    if suffix in TRACK_EXTENSIONS and target not in reader.checked_tracks:
        reader.checked_tracks.add(target)
        for vtt_line, message in vtt_problems(file):
            reader.problem(file, vtt_line, message)
    return f"/courses/{reader.slug}/{target}?v={file_version(file)}"
