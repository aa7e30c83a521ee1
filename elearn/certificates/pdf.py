"""The certificate of completion as a one-page PDF (A4 landscape).

The caller passes every string already translated into the learner's language
(:class:`CertificateText`); :func:`render_pdf` lays them out and returns the
PDF's bytes.  The design is deliberately quiet: a double rule in muted bronze
round the page, the heading large in a serif face, the learner's name as the
most prominent line, the course title and its details under it, the issuer at
bottom left, and at bottom right a QR code that encodes the verification URL,
with the URL and the certificate id printed under it in small type.

Text is set in DejaVu Serif and DejaVu Sans, which cover every partner
language (Latin with all the Baltic, Nordic, Central European and
South Slavic letters, and Cyrillic).  The TrueType files are embedded as
subsets; they come from the Debian package ``fonts-dejavu-core``, or from the
folder named by the ``ELEARN_FONT_DIR`` environment variable.

**Arabic** (an Arabic certificate, or an Arabic name or title on any certificate): a line
with Arabic letters is set in Amiri (Debian: ``fonts-hosny-amiri``, looked for only when such
a line is there), whose Arabic Presentation Forms reportlab can embed.  reportlab draws the
characters it is given left to right without shaping them, so the line is shaped first
(each letter's joined form, lam-alef ligatures: ``arabic-reshaper``) and put in visual order
by the Unicode bidirectional algorithm (``python-bidi``), with the certificate's language
giving the base direction.  A right-to-left certificate is also laid out mirrored (the QR
code bottom left, the issuer bottom right).  The structure element of such a line carries
its text in logical order as ``/ActualText``, which is what screen readers read.

Long names and titles never overflow: each block first shrinks within a range
of sizes, then wraps onto more lines (balanced, so centred lines are of even
length), and if the whole composition is still too tall everything is scaled
down together.  :func:`layout_certificate` returns the placed lines so tests
can check the geometry without reading the PDF back.

**Tagged PDF** (PDF/UA's structure, so a screen reader reads the certificate in order): every
line is marked content of a structure element (the heading ``H1``, the rest paragraphs, the
verification address a ``Link`` holding its annotation), the QR code is a ``Figure`` with
alternative text, the frame and rules are artifacts; the catalog says ``/MarkInfo`` Marked,
``/Lang``, and the title is shown instead of the file name (also in the XMP metadata).
reportlab (the open-source library) writes no structure tree: its public ``Canvas.addLiteral``
writes the marked-content operators into the page as it is drawn, and :func:`_tag` adds the
structure tree with pikepdf (qpdf), which the page's marks point into.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import arabic_reshaper
import pikepdf
from bidi.algorithm import get_display  # the implementation that mirrors brackets (rule L4)
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from elearn.core.i18n import text_direction

__all__ = [
    "CertificateText",
    "FontNotFoundError",
    "Layout",
    "PlacedLine",
    "find_font_files",
    "fit_text",
    "layout_certificate",
    "render_pdf",
    "wrap_text",
]


@dataclass
class CertificateText:
    """Every string on the certificate, already in the learner's language."""

    heading: str  # "Certificate of completion"
    awarded_to: str  # "This certifies that"
    learner_name: str
    completed: str  # "has completed the course"
    course_title: str
    details: list[str]  # ["Latvian (Latvia) version", "12 hours", "Completed on 23 November 2026"]
    issuer_name: str
    verify_text: str  # "Verify this certificate at"
    verify_url: str
    certificate_id: str
    language: str  # BCP 47, e.g. "lv"; becomes the PDF's /Lang
    qr_alt: str = ""  # the QR code's alternative text; default: verify_text and the URL


# --------------------------------------------------------------------------
# Fonts

FONT_PACKAGE = "fonts-dejavu-core"
FONT_DIR_ENV = "ELEARN_FONT_DIR"

# Where distributions put the DejaVu files, Debian's first.  Fedora splits
# the families into one folder each, so every file is looked up on its own.
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora, RHEL
    Path("/usr/share/fonts/dejavu-serif-fonts"),
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),  # openSUSE, Alpine
    Path("/usr/local/share/fonts/dejavu"),  # FreeBSD
    Path("/opt/homebrew/share/fonts"),  # macOS (Homebrew)
    Path("/usr/local/share/fonts"),
)

