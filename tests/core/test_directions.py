"""Right-to-left languages: the page's direction comes from the locale (CLDR), and course
versions in Ukrainian and Arabic work like any other."""

from __future__ import annotations

import pytest

from elearn.core.i18n import text_direction
from tests.factories import COURSE, LESSON, MODULE, import_course


@pytest.mark.parametrize(
    ("code", "direction"),
    [
        ("ar", "rtl"),
        ("ar-EG", "rtl"),
        ("ar_SA", "rtl"),
        ("he", "rtl"),
        ("fa-IR", "rtl"),
        ("uk", "ltr"),
        ("uk-PL", "ltr"),
        ("lv-LV", "ltr"),
        ("en", "ltr"),
        ("not a language", "ltr"),
        ("", "ltr"),
    ],
)
def test_direction_from_the_locale(code, direction):
    assert text_direction(code) == direction


def test_an_arabic_page_is_right_to_left_and_others_are_not(client):
    arabic = client.get("/courses/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    ukrainian = client.get("/courses/?lang=uk").get_data(as_text=True)
    assert '<html lang="uk">' in ukrainian and 'dir="rtl"' not in ukrainian.split("<body", 1)[0]


def test_the_language_menu_names_ukrainian_and_arabic_in_their_own_language(client):
    page = client.get("/courses/").get_data(as_text=True)
    assert '<option value="ar" lang="ar" dir="rtl" >العربية</option>' in page
    assert '<option value="uk" lang="uk" >Українська</option>' in page
    arabic = client.get("/courses/?lang=ar").get_data(as_text=True)
    assert '<option value="en" lang="en" dir="ltr" >English</option>' in arabic


def test_mail_says_its_language(app):
    from elearn.core.mail import compose

    with app.test_request_context():
        message = compose("a@example.org", "Subject", "auth/mail/reset", language="ar", url="https://x/", user=None)
    assert message["Content-Language"] == "ar"


FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "locales/uk/01-one/01-lesson.md": "---\ntitle: Урок українською\n---\nТекст українською.\n",
    "locales/uk-UA/01-one/02-local.md": "---\nkind: lesson\ntitle: Лише в Україні\n---\nТекст.\n",
    "locales/uk-PL/01-one/01-lesson.md": "---\ntitle: Урок для Польщі\n---\nТекст для Польщі.\n",
    "locales/ar-EG/01-one/01-lesson.md": "---\ntitle: درس بالعربية\n---\nنص الدرس.\n",
}


@pytest.fixture
def versions(app, write_course):
    return import_course(app, write_course, FILES)


def test_ukrainian_versions_fall_back_like_any_other(client, versions):
    ua = client.get("/courses/demo/one/?variant=uk-UA").get_data(as_text=True)
    assert "Урок українською" in ua and "Лише в Україні" in ua  # the language's translation, the country's unit
    pl = client.get("/courses/demo/one/lesson/?variant=uk-PL").get_data(as_text=True)
    assert "Текст для Польщі." in pl and '<article class="unit unit-lesson" lang="uk">' in pl
    assert client.get("/courses/demo/one/local/?variant=uk-PL").status_code == 404


def test_an_arabic_version_is_right_to_left_inside_an_english_page(client, versions):
    page = client.get("/courses/demo/one/lesson/?variant=ar-EG").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<article class="unit unit-lesson" lang="ar" dir="rtl">' in page and "نص الدرس." in page
    course = client.get("/courses/demo/?variant=ar-EG").get_data(as_text=True)
    assert '<option value="ar-EG" selected>Arabic (Egypt)</option>' in course  # named in the interface language


def test_an_english_original_is_left_to_right_inside_an_arabic_page(client, versions):
    page = client.get("/courses/demo/one/lesson/?variant=&lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<article class="unit unit-lesson" lang="en" dir="ltr">' in page
    assert '<p class="kind kind-lesson" lang="ar" dir="rtl">' in page  # "Lesson · unit 1 of 1" in Arabic
    catalogue = client.get("/courses/?lang=ar").get_data(as_text=True)
    assert '<h2 lang="en" dir="ltr">' in catalogue and '<p lang="en" dir="ltr">A demo course.</p>' in catalogue
    course = client.get("/courses/demo/?variant=&lang=ar").get_data(as_text=True)
    assert '<article lang="en" dir="ltr">' in course
    assert '<div lang="ar" dir="rtl">' in course.split("<article", 1)[1]  # the interface's words inside it
    arabic = client.get("/courses/demo/one/lesson/?variant=ar-EG&lang=ar").get_data(as_text=True)
    assert '<article class="unit unit-lesson" lang="ar">' in arabic and "نص الدرس." in arabic
