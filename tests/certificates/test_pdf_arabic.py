"""An Arabic certificate: set right to left in a font with Arabic letters, shaped, and read back
in logical order (issue #23)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from elearn.certificates import pdf
from tests.certificates.conftest import complete_course
from tests.factories import ONE_MODULE_FILES as FILES

NAME = "ليلى حداد"
TITLE = "أساسيات ريادة الأعمال الاجتماعية"


@pytest.fixture
def arabic_certificate(app, write_course, make_user):
    """A learner whose interface language is Arabic completed the ar-EG version of a course."""
    root = write_course({**FILES, "locales/ar-EG/course.md": f"---\ntitle: {TITLE}\n---\nوصف.\n"})
    return complete_course(app, root, make_user("layla@example.org", name=NAME, language="ar"), "ar-EG")


def _logical(extracted: str) -> str:
    """pdftotext's text as a reader would type it: no bidi controls, base letters, single spaces."""
    text = unicodedata.normalize("NFKC", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", extracted))
    return " ".join(text.split())


def test_the_arabic_pdf_says_its_text_in_logical_order(client, arabic_certificate):
    data = client.get(f"/certificates/{arabic_certificate}.pdf").data
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/Lang"] == "ar"
    elements = [kid.get_object() for kid in root["/StructTreeRoot"]["/K"].get_object()["/K"]]
    actual = [str(e["/ActualText"]) for e in elements if "/ActualText" in e]
    assert actual[:5] == ["شهادة إتمام", "تشهد هذه الوثيقة بأن", NAME, "أتمّ الدورة", TITLE]


@pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("CI"), reason="pdftotext (Debian: poppler-utils) is missing"
)
def test_the_arabic_text_is_read_back_from_the_glyphs_in_logical_order(client, arabic_certificate, tmp_path):
    """poppler reads the drawn glyphs (visual order, joined forms) back as logical Arabic."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(client.get(f"/certificates/{arabic_certificate}.pdf").data)
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    text = _logical(extracted.stdout)
    for line in ("شهادة إتمام", "تشهد هذه الوثيقة بأن", NAME, "أتمّ الدورة", TITLE):
        assert line in text


def test_arabic_lines_are_set_in_amiri_with_every_letter(client, arabic_certificate):
    data = client.get(f"/certificates/{arabic_certificate}.pdf").data
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]).partition("+")[2] for f in fonts.values()}
    assert {"Amiri-Regular", "Amiri-Bold"} <= names, names


def _text(language: str, **values) -> pdf.CertificateText:
    fields = {
        "heading": "Certificate of completion",
        "awarded_to": "This certifies that",
        "learner_name": "Jānis Bērziņš",
        "completed": "has completed the course",
        "course_title": "Social entrepreneurship",
        "details": ["Completed on 8 December 2026"],
        "issuer_name": "Social Innovation Centre",
        "verify_text": "Check that this certificate is genuine at",
        "verify_url": "https://elearn.example.org/certificates/abc",
        "certificate_id": "abc",
        "language": language,
    }
    return pdf.CertificateText(**{**fields, **values})


def test_a_right_to_left_certificate_is_laid_out_mirrored():
    english, arabic = pdf.layout_certificate(_text("en")), pdf.layout_certificate(_text("ar"))
    middle = pdf.PAGE_WIDTH / 2
    assert english.qr_x > middle and arabic.qr_x + arabic.qr_size < middle  # the code bottom left
    [issuer] = arabic.by_role("issuer_name")
    assert issuer.x > middle and abs(issuer.right - (pdf.PAGE_WIDTH - pdf.SIDE_MARGIN)) < 0.01
    [url] = arabic.by_role("verify_url")
    assert abs(url.x - arabic.qr_x) < 0.01  # under the code, on its outer edge
    for line in arabic.lines:
        assert line.x > 0 and line.right < pdf.PAGE_WIDTH


def test_an_arabic_name_on_a_left_to_right_certificate():
    layout = pdf.layout_certificate(_text("en", learner_name=NAME))
    [name] = layout.by_role("learner_name")
    assert name.font == "ElearnArabic-Bold" and layout.by_role("heading")[0].font == pdf.SERIF
    assert pdf.visual(NAME, rtl=False) != NAME and pdf.visual("Jānis", rtl=False) == "Jānis"
    assert layout.qr_x > pdf.PAGE_WIDTH / 2  # the page is not mirrored


def test_a_missing_arabic_font_says_which_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(pdf.FontNotFoundError, match="fonts-hosny-amiri"):
        pdf.font_for(NAME, pdf.SERIF)
