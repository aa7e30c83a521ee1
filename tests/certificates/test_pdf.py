"""The certificate PDF: every partner language's text survives, the page is laid
out within its bounds, the QR code carries the verification URL, and the file
says which language it is in."""

from __future__ import annotations

import dataclasses
import io
import itertools
import shutil

import pytest
from pypdf import PdfReader
from pypdf.generic import BooleanObject
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfbase import pdfmetrics

from elearn.certificates import pdf
from elearn.certificates.pdf import CertificateText, FontNotFoundError, layout_certificate, render_pdf


def _text(language, heading, awarded_to, name, completed, title, details, issuer, verify, cert_id):
    return CertificateText(
        heading=heading,
        awarded_to=awarded_to,
        learner_name=name,
        completed=completed,
        course_title=title,
        details=details,
        issuer_name=issuer,
        verify_text=verify,
        verify_url=f"https://elearn.example.org/{language}/certificates/verify/{cert_id}",
        certificate_id=cert_id,
        language=language,
    )


# One certificate per partner language: real names and course titles with that
# language's own letters.
PARTNERS = [
    _text(
        "lv",
        "Apliecība",
        "Ar šo tiek apliecināts, ka",
        "Jānis Bērziņš",
        "ir sekmīgi pabeidzis kursu",
        "Sociālās uzņēmējdarbības pamati: ķēdes, ļaudis un ietekmes mērīšana",
        ["Latviešu (Latvija) versija", "12 stundas", "Pabeigts 2026. gada 23. novembrī"],
        "Latvijas Sociālās uzņēmējdarbības asociācija",
        "Pārbaudiet šo apliecību vietnē",
        "LV-7F3K-9QXA",
    ),
    _text(
        "lt",
        "Pažymėjimas",
        "Šiuo patvirtinama, kad",
        "Žydrūnė Čiurlionytė",
        "sėkmingai baigė kursą",
        "Socialinio verslo pagrindai: nuo idėjos iki poveikio bendruomenėje",
        ["Lietuvių (Lietuva) versija", "12 valandų", "Baigta 2026 m. lapkričio 23 d."],
        "Lietuvos socialinio verslo asociacija",
        "Patikrinkite šį pažymėjimą adresu",
        "LT-2M8D-K4PW",
    ),
    _text(
        "et",
        "Tunnistus",
        "Käesolevaga tõendatakse, et",
        "Õnne Pärtel",
        "on läbinud kursuse",
        "Sotsiaalse ettevõtluse alused: ärimudelid ja mõju hindamine",
        ["Eesti (Eesti) versioon", "12 tundi", "Lõpetatud 23. novembril 2026"],
        "Eesti Sotsiaalse Ettevõtluse Võrgustik",
        "Kontrollige tunnistuse ehtsust aadressil",
        "EE-5QJ2-R7TN",
    ),
    _text(
        "pl",
        "Certyfikat ukończenia",
        "Niniejszym zaświadcza się, że",
        "Łukasz Żółć",
        "ukończył kurs",
        "Przedsiębiorczość społeczna: źródła finansowania i mierzenie wpływu",
        ["Wersja polska (Polska)", "12 godzin", "Ukończono 23 listopada 2026 r."],
        "Ogólnopolski Związek Spółdzielni Socjalnych",
        "Sprawdź autentyczność certyfikatu pod adresem",
        "PL-8H3V-Z6CE",
    ),
    _text(
        "da",
        "Kursusbevis",
        "Hermed bekræftes det, at",
        "Søren Ærø Åberg",
        "har gennemført kurset",
        "Socialøkonomisk iværksætteri: fra idé til bæredygtig forretning",
        ["Dansk (Danmark) udgave", "12 timer", "Gennemført den 23. november 2026"],
        "Center for Socialøkonomi",
        "Bekræft dette kursusbevis på",
        "DK-4B9N-W2XY",
    ),
    _text(
        "sv",
        "Kursintyg",
        "Härmed intygas att",
        "Åsa Öberg",
        "har genomfört kursen",
        "Socialt företagande: affärsmodeller och mätning av samhällsnytta",
        ["Svensk (Sverige) version", "12 timmar", "Slutförd den 23 november 2026"],
        "Föreningen för socialt företagande i Sverige",
        "Kontrollera intyget på",
        "SE-6T1R-M5QA",
    ),
    _text(
        "fi",
        "Todistus",
        "Täten todistetaan, että",
        "Väinö Häkkinen",
        "on suorittanut kurssin",
        "Yhteiskunnallinen yritystoiminta: liiketoimintamallit ja vaikutusten mittaaminen",
        ["Suomenkielinen (Suomi) versio", "12 tuntia", "Suoritettu 23. marraskuuta 2026"],
        "Yhteiskunnallisten yritysten liitto ry",
        "Tarkista todistuksen aitous osoitteessa",
        "FI-3K7P-D8LU",
    ),
    _text(
        "de",
        "Teilnahmezertifikat",
        "Hiermit wird bestätigt, dass",
        "Jürgen Müßig",
        "den Kurs erfolgreich abgeschlossen hat",
        "Soziales Unternehmertum: Geschäftsmodelle, Finanzierung und Wirkungsmessung für Gründerinnen",
        ["Deutsche (Deutschland) Fassung", "12 Stunden", "Abgeschlossen am 23. November 2026"],
        "Bundesverband für soziales Unternehmertum e. V.",
        "Prüfen Sie die Echtheit dieses Zertifikats unter",
        "DE-9W4X-B2JF",
    ),
    _text(
        "sl",
        "Potrdilo o zaključku",
        "S tem potrjujemo, da je",
        "Špela Čebašek",
        "uspešno zaključila tečaj",
        "Osnove družbenega podjetništva: od zamisli do učinka v skupnosti",
        ["Slovenska (Slovenija) različica", "12 ur", "Zaključeno 23. novembra 2026"],
        "Društvo za družbeno podjetništvo Slovenije",
        "Preverite potrdilo na naslovu",
        "SI-1N6C-H9VR",
    ),
    _text(
        "hr",
        "Potvrda o završetku",
        "Ovim se potvrđuje da je",
        "Đurđa Ćosić",
        "uspješno završila tečaj",
        "Osnove društvenog poduzetništva: poslovni modeli i mjerenje učinka",
        ["Hrvatska (Hrvatska) inačica", "12 sati", "Završeno 23. studenoga 2026."],
        "Hrvatska udruga društvenih poduzetnika",
        "Provjerite vjerodostojnost potvrde na adresi",
        "HR-7Y2G-Q5KS",
    ),
    _text(
        "ru",
        "Сертификат об окончании курса",
        "Настоящим удостоверяется, что",
        "Анна Щукина",
        "успешно завершила курс",
        "Основы социального предпринимательства: бизнес-модели и оценка общественного воздействия",
        ["Русская (Латвия) версия", "12 часов", "Завершено 23 ноября 2026 г."],
        "Ассоциация социального предпринимательства",
        "Проверить подлинность сертификата можно по адресу",
        "RU-5D3M-T8ZB",
    ),
    _text(
        "ru-EE",
        "Сертификат об окончании курса",
        "Настоящим удостоверяется, что",
        "Ыргалы Жумабаева",
        "успешно завершила курс",
        "Социальное предпринимательство в Эстонии: объём, щедрость и съёмки",
        ["Русская (Эстония) версия", "8 часов", "Завершено 2 декабря 2026 г."],
        "Эстонская сеть социальных предприятий",
        "Проверить сертификат можно по адресу",
        "EE-2R9K-F4WD",
    ),
]
IDS = [t.language for t in PARTNERS]