# Our registered name -> the file that provides it (all four are in fonts-dejavu-core).
FONT_FILES: dict[str, str] = {
    "ElearnSerif": "DejaVuSerif.ttf",
    "ElearnSerif-Bold": "DejaVuSerif-Bold.ttf",
    "ElearnSans": "DejaVuSans.ttf",
    "ElearnSans-Bold": "DejaVuSans-Bold.ttf",
}

SERIF = "ElearnSerif"
SERIF_BOLD = "ElearnSerif-Bold"
SANS = "ElearnSans"
SANS_BOLD = "ElearnSans-Bold"

# Arabic script: Amiri, from the Debian package fonts-hosny-amiri (or ELEARN_FONT_DIR).
ARABIC_FONT_PACKAGE = "fonts-hosny-amiri"
ARABIC_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/fonts-hosny-amiri"),  # Debian, Ubuntu
    Path("/usr/share/fonts/amiri"),
    Path("/usr/share/fonts/TTF"),
)
ARABIC_FONT_FILES: dict[str, str] = {"ElearnArabic": "Amiri-Regular.ttf", "ElearnArabic-Bold": "Amiri-Bold.ttf"}
ARABIC_FONT_OF = {
    SERIF: "ElearnArabic",
    SANS: "ElearnArabic",
    SERIF_BOLD: "ElearnArabic-Bold",
    SANS_BOLD: "ElearnArabic-Bold",
}
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


class FontNotFoundError(RuntimeError):
    """The DejaVu TrueType files the certificate needs are not installed."""


def _font_dirs(default: tuple[Path, ...] = FONT_DIRS) -> tuple[Path, ...]:
    override = os.environ.get(FONT_DIR_ENV)
    if override:
        # An explicit folder is the only place looked at: a silent fall-back
        # to the system fonts would hide a broken setting.
        return (Path(override),)
    return default


def find_font_files(
    files: dict[str, str] = FONT_FILES, package: str = FONT_PACKAGE, default_dirs: tuple[Path, ...] = FONT_DIRS
) -> dict[str, Path]:
    """Map each registered font name to its TrueType file, or raise FontNotFoundError."""
    dirs = _font_dirs(default_dirs)
    found: dict[str, Path] = {}
    missing: list[str] = []
    for name, filename in files.items():
        for folder in dirs:
            candidate = folder / filename
            if candidate.is_file():
                found[name] = candidate
                break
        else:
            missing.append(filename)
    if missing:
        where = ", ".join(str(d) for d in dirs)
        raise FontNotFoundError(
            f"Certificate fonts not found: {', '.join(missing)} (looked in {where}). "
            f"Install them (Debian/Ubuntu: apt-get install {package}) "
            f"or set {FONT_DIR_ENV} to a folder holding "
            f"{', '.join(sorted(set(files.values())))}."
        )
    return found


_registered: dict[str, Path] = {}  # our font name -> the file registered under it


def ensure_fonts() -> None:
    """Find and register the certificate's fonts with reportlab.

    reportlab's font registry is process-wide, so a font is registered again
    only when the file it should come from has changed (``ELEARN_FONT_DIR``).
    """
    _register(find_font_files())


def _register(files: dict[str, Path]) -> None:
    for name, path in files.items():
        if _registered.get(name) != path:
            pdfmetrics.registerFont(TTFont(name, str(path)))  # embedded as a subset on use
            _registered[name] = path


# --------------------------------------------------------------------------
# Arabic: the font, shaping and visual order of a line (see the module's docstring)


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def font_for(text: str, font: str) -> str:
    """The font a line is set in: Amiri in the same weight for a line with Arabic letters."""
    if not has_arabic(text):
        return font
    _register(find_font_files(ARABIC_FONT_FILES, ARABIC_FONT_PACKAGE, ARABIC_FONT_DIRS))
    return ARABIC_FONT_OF.get(font, font)


# Keeps the vowel marks (harakat): a learner's name or a title is printed as it was written.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


def _shaped(text: str) -> str:
    return _RESHAPER.reshape(text) if has_arabic(text) else text


def visual(text: str, rtl: bool) -> str:
    """The characters of a line in the order they are drawn, left to right (shaped first);
    ``rtl``: the certificate's language is written right to left (the base direction)."""
    if not has_arabic(text):
        return text
    return get_display(_shaped(text), base_dir="R" if rtl else "L")


