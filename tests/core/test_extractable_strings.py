"""Every user-facing string is one the extractor sees (pybabel, babel.cfg).

Babel's Python extractor reads a gettext call only when its message is a string literal
and the call is not inside an f-string: ``_(name)``, ``_("a" + b)`` or
``f"{title}: {_('status')}"`` never reach the catalogues, so the interface shows English
in every language (issue #22 found two export headers that way). This test reads every
module under elearn/ and every template and fails on such a call.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ELEARN = Path(__file__).resolve().parents[2] / "elearn"

# name -> how many leading arguments are messages (context first for pgettext)
GETTEXT = {
    "_": 1,
    "_l": 1,
    "gettext": 1,
    "lazy_gettext": 1,
    "ngettext": 2,
    "lazy_ngettext": 2,
    "pgettext": 2,
    "lazy_pgettext": 2,
    "npgettext": 3,
}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def unextractable_calls(source: str, filename: str) -> list[str]:
    """``file:line: call`` for each gettext call the extractor cannot read."""
    tree = ast.parse(source, filename)
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(child) for child in ast.walk(node) if child is not node)
    problems = []
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _called_name(node) in GETTEXT]
    for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
        messages = node.args[: GETTEXT[_called_name(node)]]
        literal = all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in messages)
        if id(node) in inside_fstring or not messages or not literal:
            problems.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:80]}")
    return problems


def test_the_check_finds_what_the_extractor_misses():
    lines = ['title = "x"', "f\"{title}: {_('status')}\"", "_(title)", '_("a" + title)']
    source = "\n".join([*lines, 'ngettext("one", title, 2)', '_("ok")'])
    assert [line.split(":")[1] for line in unextractable_calls(source, "m.py")] == ["2", "3", "4", "5"]


def test_every_gettext_call_in_the_code_has_a_literal_message():
    problems = []
    for path in sorted(ELEARN.rglob("*.py")):
        problems += unextractable_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ELEARN.parent)))
    assert problems == [], "\n".join(problems)


# In templates: _( / gettext( / ngettext( followed by something that is not a quote.
TEMPLATE_CALL = re.compile(r"\b(?:_|gettext|ngettext|pgettext)\(\s*(?![\"'])")


def test_every_gettext_call_in_the_templates_has_a_literal_message():
    problems = []
    for path in sorted((ELEARN / "templates").rglob("*.*")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_CALL.search(line):
                problems.append(f"{path.relative_to(ELEARN.parent)}:{number}: {line.strip()[:80]}")
    assert problems == [], "\n".join(problems)