# Every letter the brief names, and then some, in one string.
ALL_LETTERS = "āēīūķļņčšžłżśøåæõäöüжщыćđ ĀĒĪŪĶĻŅČŠŽŁŻŚØÅÆÕÄÖÜЖЩЫĆĐ ėįųęąźńóß€ – „“ « » …"

TITLE_120 = (
    "Sociālās uzņēmējdarbības ilgtspējīga attīstība lauku kopienās: finansējums, partnerības un ietekmes mērīšana"
    " praksē 2026"
)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _strings(text: CertificateText) -> list[str]:
    return [
        text.heading,
        text.awarded_to,
        text.learner_name,
        text.completed,
        text.course_title,
        *text.details,
        text.issuer_name,
        text.verify_text,
        text.verify_url,
        text.certificate_id,
    ]


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@pytest.fixture(scope="module", params=PARTNERS, ids=IDS)
def partner(request):
    text = request.param
    return text, render_pdf(text)


# ------------------------------------------------------------------ text


def test_every_string_appears_in_the_extracted_text(partner):
    text, data = partner
    extracted = _normalise(_reader(data).pages[0].extract_text())
    for value in _strings(text):
        assert _normalise(value) in extracted, value


def test_every_character_has_a_glyph_in_its_font(partner):
    # pypdf reads text through the ToUnicode map, which would "succeed" even for
    # a character drawn as the font's empty .notdef box: check the fonts too.
    text, _ = partner
    for line in layout_certificate(text).lines:
        glyphs = pdfmetrics.getFont(line.font).face.charToGlyph
        missing = {char for char in line.text if not char.isspace() and ord(char) not in glyphs}
        assert not missing, (line.role, missing)