# --------------------------------------------------------------------------
# Text fitting

_BREAKABLE_SPACE = re.compile(r"[ \t\r\n\u2002-\u200a\u3000]+")  # not U+00A0 / U+202F


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(_shaped(text), font_for(text, font), size)


def _split_long_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    """Break a word wider than the line into pieces that fit (a last resort)."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and _width(current + char, font, size) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _greedy_wrap(words: list[str], font: str, size: float, max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if _width(word, font, size) <= max_width:
            current = word
        else:
            *full, current = _split_long_word(word, font, size, max_width)
            lines.extend(full)
    if current:
        lines.append(current)
    return lines


def wrap_text(text: str, font: str, size: float, max_width: float, *, balance: bool = True) -> list[str]:
    """Wrap ``text`` into lines no wider than ``max_width`` points.

    Breaks at ordinary spaces (a no-break space keeps its neighbours
    together); a single word wider than the line is broken between letters.
    With ``balance`` the lines are evened out (the narrowest width that still
    gives the same number of lines), which looks better when centred.
    """
    words = [w for w in _BREAKABLE_SPACE.split(text.strip()) if w]
    if not words:
        return []
    lines = _greedy_wrap(words, font, size, max_width)
    if not balance or len(lines) < 2:
        return lines
    low, high = 0.0, max_width
    best = lines
    for _ in range(16):
        mid = (low + high) / 2
        trial = _greedy_wrap(words, font, size, mid)
        widest = max(_width(line, font, size) for line in trial)
        if len(trial) <= len(lines) and widest <= mid and not _splits_words(trial, words):
            best, high = trial, mid
        else:
            low = mid
    return best


def _splits_words(lines: list[str], words: list[str]) -> bool:
    return sum(len(_BREAKABLE_SPACE.split(line)) for line in lines) != len(words)


@dataclass(frozen=True)
class Stage:
    """Try sizes from ``max_size`` down to ``min_size`` with at most ``max_lines`` lines."""

    max_lines: int
    max_size: float
    min_size: float


def fit_text(
    text: str, font: str, max_width: float, stages: list[Stage] | tuple[Stage, ...], *, scale: float = 1.0
) -> tuple[float, list[str]]:
    """Choose a size and line breaks so ``text`` fits ``max_width``.

    The stages are tried in order; the first size at which the text takes no
    more lines than the stage allows wins.  If none does, the last stage's
    smallest size is used with as many lines as it takes (every line still
    fits the width).  ``scale`` multiplies every size.
    """
    step = 0.5
    for stage in stages:
        size = stage.max_size * scale
        floor = stage.min_size * scale
        while size >= floor - 1e-9:
            lines = wrap_text(text, font, size, max_width)
            if len(lines) <= stage.max_lines:
                return size, lines
            size -= step * scale
    size = stages[-1].min_size * scale
    return size, wrap_text(text, font, size, max_width)


# --------------------------------------------------------------------------
# Layout

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)  # 841.89 x 595.28 pt

INK = HexColor("#1F2A37")  # deep blue-grey for the main text
MUTED = HexColor("#5B6573")  # secondary text
ACCENT = HexColor("#8C6D3F")  # muted bronze for the rules

OUTER_FRAME = 20.0  # inset of the heavy outer rule
INNER_FRAME = 27.0  # inset of the fine inner rule
SIDE_MARGIN = 80.0  # main text keeps this far from the page edge
TOP_MARGIN = 66.0
BOTTOM_MARGIN = 44.0  # lowest baseline in the footer
QR_SIZE = 76.0  # side of the QR code's dark area, without the quiet zone
QR_RIGHT = PAGE_WIDTH - 70.0  # right edge of the QR code and the text under it
FOOTER_TEXT_WIDTH = 250.0  # widest the verification text, URL and id may be
LEADING = 1.22
COMPOSITION_CENTRE = 0.56  # the main text's middle, as a fraction of the page's height


@dataclass(frozen=True)
class PlacedLine:
    """One line of text at its final place: ``x`` is its left edge."""

    role: str
    text: str
    font: str
    size: float
    x: float
    baseline: float
    width: float
    color: Color = INK

    @property
    def top(self) -> float:
        return self.baseline + pdfmetrics.getAscent(self.font, self.size)

    @property
    def bottom(self) -> float:
        return self.baseline + pdfmetrics.getDescent(self.font, self.size)  # descent is negative

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: Color = ACCENT


@dataclass
class Layout:
    lines: list[PlacedLine] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    qr_x: float = 0.0
    qr_y: float = 0.0
    qr_size: float = QR_SIZE
    qr_modules: int = 0
    # the area the main text must stay within (x0, y0, x1, y1)
    content_box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    scale: float = 1.0

    def by_role(self, role: str) -> list[PlacedLine]:
        return [line for line in self.lines if line.role == role]


@dataclass
class _Block:
    role: str
    font: str
    size: float
    lines: list[str]
    color: Color
    gap_before: float

    @property
    def height(self) -> float:
        fonts = {font_for(line, self.font) for line in self.lines} or {self.font}
        ascent = max(pdfmetrics.getAscent(font, self.size) for font in fonts)
        descent = max(-pdfmetrics.getDescent(font, self.size) for font in fonts)
        return ascent + descent + (len(self.lines) - 1) * self.size * LEADING


HEADING_STAGES = (Stage(1, 34, 24), Stage(2, 26, 18))
NAME_STAGES = (Stage(1, 32, 22), Stage(2, 26, 16))
TITLE_STAGES = (Stage(1, 22, 17), Stage(2, 21, 15), Stage(3, 17, 12))
SMALL_STAGES = (Stage(2, 12, 10),)
DETAIL_STAGES = (Stage(1, 10.5, 9), Stage(2, 10.5, 8))
FOOTER_READING_ORDER = ("issuer_name", "verify_text", "verify_url", "certificate_id")
DETAIL_SEPARATOR = "  \u00b7  "  # a middle dot between details on one line


def _qr_widget(url: str, size: float) -> QrCodeWidget:
    # Level M survives a smudge or a fold; the quiet zone is left white by
    # the layout instead of being drawn, so the code's edges align with the text.
    return QrCodeWidget(url, barLevel="M", barBorder=0, barWidth=size, barHeight=size)


def _qr_module_count(url: str) -> int:
    widget = _qr_widget(url, QR_SIZE)
    widget.qr.make()
    return widget.qr.getModuleCount()


def _right_aligned(role: str, lines: list[str], font: str, size: float, baselines: list[float], color: Color):
    return [
        PlacedLine(
            role,
            line,
            font_for(line, font),
            size,
            QR_RIGHT - _width(line, font, size),
            y,
            _width(line, font, size),
            color,
        )
        for line, y in zip(lines, baselines, strict=True)
    ]


def _layout_footer(text: CertificateText, layout: Layout) -> float:
    """Place the QR code, its texts and the issuer; return the footer's top."""
    modules = _qr_module_count(text.verify_url)
    quiet = max(4 * QR_SIZE / modules, 6.0)  # the QR spec's four-module quiet zone

    # Under the code (bottom up): the certificate id, then the URL.
    id_size, id_lines = fit_text(text.certificate_id, SANS, FOOTER_TEXT_WIDTH, (Stage(1, 7, 5.5), Stage(2, 5.5, 5.5)))
    url_size, url_lines = fit_text(text.verify_url, SANS, FOOTER_TEXT_WIDTH, (Stage(1, 7, 5), Stage(3, 5, 5)))
    y = BOTTOM_MARGIN
    id_baselines = [y + (len(id_lines) - 1 - i) * id_size * LEADING for i in range(len(id_lines))]
    y = (id_baselines[0] if id_baselines else y) + max(id_size, url_size) * LEADING + 1
    url_baselines = [y + (len(url_lines) - 1 - i) * url_size * LEADING for i in range(len(url_lines))]
    url_top = (url_baselines[0] if url_baselines else y) + pdfmetrics.getAscent(SANS, url_size)
    layout.lines += _right_aligned("certificate_id", id_lines, SANS, id_size, id_baselines, MUTED)
    layout.lines += _right_aligned("verify_url", url_lines, SANS, url_size, url_baselines, INK)

    layout.qr_size = QR_SIZE
    layout.qr_modules = modules
    layout.qr_x = QR_RIGHT - QR_SIZE
    layout.qr_y = url_top + quiet

    # Above the code: "Verify this certificate at".
    v_size, v_lines = fit_text(text.verify_text, SANS, FOOTER_TEXT_WIDTH, (Stage(1, 8, 6.5), Stage(3, 7, 6)))
    lowest = layout.qr_y + QR_SIZE + quiet - pdfmetrics.getDescent(SANS, v_size)
    v_baselines = [lowest + (len(v_lines) - 1 - i) * v_size * LEADING for i in range(len(v_lines))]
    layout.lines += _right_aligned("verify_text", v_lines, SANS, v_size, v_baselines, MUTED)
    footer_top = (v_baselines[0] + pdfmetrics.getAscent(SANS, v_size)) if v_lines else layout.qr_y + QR_SIZE

    # Bottom left: the issuer, under a short rule, level with the QR code's lower half.
    footer_left_text = min(
        [line.x for line in layout.lines if line.role in ("verify_url", "certificate_id", "verify_text")]
        + [layout.qr_x]
    )
    issuer_width = max(footer_left_text - 40.0 - SIDE_MARGIN, 120.0)
    i_size, i_lines = fit_text(text.issuer_name, SERIF_BOLD, issuer_width, (Stage(1, 13, 10), Stage(3, 11, 8)))
    i_baselines = [layout.qr_y + 8 + (len(i_lines) - 1 - i) * i_size * LEADING for i in range(len(i_lines))]
    for line, baseline in zip(i_lines, i_baselines, strict=True):
        layout.lines.append(
            PlacedLine(
                "issuer_name",
                line,
                font_for(line, SERIF_BOLD),
                i_size,
                SIDE_MARGIN,
                baseline,
                _width(line, SERIF_BOLD, i_size),
            )
        )
    if i_lines:
        rule_y = i_baselines[0] + pdfmetrics.getAscent(SERIF_BOLD, i_size) + 9
        layout.rules.append(Rule(SIDE_MARGIN, rule_y, SIDE_MARGIN + 150, rule_y, 0.6))
        footer_top = max(footer_top, rule_y)
    return footer_top


