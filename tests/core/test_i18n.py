"""Interface translations: every catalogue complete and current, and pages really translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from elearn.core.cli import TEMPLATE, extract

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
LANGUAGES = ["lv", "lt", "et", "pl", "ru", "da", "sv", "fi", "de", "sl", "hr"]


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
    missing = [m.id for m in template if m.id and m.id not in catalogue]
    assert missing == [], f"{language} lacks strings: run `flask translate update` and translate them"
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
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
    assert f'<html lang="{language}">' in page
    for text in expected:
        assert text in page


@pytest.mark.parametrize(("language", "expected"), [
    ("lv", "Kursi"), ("de", "Kurse"), ("pl", "Kursy"), ("ru", "Курсы"), ("sl", "Tečaji"),
])
def test_known_strings_are_translated(client, language, expected):
    assert f"<h1>{expected}</h1>" in client.get(f"/courses/?lang={language}").get_data(as_text=True)


def test_404_page_in_the_users_language(client):
    response = client.get("/courses/nowhere/", headers={"Accept-Language": "lv"})
    assert response.status_code == 404
    assert "English" not in response.get_data(as_text=True)[:200]
    assert "We could not find that page" not in response.get_data(as_text=True)