def test_all_partner_letters_render():
    text = dataclasses.replace(PARTNERS[0], learner_name=ALL_LETTERS, course_title=ALL_LETTERS, issuer_name=ALL_LETTERS)
    extracted = _normalise(_reader(render_pdf(text)).pages[0].extract_text())
    assert extracted.count(_normalise(ALL_LETTERS)) == 3
    for line in layout_certificate(text).lines:
        glyphs = pdfmetrics.getFont(line.font).face.charToGlyph
        assert all(char.isspace() or ord(char) in glyphs for char in line.text), line


def test_reading_order_is_main_text_then_footer():
    text = PARTNERS[0]
    extracted = _normalise(_reader(render_pdf(text)).pages[0].extract_text())
    positions = [extracted.index(_normalise(value)) for value in _strings(text)]
    assert positions == sorted(positions)


# ------------------------------------------------------------------ the file


def test_page_is_one_a4_landscape_page(partner):
    _, data = partner
    reader = _reader(data)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 842) <= 1
    assert abs(float(box.height) - 595) <= 1


def test_metadata_and_document_language(partner):
    text, data = partner
    reader = _reader(data)
    assert reader.trailer["/Root"]["/Lang"] == text.language
    meta = reader.metadata
    assert text.heading in meta.title and text.learner_name in meta.title
    assert meta.author == text.issuer_name
    assert meta.subject == text.course_title
    display_title = reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert isinstance(display_title, BooleanObject) and display_title.value is True


def test_fonts_are_embedded_dejavu_subsets(partner):
    _, data = partner
    fonts = _reader(data).pages[0]["/Resources"]["/Font"]
    truetype = [f.get_object() for f in fonts.values() if f.get_object()["/Subtype"] == "/TrueType"]
    assert truetype
    for font in truetype:
        prefix, _, base = str(font["/BaseFont"]).lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper(), font["/BaseFont"]  # a subset
        assert base.startswith("DejaVu"), font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"]  # embedded
        assert "/ToUnicode" in font  # so text can be copied and read aloud


def test_same_input_gives_same_bytes():
    assert render_pdf(PARTNERS[3]) == render_pdf(PARTNERS[3])


def test_verify_url_is_a_link():
    text = PARTNERS[0]
    annotations = [a.get_object() for a in _reader(render_pdf(text)).pages[0]["/Annots"]]
    assert [a["/A"]["/URI"] for a in annotations if a["/Subtype"] == "/Link"] == [text.verify_url]


def test_no_details_is_fine():
    text = dataclasses.replace(PARTNERS[1], details=[])
    extracted = _normalise(_reader(render_pdf(text)).pages[0].extract_text())
    assert text.learner_name in extracted
    assert not layout_certificate(text).by_role("details")


# ------------------------------------------------------------------ QR code


def _filled_rects(page) -> list[tuple[float, float, float, float]]:
    """Every filled rectangle on the page, in page coordinates."""
    rects, pending = [], []

    def visit(operator, operands, cm, tm):
        if operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            assert cm[1] == cm[2] == 0  # no rotation or skew in what we draw
            pending.append((cm[4] + x * cm[0], cm[5] + y * cm[3], w * cm[0], h * cm[3]))
        elif operator in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"):
            rects.extend(pending)
            pending.clear()
        elif operator in (b"S", b"s", b"n"):
            pending.clear()

    page.extract_text(visitor_operand_before=visit)
    return rects