def _main_blocks(text: CertificateText, width: float, scale: float) -> list[_Block]:
    blocks: list[_Block] = []

    def add(role, value, font, stages, color, gap):
        if not value.strip():
            return
        size, lines = fit_text(value, font, width, stages, scale=scale)
        blocks.append(_Block(role, font, size, lines, color, gap * scale if blocks else 0.0))

    add("heading", text.heading, SERIF, HEADING_STAGES, INK, 0)
    add("awarded_to", text.awarded_to, SANS, SMALL_STAGES, MUTED, 44)  # the rule sits in this gap
    add("learner_name", text.learner_name, SERIF_BOLD, NAME_STAGES, INK, 14)
    add("completed", text.completed, SANS, SMALL_STAGES, MUTED, 16)
    add("course_title", text.course_title, SERIF_BOLD, TITLE_STAGES, INK, 12)

    details = [d.strip() for d in text.details if d.strip()]
    if details:
        detail_size = DETAIL_STAGES[0].max_size * scale
        joined = DETAIL_SEPARATOR.join(details)
        if _width(joined, SANS, detail_size) <= width:
            blocks.append(_Block("details", SANS, detail_size, [joined], MUTED, 22 * scale))
        else:
            # One detail a line, all at the size the longest one needs.
            size = min(fit_text(d, SANS, width, DETAIL_STAGES, scale=scale)[0] for d in details)
            lines = [line for d in details for line in wrap_text(d, SANS, size, width)]
            blocks.append(_Block("details", SANS, size, lines, MUTED, 22 * scale))
    return blocks


