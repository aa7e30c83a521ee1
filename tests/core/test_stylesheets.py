"""One stylesheet serves both writing directions.

The interface has a right-to-left language (Arabic), and ``base.html`` sets ``dir`` from
the locale. That only flips the layout if the stylesheets say "start" and "end" instead of
"left" and "right": ``margin-inline-start`` instead of ``margin-left``, ``text-align:
start`` instead of ``left``, ``inset-inline-start`` instead of ``left``. This test reads
every stylesheet under elearn/static/ and fails on a physical (left/right) property or value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "elearn" / "static"
STYLESHEETS = sorted(STATIC.glob("*.css"))

# A declaration "property: value" (comments removed first).
DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;{}]+)")
PHYSICAL_PROPERTY = re.compile(r"^(left|right|(margin|padding|border)-(left|right)(-\w+)?)$")
PHYSICAL_VALUE = {"text-align", "float", "clear", "caption-side"}


def physical_declarations(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [
        f"{prop}: {value.strip()}"
        for prop, value in DECLARATION.findall(css)
        if PHYSICAL_PROPERTY.match(prop) or (prop in PHYSICAL_VALUE and re.search(r"\b(left|right)\b", value))
    ]


def test_the_check_finds_physical_properties() -> None:
    css = ".a { margin-left: 1rem; text-align: right; } /* left */ .b { margin-inline-start: 1rem; }"
    assert physical_declarations(css) == ["margin-left: 1rem", "text-align: right"]


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_stylesheet_uses_logical_properties(path: Path) -> None:
    assert physical_declarations(path.read_text(encoding="utf-8")) == []
