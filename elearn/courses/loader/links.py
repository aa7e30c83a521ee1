"""Links and media in a course's markdown: relative links become page addresses, media paths media URLs.

A broken link, a missing media file or a file type not allowed is a problem of the file it is in.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from elearn.core.markdown import render
from elearn.courses.frontmatter import Document
from elearn.courses.loader.reader import CourseReader

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
AUDIO_EXTENSIONS = {".mp3", ".ogg", ".m4a"}
VIDEO_EXTENSIONS = {".mp4", ".webm"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | {".pdf"}
VIDEO_LINK_HOSTS = {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com"}


def render_body(reader: CourseReader, path: Path, doc: Document, logical: str, addresses: dict[str, str]) -> str:
    return render(doc.body, rewriter(reader, path, doc, logical, addresses))


def rewriter(reader: CourseReader, path: Path, doc: Document, logical: str, addresses: dict[str, str]):
    """Turn relative links into page addresses and media paths into media URLs."""

    def line_of(url: str) -> int:
        for offset, text in enumerate(doc.body.split("\n")):
            if url in text:
                return doc.body_first_line + offset
        return doc.body_first_line

    def rewrite(url: str, tag: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "/")):
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(logical), parts.path))
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        if target.startswith("media/"):
            return media_url(reader, path, line_of(url), target, images_only=tag == "img")
        if target in addresses:
            return addresses[target] + anchor
        reader.problem(path, line_of(url), f"broken link: {parts.path} does not exist")
        return None

    return rewrite


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