def _qr_matrix_from_page(page) -> list[list[bool]]:
    rects = _filled_rects(page)
    module = min(h for _, _, _, h in rects)
    left = min(x for x, _, _, _ in rects)
    top = max(y + h for _, y, _, h in rects)
    size = round((max(x + w for x, _, w, _ in rects) - left) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, w, h in rects:
        assert abs(h - module) < 1e-3
        row = round((top - (y + h)) / module)
        first = round((x - left) / module)
        for col in range(first, first + round(w / module)):
            matrix[row][col] = True
    return matrix


def _expected_matrix(url: str) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("text", [PARTNERS[0], PARTNERS[10]], ids=["lv", "ru"])
def test_qr_code_on_the_page_encodes_the_verify_url(text):
    # No pure-Python QR *decoder* installs cheaply, so read the code's modules
    # back from the page's drawing and compare them with an encoding of the
    # URL at error-correction level M.
    page = _reader(render_pdf(text)).pages[0]
    matrix = _qr_matrix_from_page(page)
    assert matrix == _expected_matrix(text.verify_url)
    n = len(matrix)
    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):  # the three finder patterns
        ring = [matrix[top + i][left + j] for i in range(7) for j in range(7) if i in (0, 6) or j in (0, 6)]
        centre = [matrix[top + i][left + j] for i in range(2, 5) for j in range(2, 5)]
        assert all(ring) and all(centre)


def test_qr_code_sits_bottom_right_with_its_quiet_zone_clear():
    text = PARTNERS[0]
    layout = layout_certificate(text)
    assert layout.qr_x > pdf.PAGE_WIDTH * 0.7 and layout.qr_y < pdf.PAGE_HEIGHT * 0.3
    quiet = 4 * layout.qr_size / layout.qr_modules
    qx0, qy0 = layout.qr_x - quiet, layout.qr_y - quiet
    qx1, qy1 = layout.qr_x + layout.qr_size + quiet, layout.qr_y + layout.qr_size + quiet
    for line in layout.lines:
        assert line.right <= qx0 or line.x >= qx1 or line.top <= qy0 or line.bottom >= qy1, line
    # the URL and the id are printed under the code
    for role in ("verify_url", "certificate_id"):
        assert all(line.top <= layout.qr_y for line in layout.by_role(role))


# ------------------------------------------------------------------ layout


def _assert_within_page_and_apart(layout):
    inner = pdf.INNER_FRAME + 8
    for line in layout.lines:
        assert inner <= line.x and line.right <= pdf.PAGE_WIDTH - inner, line
        assert inner <= line.bottom and line.top <= pdf.PAGE_HEIGHT - inner, line
        # the width the layout used is the real one
        assert line.width == pytest.approx(pdfmetrics.stringWidth(line.text, line.font, line.size))
    for a, b in itertools.combinations(layout.lines, 2):
        apart = a.right <= b.x or b.right <= a.x or a.top <= b.bottom or b.top <= a.bottom
        assert apart, (a, b)


def _assert_main_text_in_box(layout):
    x0, y0, x1, y1 = layout.content_box
    for line in layout.lines:
        if line.role in pdf.FOOTER_READING_ORDER:
            continue
        assert x0 - 1e-6 <= line.x and line.right <= x1 + 1e-6, line
        assert y0 - 1e-6 <= line.bottom and line.top <= y1 + 1e-6, line


@pytest.mark.parametrize("text", PARTNERS, ids=IDS)
def test_partner_layouts_fit(text):
    layout = layout_certificate(text)
    _assert_within_page_and_apart(layout)
    _assert_main_text_in_box(layout)
    assert layout.scale == 1.0


def test_a_120_character_title_wraps_within_the_width():
    assert len(TITLE_120) == 120
    text = dataclasses.replace(PARTNERS[0], course_title=TITLE_120)
    layout = layout_certificate(text)
    x0, _, x1, _ = layout.content_box
    title = layout.by_role("course_title")
    assert 1 < len(title) <= 3
    assert all(pdfmetrics.stringWidth(line.text, line.font, line.size) <= x1 - x0 for line in title)
    assert _normalise(" ".join(line.text for line in title)) == _normalise(TITLE_120)
    assert title[0].size >= 12  # still readable
    _assert_within_page_and_apart(layout)
    _assert_main_text_in_box(layout)
    extracted = _normalise(_reader(render_pdf(text)).pages[0].extract_text())
    assert _normalise(TITLE_120) in extracted


