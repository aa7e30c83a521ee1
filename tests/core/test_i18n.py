"""Interface translations: every catalogue complete and current, and pages really translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from elearn.config import DEFAULTS
from elearn.core.cli import TEMPLATE, extract

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
# Every interface language but the source's: a language added to the configuration is checked too.
LANGUAGES = [code for code in DEFAULTS["LANGUAGES"] if code != DEFAULTS["BABEL_DEFAULT_LOCALE"]]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The template extracted from the code now, not the committed one."""
    committed = TEMPLATE.read_bytes()
    try:
        extract()
        with TEMPLATE.open("rb") as f:
            yield read_po(f)
    finally:
        TEMPLATE.write_bytes(committed)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_current(template, language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    missing = [m.id for m in template if m.id and catalogue.get(m.id, context=m.context) is None]
    assert missing == [], f"{language} lacks strings: run `flask translate update` and translate them"
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []
    for message in catalogue:
        if message.id and message.python_format:
            assert not list(message.check(catalogue)), message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_in_each_interface_language(client, app, language):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        expected = gettext("Courses"), gettext("Skip to content"), gettext("Any country")
    assert "Courses" not in expected
    page = client.get(f"/courses/?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}"' in page
    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("lv", "Kursi"),
        ("de", "Kurse"),
        ("pl", "Kursy"),
        ("ru", "Курсы"),
        ("sl", "Tečaji"),
        ("ar", "الدورات"),
    ],
)
def test_known_strings_are_translated(client, language, expected):
    assert f"<h1>{expected}</h1>" in client.get(f"/courses/?lang={language}").get_data(as_text=True)


def test_404_page_in_the_users_language(client):
    response = client.get("/courses/nowhere/", headers={"Accept-Language": "lv"})
    assert response.status_code == 404
    assert "English" not in response.get_data(as_text=True)[:200]
    assert "We could not find that page" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("hours", "language", "about", "duration"),
    [
        (1, "en", "about", "1 hour"),
        (2.5, "en", "about", "2.5 hours"),
        (1, "lv", "apmēram", "1 stunda"),
        (1.5, "lv", "apmēram", "1,5 stundas"),
        (21, "lv", "apmēram", "21 stunda"),
        (5, "pl", "w przybliżeniu", "5 godzin"),
        (2, "ru", "примерно", "2 часа"),
        (1, "de", "etwa", "1 Stunde"),
        (1, "da", "cirka", "1 time"),
    ],
)
def test_a_courses_hours_take_the_plural_form_their_number_needs(
    app, client, write_course, hours, language, about, duration
):
    """CLDR's plural rules, decimals included: gettext's plurals could not say "1,5 stundas" right."""
    from tests.factories import COURSE, LESSON, MODULE, import_course

    course = COURSE.replace("language: en", f"language: en\nestimated_hours: {hours}")
    import_course(app, write_course, {"course.md": course, "01-one/module.md": MODULE, "01-one/01-lesson.md": LESSON})
    assert f"{about} {duration}<" in client.get(f"/courses/?lang={language}").get_data(as_text=True)
    assert f" {duration}." in client.get(f"/courses/demo/?lang={language}").get_data(as_text=True)
