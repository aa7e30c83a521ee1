"""A unit's audio or video: the media file, its caption, subtitle and audio description tracks, its
poster and duration (front matter), the WebVTT files of the tracks, and videos in raw HTML.

The front matter of a lesson, an interview or a case story (``docs/authoring.md``, "Audio and video")::

    media: media/reuse-centre.mp4
    poster: media/reuse-centre.jpg
    duration: 95                      # seconds, or "1:35"
    captions:                         # language → WebVTT file in media/
      en: media/reuse-centre.en.vtt
    audio_description:
      en: media/reuse-centre.description.en.vtt

A track in the language of the file (the course's language; a country-only unit's: its
variant's) is the video's **captions**; one in another language is **subtitles**. A video file
needs captions in that language. A translation's ``captions:`` adds its languages' tracks to
the source's (or replaces one of the same language): the video is not copied.

What the player needs is computed here, once, and kept in the unit's meta as ``media_player``
(a :data:`COMPUTED_KEYS` key, never written back to a file): the media URL, its MIME type, the
poster URL and every track (kind, language, URL). Every ``.vtt`` file is parsed with webvtt-py;
its problems are reported at their own line of the ``.vtt`` file (:mod:`.tracks`).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from elearn.courses.frontmatter import Document
from elearn.courses.loader.links import (
    AUDIO_EXTENSIONS,
    IMAGE_EXTENSIONS,
    TRACK_EXTENSIONS,
    VIDEO_EXTENSIONS,
    VIDEO_LINK_HOSTS,
    language_of,
    media_url,
)
from elearn.courses.loader.reader import CourseReader

# Keys the loader adds to a unit's meta for the pages; never front matter (exports drop them).
COMPUTED_KEYS = frozenset({"media_player", "media_url", "media_type"})
TRACK_KEYS = ("captions", "audio_description")  # a translation adds to these language by language
MIME_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
}


def front_matter(meta: dict) -> dict:
    """``meta`` without what the loader computed: the keys a file's front matter holds."""
    return {key: value for key, value in meta.items() if key not in COMPUTED_KEYS}


def check_translation_media(
    reader: CourseReader, path: Path, doc: Document, source: dict, meta: dict, spoken: str, kind: str
) -> None:
    """A translation's media keys: its own tracks added to the source's player (or replacing the
    track of the same language and kind), its own poster; a recording of its own is checked whole.
    Only what the translation's file says is checked here: the source's problems are the source's.
    ``spoken``: the language of the source's recording (the course's); ``kind``: the unit's."""
    if source.get("media") and not doc.body.strip():
        reader.problem(path, doc.line_of("title"), _TRANSCRIPT.format(kind=kind))
    if "media" in meta:  # a recording of its own, in its language, with tracks of its own
        check_media(reader, path, doc, meta, language_of(reader, path), kind=kind, transcript=False)
        return
    own = [key for key in ("poster", *TRACK_KEYS) if key in meta]
    player = source.get("media_player")
    if not own or player is None:
        if own and not source.get("media"):
            reader.problem(path, doc.line_of(own[0]), f"'{own[0]}' belongs to a media file: add 'media: media/…'")
        elif own and urlsplit(source["media"]).scheme:
            reader.problem(path, doc.line_of(own[0]), _HOSTED.format(key=own[0]))
        return
    player = {**player, "tracks": list(player["tracks"])}
    if "poster" in meta:
        player["poster"] = front_matter_file_url(reader, path, doc, "poster", meta["poster"], IMAGE_EXTENSIONS)
    for key in TRACK_KEYS:
        for lang, written in meta.get(key, {}).items():
            track = _track(reader, path, doc, key, lang, written, spoken)
            player["tracks"] = [
                t for t in player["tracks"] if (t["srclang"], t["kind"] == "descriptions") != (lang, key != "captions")
            ] + [track]
    player["tracks"].sort(key=lambda t: t["kind"] == "descriptions")  # captions and subtitles first
    meta["media_player"] = player


