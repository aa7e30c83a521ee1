"""Reading a course file: YAML front matter with the line of every key, and the body.

Trainers get errors as ``path:line: message``, so we keep where each key was written.
A YAML error says what YAML found and, for the common mistakes, how to fix it
(:func:`yaml_problem`); a key written twice is an error too (YAML keeps the last silently).
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
        line, problem = yaml_problem(exc, lines[1:end], first_line=2)
        return Document({}, {}, body, body_first_line, raw, [(line, f"front matter is not valid YAML: {problem}")])
    if not isinstance(meta, dict):
        return Document({}, {}, body, body_first_line, raw, [(2, "front matter must be a mapping of keys to values")])
    key_lines: dict[str, int] = {}
    errors = []
    for key_node, _value in node.value if node is not None else []:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key in key_lines:
            errors.append((line, f"duplicate key '{key}' (also line {key_lines[key]}): keep one of them"))
        key_lines[key] = line
    meta = {str(k): v for k, v in meta.items()}
    return Document(meta, key_lines, body, body_first_line, raw, errors)


def yaml_problem(exc: yaml.YAMLError, lines: list[str], first_line: int = 1) -> tuple[int, str]:
    """The line (``first_line`` is the number of ``lines[0]``) and message of a YAML error, with a hint."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    context = getattr(exc, "context", None) or ""
    # an unclosed quote or bracket is where it opens, not at the end of the text where YAML noticed
    mark = context_mark if context_mark and ("quoted scalar" in context or "flow" in context) else problem_mark
    mark = mark or context_mark
    text = lines[mark.line] if mark and mark.line < len(lines) else ""
    hint = _yaml_hint(problem, context, text, mark.column if mark else 0)
    line = mark.line + first_line if mark else first_line
    return line, f"{problem} — {hint}" if hint else problem


def _yaml_hint(problem: str, context: str, text: str, column: int) -> str | None:
    colon = text.find(":")
    if problem.startswith("mapping values are not allowed"):
        if 0 <= colon < column:  # a second ': ' in a value
            key, value = text[:colon].strip(), text[colon + 1 :].strip()
            quoted = f"'{value}'" if '"' in value else f'"{value}"'
            return f"put the value in quotes, e.g. {key}: {quoted}"
        return "check the indentation: this line is indented more than the key above it"
    if "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "quoted scalar" in context and "end of stream" in problem:
        return "close the quote: a value that starts with a quote must end with the same quote"
    if "unknown escape" in problem:
        return "inside double quotes write \\\\ for a backslash, or use single quotes"
    if "cannot start any token" in problem or "undefined alias" in problem:
        return "a value cannot start with this character: put the value in quotes"
    if "flow sequence" in context or "flow mapping" in context:
        return "a value that starts with [ or { is a list or a mapping: close it, or put the value in quotes"
    if "expected <block end>" in problem or "expected key" in problem or "expected ':'" in problem:
        return (
            "check the indentation, that each line is 'key: value', and that a value with a quote "
            "inside is quoted with the other kind of quote"
        )
    return None