def layout_certificate(text: CertificateText) -> Layout:
    """Work out where everything goes; no PDF is made."""
    ensure_fonts()
    layout = Layout()
    footer_top = _layout_footer(text, layout)
    footer_lines, layout.lines = layout.lines, []

    x0, x1 = SIDE_MARGIN, PAGE_WIDTH - SIDE_MARGIN
    y0, y1 = footer_top + 18.0, PAGE_HEIGHT - TOP_MARGIN
    layout.content_box = (x0, y0, x1, y1)
    width, available = x1 - x0, y1 - y0

    scale = 1.0
    while True:
        blocks = _main_blocks(text, width, scale)
        total = sum(b.gap_before + b.height for b in blocks)
        if total <= available or scale < 0.2:
            break
        scale *= 0.94
    layout.scale = scale

    # Centre the composition a little above the page's middle, as far as the
    # footer and the top margin let it.
    top = min(y1, max(y0 + total, PAGE_HEIGHT * COMPOSITION_CENTRE + total / 2))
    centre = (x0 + x1) / 2
    for block in blocks:
        top -= block.gap_before
        baseline = top - pdfmetrics.getAscent(block.font, block.size)
        if block.role == "awarded_to" and blocks[0].role == "heading":
            rule_y = top + block.gap_before / 2 + 2 * scale
            layout.rules.append(Rule(centre - 32, rule_y, centre + 32, rule_y, 0.8))
        for line in block.lines:
            w = _width(line, block.font, block.size)
            font = font_for(line, block.font)
            layout.lines.append(
                PlacedLine(block.role, line, font, block.size, centre - w / 2, baseline, w, block.color)
            )
            baseline -= block.size * LEADING
        top -= block.height

    # Lines are drawn in this order, which is the order text extraction and
    # screen readers follow: the main text, then the issuer, then the footer.
    footer_lines.sort(key=lambda line: FOOTER_READING_ORDER.index(line.role))
    layout.lines += footer_lines
    if text_direction(text.language) == "rtl":
        _mirror(layout)
    return layout