def test_a_long_name_shrinks_before_it_wraps():
    name = "Anna-Marija Elīza Kristiāna Bērziņa-Ozoliņa"
    layout = layout_certificate(dataclasses.replace(PARTNERS[0], learner_name=name))
    lines = layout.by_role("learner_name")
    assert [line.text for line in lines] == [name]
    assert lines[0].size < pdf.NAME_STAGES[0].max_size
    # and the learner's name stays the most prominent line
    assert all(line.size <= lines[0].size for line in layout.lines if line.role != "heading")


def test_absurdly_long_text_still_never_overflows():
    text = CertificateText(
        heading="Zertifikat über den erfolgreichen Abschluss eines Weiterbildungskurses " * 2,
        awarded_to="Hiermit wird bescheinigt, dass " * 3,
        learner_name="Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstaltsbeauftragte " * 2,
        completed="den folgenden Kurs erfolgreich abgeschlossen hat",
        course_title="Grundlagen des sozialen Unternehmertums " * 12,
        details=["Deutsche (Deutschland) Fassung"] * 6 + ["x " * 120],
        issuer_name="Verband für soziales Unternehmertum in Mittel- und Osteuropa e. V. " * 3,
        verify_text="Überprüfen Sie dieses Zertifikat unter der folgenden Adresse oder mit dem QR-Code " * 2,
        verify_url="https://elearn.example.org/de/certificates/verify/" + "A" * 150,
        certificate_id="ID-" + "9" * 90,
        language="de-DE",
    )
    layout = layout_certificate(text)
    assert layout.scale < 1.0  # everything was scaled down together
    _assert_within_page_and_apart(layout)
    _assert_main_text_in_box(layout)
    render_pdf(text)  # and it still renders


# ------------------------------------------------------------------ wrapping


def test_wrap_keeps_no_break_spaces_and_breaks_overlong_words():
    pdf.ensure_fonts()
    font, size = pdf.SANS, 12
    assert pdf.wrap_text("12\u00a0stundas 12\u00a0stundas", font, size, 80) == ["12\u00a0stundas", "12\u00a0stundas"]
    word = "Donaudampfschifffahrtsgesellschaft"
    pieces = pdf.wrap_text(word, font, size, 60)
    assert len(pieces) > 1 and "".join(pieces) == word
    assert all(pdfmetrics.stringWidth(p, font, size) <= 60 for p in pieces)
    assert pdf.wrap_text("   ", font, size, 60) == []


def test_wrap_balances_centred_lines():
    pdf.ensure_fonts()
    font, size, width = pdf.SERIF_BOLD, 20, 650
    text = "Sociālās uzņēmējdarbības pamati un ietekmes mērīšana vietējās kopienās"
    greedy = pdf.wrap_text(text, font, size, width, balance=False)
    balanced = pdf.wrap_text(text, font, size, width)
    assert greedy[1] == "vietējās kopienās"  # a short last line when filled greedily
    assert len(balanced) == 2 and " ".join(balanced) == text
    widths = [pdfmetrics.stringWidth(line, font, size) for line in balanced]
    greedy_widths = [pdfmetrics.stringWidth(line, font, size) for line in greedy]
    assert max(widths) - min(widths) < max(greedy_widths) - min(greedy_widths)
    assert max(widths) <= width


# ------------------------------------------------------------------ fonts


def test_missing_fonts_name_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(FontNotFoundError) as caught:
        pdf.find_font_files()
    message = str(caught.value)
    assert "fonts-dejavu-core" in message and "ELEARN_FONT_DIR" in message and "DejaVuSerif.ttf" in message


def test_font_dir_override(monkeypatch, tmp_path):
    system = pdf.find_font_files()
    for path in system.values():
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv(pdf.FONT_DIR_ENV, str(tmp_path))
    found = pdf.find_font_files()
    assert set(found) == set(pdf.FONT_FILES)
    assert all(path.parent == tmp_path for path in found.values())
    text = PARTNERS[2]
    assert text.learner_name in _reader(render_pdf(text)).pages[0].extract_text()
