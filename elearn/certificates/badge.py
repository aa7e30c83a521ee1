"""A course's badge: the image of its certificate on /me/, on the verification page and in the
Open Badges credential (``achievement.image``, embedded as a ``data:`` URI so wallets need not fetch it).

Drawn here, as a small SVG (about 1 KB), from what the certificate states: a rosette in a colour
chosen by the course (the same badge for every learner of a course, in every language), and the
initials of the course's title in the certificate's language. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import base64
import hashlib
import math
import unicodedata
from xml.sax.saxutils import escape

# Dark enough for white initials at 4.5:1 and more
COLOURS = ("#0b5cad", "#0b5a2e", "#8a3a06", "#6a1b9a", "#00606b", "#a0153e", "#3d4f7a", "#5b5200")
SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "for", "to", "on", "un", "und", "der", "die", "das", "i", "v", "w"}
MIME_TYPE = "image/svg+xml"


def colour(course_key: str) -> str:
    """The course's colour: the same for a course's every certificate and language."""
    return COLOURS[hashlib.sha256(course_key.encode()).digest()[0] % len(COLOURS)]


def initials(title: str) -> str:
    """Up to two initials of a title's main words: "Social entrepreneurship in the Baltic Sea" -> "SE"."""
    words = [w for w in unicodedata.normalize("NFC", title).split() if w[:1].isalnum()]
    main = [w for w in words if w.lower() not in SMALL_WORDS] or words
    return "".join(w[0] for w in main[:2]).upper() or "★"


def _rosette(points: int = 24, outer: float = 58, inner: float = 52) -> str:
    corners = []
    for k in range(points * 2):
        radius = outer if k % 2 == 0 else inner
        angle = math.pi * k / points
        corners.append(f"{60 + radius * math.sin(angle):.1f},{60 - radius * math.cos(angle):.1f}")
    return " ".join(corners)


ROSETTE = _rosette()


def badge_svg(course_key: str, title: str) -> str:
    """The badge as an SVG document (120 x 160 units: a rosette and two ribbon tails)."""
    fill = colour(course_key)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 160" width="120" height="160" role="img">'
        f"<title>{escape(title)}</title>"
        f'<path d="M34 96 22 156 42 144 54 158 60 104ZM86 96 98 156 78 144 66 158 60 104Z" fill="{fill}" opacity=".8"/>'
        f'<polygon points="{ROSETTE}" fill="{fill}"/>'
        '<circle cx="60" cy="60" r="44" fill="none" stroke="#fff" stroke-width="3"/>'
        f'<text x="60" y="73" text-anchor="middle" font-family="DejaVu Sans,Verdana,sans-serif" font-size="36" '
        f'font-weight="700" fill="#fff">{escape(initials(title))}</text>'
        "</svg>"
    )


def data_uri(svg: str) -> str:
    """The badge as a ``data:`` URI, as the Open Badges ``Image`` ``id`` may be."""
    return f"data:{MIME_TYPE};base64," + base64.b64encode(svg.encode()).decode("ascii")