def _mirror(layout: Layout) -> None:
    """Right to left: the page's mirror image (the main text is centred, so only the footer moves)."""
    layout.lines = [dataclasses.replace(line, x=PAGE_WIDTH - line.x - line.width) for line in layout.lines]
    layout.rules = [dataclasses.replace(r, x1=PAGE_WIDTH - r.x2, x2=PAGE_WIDTH - r.x1) for r in layout.rules]
    layout.qr_x = PAGE_WIDTH - layout.qr_x - layout.qr_size


# --------------------------------------------------------------------------
# Rendering


def _draw_frame(c: rl_canvas.Canvas) -> None:
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(OUTER_FRAME, OUTER_FRAME, PAGE_WIDTH - 2 * OUTER_FRAME, PAGE_HEIGHT - 2 * OUTER_FRAME, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.rect(INNER_FRAME, INNER_FRAME, PAGE_WIDTH - 2 * INNER_FRAME, PAGE_HEIGHT - 2 * INNER_FRAME, stroke=1, fill=0)
    # small diamonds where the inner rule turns, a quiet ornament
    c.setFillColor(ACCENT)
    r = 3.2
    for cx in (INNER_FRAME, PAGE_WIDTH - INNER_FRAME):
        for cy in (INNER_FRAME, PAGE_HEIGHT - INNER_FRAME):
            path = c.beginPath()
            path.moveTo(cx, cy + r)
            path.lineTo(cx + r, cy)
            path.lineTo(cx, cy - r)
            path.lineTo(cx - r, cy)
            path.close()
            c.drawPath(path, stroke=0, fill=1)


# The structure element of each role (the order of the page's lines is the reading order).
STRUCTURE = {"heading": "H1", "verify_url": "Link"}  # every other role: "P"


class _Marks:
    """Marked content on the page as it is drawn: each piece gets the next MCID, in reading order."""

    def __init__(self, canvas: rl_canvas.Canvas):
        self.canvas = canvas
        self.elements: list[tuple[str, str, list[int]]] = []  # (role, structure type, MCIDs)
        self.next = 0

    def content(self, role: str, tag: str) -> int:
        """Start the marked content of ``role``; close it with :meth:`end`."""
        mcid, self.next = self.next, self.next + 1
        if self.elements and self.elements[-1][0] == role:
            self.elements[-1][2].append(mcid)  # the next line of the same block
        else:
            self.elements.append((role, tag, [mcid]))
        self.canvas.addLiteral(f"/{tag} <</MCID {mcid}>> BDC")
        return mcid

    def artifact(self) -> None:
        self.canvas.addLiteral("/Artifact <</Type /Layout>> BDC")

    def end(self) -> None:
        self.canvas.addLiteral("EMC")


def render_pdf(text: CertificateText) -> bytes:
    """Render the certificate and return the (tagged) PDF file's bytes."""
    layout = layout_certificate(text)
    buffer = io.BytesIO()
    title = f"{text.heading} \u2013 {text.learner_name}"
    c = rl_canvas.Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,  # fixed dates and document id: the same input gives the same bytes
        pageCompression=1,
        lang=text.language or None,  # the catalog's /Lang, for screen readers
    )
    c.setTitle(title)
    c.setAuthor(text.issuer_name)
    c.setSubject(text.course_title)
    c.setKeywords(text.certificate_id)
    c.setCreator("elearn")
    c.setViewerPreference("DisplayDocTitle", "true")  # show the title, not the file name
    marks = _Marks(c)
    rtl = text_direction(text.language) == "rtl"

    marks.artifact()
    _draw_frame(c)
    for rule in layout.rules:
        c.setStrokeColor(rule.color)
        c.setLineWidth(rule.width)
        c.line(rule.x1, rule.y1, rule.x2, rule.y2)
    marks.end()

    for line in layout.lines:
        marks.content(line.role, STRUCTURE.get(line.role, "P"))
        c.setFillColor(line.color)
        c.setFont(line.font, line.size)
        c.drawString(line.x, line.baseline, visual(line.text, rtl))
        marks.end()
        if line.role == "verify_text":  # the code comes after what introduces it
            _draw_qr(c, marks, layout, text)
    if not layout.by_role("verify_text"):
        _draw_qr(c, marks, layout, text)

    # The code and the printed URL are also links, for whoever reads the PDF on screen.
    url_lines = layout.by_role("verify_url")
    if url_lines:
        c.linkURL(
            text.verify_url,
            (
                min([line.x for line in url_lines] + [layout.qr_x]),
                min(line.bottom for line in url_lines),
                max([line.right for line in url_lines] + [layout.qr_x + layout.qr_size]),
                layout.qr_y + layout.qr_size,
            ),
            relative=0,
            thickness=0,
        )

    c.showPage()
    c.save()
    # Arabic lines are drawn shaped and in visual order: their elements say their text in logical order.
    actual = {
        role: " ".join(line.text for line in layout.by_role(role))
        for role in {line.role for line in layout.lines if has_arabic(line.text)}
    }
    return _tag(buffer.getvalue(), marks.elements, text, title, actual)