_TRANSCRIPT = "{kind} with media needs a transcript in its body"
_HOSTED = "'{key}' is for a file in media/: a video on YouTube or Vimeo gets its captions and poster there"


def _track(reader: CourseReader, path: Path, doc: Document, key: str, lang: str, written, spoken: str) -> dict:
    src = front_matter_file_url(reader, path, doc, key, written, TRACK_EXTENSIONS, lang)
    kind = "captions" if lang == spoken else "subtitles"
    return {"kind": "descriptions" if key == "audio_description" else kind, "srclang": lang, "src": src}


def check_media(
    reader: CourseReader, path: Path, doc: Document, meta: dict, language: str, *, kind: str, transcript: bool = True
) -> None:
    """Check a unit's media keys and put the player's data in ``meta["media_player"]``.

    ``language`` is the language spoken in the recording: a video needs captions in it."""
    media = meta.get("media")
    if not media:
        for key in ("poster", "duration", *TRACK_KEYS):
            if key in meta:
                reader.problem(path, doc.line_of(key), f"'{key}' belongs to a media file: add 'media: media/…'")
        return
    line = doc.line_of("media")
    if transcript and not doc.body.strip():
        reader.problem(path, line, _TRANSCRIPT.format(kind=kind))
    parts = urlsplit(media)
    if parts.scheme:
        if parts.scheme != "https" or parts.hostname not in VIDEO_LINK_HOSTS:
            reader.problem(path, line, f"video host not allowed: {media} (use YouTube or Vimeo, or a file in media/)")
        for key in ("poster", *TRACK_KEYS):
            if key in meta:
                reader.problem(path, doc.line_of(key), _HOSTED.format(key=key))
        return
    target = posixpath.normpath(media)
    if not target.startswith("media/"):
        reader.problem(path, line, f"media must be a file in the course's media/ folder: {media}")
        return
    suffix = posixpath.splitext(target)[1].lower()
    url = media_url(reader, path, line, target, kinds=AUDIO_EXTENSIONS | VIDEO_EXTENSIONS)
    player: dict = {
        "src": url,
        "type": "audio" if suffix in AUDIO_EXTENSIONS else "video",
        "mime": MIME_TYPES.get(suffix, ""),  # a kind not allowed is reported by media_url
        "poster": None,
        "tracks": [],
    }
    if "poster" in meta:
        player["poster"] = front_matter_file_url(reader, path, doc, "poster", meta["poster"], IMAGE_EXTENSIONS)
    for key in TRACK_KEYS:
        for lang, written in meta.get(key, {}).items():
            player["tracks"].append(_track(reader, path, doc, key, lang, written, language))
    if player["type"] == "video" and language not in meta.get("captions", {}):
        reader.problem(
            path,
            doc.line_of("captions") if "captions" in meta else line,
            f"video without captions in {language}: add 'captions:' with '{language}: media/….{language}.vtt' "
            "(a WebVTT file of what is said and heard)",
        )
    if url:
        meta["media_player"] = player


def front_matter_file_url(
    reader: CourseReader, path: Path, doc: Document, key: str, written, kinds: set[str], lang: str | None = None
) -> str | None:
    """The URL of a file a media key names (relative to the course folder, as ``media:`` is)."""
    line = doc.line_of(key)
    if lang is not None:  # the line of "  lv: media/….vtt" under the key
        lines = doc.raw.decode("utf-8-sig", "replace").replace("\r\n", "\n").split("\n")
        line = next((n + 1 for n in range(line, len(lines)) if lines[n].strip().startswith(f"{lang}:")), line)
    target = posixpath.normpath(str(written))
    if not target.startswith("media/"):
        reader.problem(path, line, f"'{key}' must name a file in the course's media/ folder: {written}")
        return None
    return media_url(reader, path, line, target, kinds=kinds)
