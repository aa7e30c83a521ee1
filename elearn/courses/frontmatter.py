"""Reading a course file: YAML front matter with the line of every key, and the body.

Trainers get errors as ``path:line: message``, so we keep where each key was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


@dataclass
class Document:
    meta: dict
    key_lines: dict[str, int]
    body: str
    body_first_line: int  # file line number of the body's first line
    raw: bytes
    errors: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def parse_document(raw: bytes) -> Document:
    """Split a file into front matter and body; errors are (line, message) pairs."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Document({}, {}, "", 1, raw, [(line, "file is not valid UTF-8")])
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Document({}, {}, text, 1, raw, [(1, "missing front matter (the file must start with a '---' line)")])
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."})
    except StopIteration:
        return Document({}, {}, "", 1, raw, [(1, "front matter is not closed by a '---' line")])
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    body_first_line = end + 2
    try:
        loader = yaml.SafeLoader(yaml_text)
        try:
            node = loader.get_single_node()
            meta = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return Document({}, {}, body, body_first_line, raw, [(line, f"front matter is not valid YAML: {problem}")])
    if not isinstance(meta, dict):
        return Document({}, {}, body, body_first_line, raw, [(2, "front matter must be a mapping of keys to values")])
    key_lines = {}
    for key_node, _value in node.value if node is not None else []:
        key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    meta = {str(k): v for k, v in meta.items()}
    return Document(meta, key_lines, body, body_first_line, raw)