def _draw_qr(c: rl_canvas.Canvas, marks: _Marks, layout: Layout, text: CertificateText) -> None:
    marks.content("qr_code", "Figure")
    drawing = Drawing(layout.qr_size, layout.qr_size)
    drawing.add(_qr_widget(text.verify_url, layout.qr_size))
    renderPDF.draw(drawing, c, layout.qr_x, layout.qr_y)
    marks.end()


def _tag(
    data: bytes,
    elements: list[tuple[str, str, list[int]]],
    text: CertificateText,
    title: str,
    actual: dict[str, str] | None = None,
) -> bytes:
    """The structure tree for the page's marked content, the link's annotation in it, and the
    catalog's and metadata's entries of a tagged PDF (see the module's docstring)."""
    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0].obj
    tree = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=tree, K=pikepdf.Array())
    )
    if text.language:
        document.Lang = pikepdf.String(text.language)
    parents = pikepdf.Array([None] * sum(len(mcids) for _role, _tag, mcids in elements))
    link = None
    for role, tag, mcids in elements:
        element = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + tag), P=document, Pg=page, K=pikepdf.Array(mcids)
            )
        )
        if role == "qr_code":
            element.Alt = pikepdf.String(text.qr_alt or f"{text.verify_text} {text.verify_url}")
        if actual and role in actual:
            element.ActualText = pikepdf.String(actual[role])
        if role == "verify_url":
            link = element
        for mcid in mcids:
            parents[mcid] = element
        document.K.append(element)
    nums = pikepdf.Array([0, parents])
    for annotation in page.get("/Annots", []):  # the link: in the structure, described
        annotation.Contents = pikepdf.String(f"{text.verify_text} {text.verify_url}")
        if link is not None:
            annotation.StructParent = 1
            link.K.append(pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annotation, Pg=page))
            nums = pikepdf.Array([0, parents, 1, link])
    tree.K = document
    tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
    tree.ParentTreeNextKey = 2
    page.StructParents = 0
    page.Tabs = pikepdf.Name.S  # keyboard order follows the structure
    pdf.Root.StructTreeRoot = tree
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"] = title
        xmp["pdfuaid:part"] = "1"
        if text.language:
            xmp["dc:language"] = [text.language]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)  # the same input gives the same bytes
    return out.getvalue()
