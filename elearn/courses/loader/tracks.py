"""WebVTT files (captions, subtitles, audio descriptions), parsed with webvtt-py: a problem per line.

webvtt-py says *that* a file is malformed, not where: the block it refused is found by parsing
each block alone after the file's header, so the trainer gets ``media/x.vtt:12: …``.
"""

from __future__ import annotations

from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError


def vtt_problems(file: Path) -> list[tuple[int, str]]:
    """(line, message) of every problem in a WebVTT file; [] when it parses and has cues."""
    try:
        text = file.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return [(1, "WebVTT file is not UTF-8: save it as UTF-8")]
    try:
        captions = webvtt.from_string(text, strict=True)
    except MalformedFileError:
        return [(1, "not a WebVTT file: its first line must be WEBVTT")]
    except MalformedCaptionError as error:
        return [_locate(text, error)]
    for start, block in _blocks(text)[1:]:
        if not block[0].startswith(("NOTE", "STYLE", "REGION")) and not any("-->" in line for line in block[:2]):
            return [(start, "not a cue: a cue starts with a timing line such as 00:00:01.000 --> 00:00:04.000")]
    if not captions.captions:
        return [(1, "WebVTT file has no cues: a timing line such as 00:00:01.000 --> 00:00:04.000, then the text")]
    cue_lines = [start for start, block in _blocks(text)[1:] if any("-->" in line for line in block[:2])]
    return [  # the parser kept every cue, in order
        (line, f"cue ends before it starts: {caption.start} --> {caption.end}")
        for line, caption in zip(cue_lines, captions.captions, strict=False)
        if caption.end_in_seconds <= caption.start_in_seconds
    ]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """The file's blocks (separated by blank lines), each with its first line's number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            current = []
            continue
        if not current:
            current = [line]
            blocks.append((number, current))
        else:
            current.append(line)
    return blocks


def _locate(text: str, error: MalformedCaptionError) -> tuple[int, str]:
    blocks = _blocks(text)
    header = blocks[0][1] if blocks else ["WEBVTT"]
    for start, block in blocks[1:]:
        try:
            webvtt.from_string("\n".join([*header, "", *block, ""]), strict=True)
        except MalformedCaptionError as found:
            return start, f"not a valid cue: {_reason(found)}"
    return 1, f"not valid WebVTT: {_reason(error)}"


def _reason(error: Exception) -> str:
    text = str(error)
    if text.startswith("Invalid cue block"):
        return "a cue is a timing line (00:00:01.000 --> 00:00:04.000) then its text; a blank line between cues"
    return text
