"""The reading pages: status and content of each, variants with fallback, 404s, media, query counts."""

from __future__ import annotations

import re

import pytest

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree
from tests.conftest import sign_in
from tests.factories import course_files, valid_course


@pytest.fixture
def course(app, write_course):
    root = write_course(course_files())
    with app.app_context(), unit_of_work():  # as the import command commits
        assert sync_tree(root).ok
    return root


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_catalogue_lists_and_filters(client, course):
    page = text_of(client.get("/courses/"))
    assert "Demo" in page and 'href="/courses/demo/"' in page
    assert "Demo" in text_of(client.get("/courses/?language=lv"))
    assert "Demo" in text_of(client.get("/courses/?country=LV"))
    assert "No course matches these filters." in text_of(client.get("/courses/?country=DK"))
    assert "No course matches these filters." in text_of(client.get("/courses/?language=pl"))


def test_course_page(client, course):
    response = client.get("/courses/demo/")
    page = text_of(response)
    assert response.status_code == 200
    assert "<h1>Demo</h1>" in page and "<p>Description.</p>" in page
    assert page.index("Module 1") < page.index("Module 2")
    assert 'href="/courses/demo/m1/"' in page


def test_module_page_lists_units_with_kinds(client, course):
    page = text_of(client.get("/courses/demo/m1/"))
    assert "<h1>Module 1</h1>" in page and "<p>Outline.</p>" in page
    titles = re.findall(r'<a href="/courses/demo/m1/([a-z0-9-]+)/">', page)
    assert titles == ["lesson-1", "lesson-2", "interview", "story", "quiz"]
    for label in ("Lesson", "Interview", "Case story", "Quiz"):
        assert f">{label}</span>" in page
    assert 'rel="next" href="/courses/demo/m2/"' in page


def test_unit_pages_with_previous_and_next(client, course):
    page = text_of(client.get("/courses/demo/m1/lesson-2/"))
    assert "<h1>Lesson 1.2</h1>" in page and "<p>Text.</p>" in page
    assert 'rel="prev" href="/courses/demo/m1/lesson-1/"' in page
    assert 'rel="next" href="/courses/demo/m1/interview/"' in page
    last = text_of(client.get("/courses/demo/m1/quiz/"))
    assert 'rel="next" href="/courses/demo/m2/"' in last  # the end of a module leads to the next


def test_interview_case_story_and_quiz_pages(client, course):
    interview = text_of(client.get("/courses/demo/m1/interview/"))
    assert "A reuse-centre manager" in interview and "Slovenia" in interview
    assert re.search(
        r'<audio class="media-player" controls preload="none">\s*<source src="/courses/demo/media/talk.mp3\?v=\w{16}" '
        r'type="audio/mpeg">',
        interview,
    )
    story = text_of(client.get("/courses/demo/m1/story/"))
    assert '<th scope="row">Jobs created</th><td>1,200</td>' in story
    quiz = text_of(client.get("/courses/demo/m1/quiz/"))
    assert "1 question" in quiz and "Pick." in quiz
    assert "correct" not in quiz.lower()  # the answers never reach the browser


def test_variant_falls_back_unit_by_unit(client, course):
    # lv-LV's own translation, then the language (lv), then the source.
    page = text_of(client.get("/courses/demo/m1/?variant=lv-LV"))
    assert "Pirmais modulis" in page  # module translated in lv
    assert "Nodarbība viens (lv)" in page and "Nodarbība divi (lv-LV)" in page
    assert "Sociālo uzņēmumu likums" in page  # country-only unit
    assert "/courses/demo/m1/story/" not in page  # hidden in lv-LV
    assert '<li lang="lv">' in page
    unit = text_of(client.get("/courses/demo/m1/lesson-2/"))  # the choice is remembered
    assert "Teksts LV." in unit and '<article class="unit unit-lesson" lang="lv">' in unit
    source_unit = text_of(client.get("/courses/demo/m1/interview/"))
    assert "not translated yet" in source_unit and 'lang="en"' in source_unit
    assert client.get("/courses/demo/m1/story/").status_code == 404
    assert client.get("/courses/demo/m1/latvian-law/").status_code == 200
    # Back to the source: the country-only unit is not part of it.
    assert client.get("/courses/demo/m1/latvian-law/?variant=").status_code == 404
    assert "Lesson 1.1" in text_of(client.get("/courses/demo/m1/lesson-1/"))


def test_default_variant_follows_the_interface_language(client, course):
    page = text_of(client.get("/courses/demo/", headers={"Accept-Language": "lv"}))
    assert "<h1>Demo kurss</h1>" in page


def test_outdated_translation_shows_a_notice(client, app, course):
    lesson = course / "demo/01-m1/01-lesson-1.md"
    lesson.write_text(lesson.read_text().replace("Text.", "Changed text."))
    with app.app_context(), unit_of_work():  # as the import command commits
        assert sync_tree(course).ok
    page = text_of(client.get("/courses/demo/m1/lesson-1/?variant=lv"))
    assert "The original text has changed since this translation was made." in page
    assert "Teksts lv." in page


@pytest.mark.parametrize(
    "url",
    [
        "/courses/nope/",
        "/courses/demo/nope/",
        "/courses/demo/m1/nope/",
        "/courses/demo/media/nope.png",
        "/courses/demo/media/../course.md",
        "/nowhere",
    ],
)
def test_unknown_pages_are_404_pages(client, course, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page." in text_of(response)


def test_media_is_served_with_caching_headers(client, course):
    with client.get("/courses/demo/media/photo.png") as response:
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
        assert "max-age=604800" in response.headers["Cache-Control"]
        assert response.headers.get("ETag")


def test_interface_language_from_parameter_and_cookie(client, course):
    response = client.get("/courses/?lang=lv")
    assert '<html lang="lv">' in text_of(response)
    assert "lang=lv" in response.headers["Set-Cookie"]
    assert '<html lang="lv">' in text_of(client.get("/courses/"))  # remembered
    assert '<html lang="de">' in text_of(client.get("/courses/?lang=de"))
    fresh = client.application.test_client()
    assert '<html lang="en">' in text_of(fresh.get("/courses/?lang=xx"))
    assert '<html lang="sl">' in text_of(fresh.get("/courses/", headers={"Accept-Language": "sl-SI,sl;q=0.9,en;q=0.5"}))


@pytest.mark.parametrize("size", [2, 12])
def test_reading_pages_run_a_fixed_number_of_queries(app, client, write_course, tmp_path, count_queries, size):
    """The same number of SQL statements whether a module has 5 units or 16, a course 1 module or 12.

    The first page read copies the course's structure into the worker (seven statements,
    elearn.courses.tree); every page after it asks only for the course's stamp (one).
    """
    root = write_course(course_files(units_per_module=size, modules=min(size, 9)), root=tmp_path / f"c{size}")
    with app.app_context(), unit_of_work():  # as the import command commits
        assert sync_tree(root).ok
    counts = {}
    for name, url in {
        "course": "/courses/demo/",
        "module": "/courses/demo/m1/",
        "unit": "/courses/demo/m1/lesson-1/",
        "module-lv-LV": "/courses/demo/m1/?variant=lv-LV",
        "unit-lv-LV": "/courses/demo/m1/lesson-2/?variant=lv-LV",
        "catalogue": "/courses/",
    }.items():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[name] = counter.count
    assert counts == {"course": 1 + 7, "module": 1, "unit": 2, "module-lv-LV": 1, "unit-lv-LV": 2, "catalogue": 2}


def test_pages_for_an_enrolled_learner_run_a_fixed_number_of_queries(
    app, write_course, tmp_path, count_queries, make_user
):
    from tests.conftest import post_form, sign_in

    make_user("ana@example.org")
    counts = []
    for size in (2, 12):
        root = write_course(
            course_files(units_per_module=size, modules=min(size, 9)), root=tmp_path / f"c{size}", slug=f"demo{size}"
        )
        with app.app_context(), unit_of_work():  # as the import command commits
            assert sync_tree(root).ok
        client = app.test_client()
        sign_in(client, "ana@example.org")
        post_form(client, f"/me/courses/demo{size}/enrol", page_url=f"/courses/demo{size}/")
        client.get(f"/courses/demo{size}/m1/lesson-1/")  # first visit writes "seen"
        measured = {}
        for name, url in {
            "course": f"/courses/demo{size}/",
            "module": f"/courses/demo{size}/m1/",
            "unit": f"/courses/demo{size}/m1/lesson-1/",
            "quiz": f"/courses/demo{size}/m1/quiz/",
            "me": "/me/",
        }.items():
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            measured[name] = counter.count
        counts.append(measured)
    assert counts[0] == counts[1], counts
    # the signed-in user (1); the course, enrolment and, on a unit page, the unit's progress (1)
    assert counts[0]["module"] == 2 and counts[0]["unit"] == 2, counts


@pytest.mark.parametrize("language", ["en", "lv", "ru", "sl", "pl", "de"])
def test_demo_pages_render_in_every_version_and_language(client, demo, language):
    """Every variant of the demo course (ru-LV has no CLDR locale of its own) on the main pages."""
    assert client.get(f"/courses/?lang={language}").status_code == 200
    for tag in ("", "lv-LV", "ru-LV", "pl-PL", "sl-SI"):
        for url in (
            "/courses/social-entrepreneurship/",
            "/courses/social-entrepreneurship/legal-forms/",
            "/courses/social-entrepreneurship/legal-forms/overview/",
        ):
            response = client.get(f"{url}?variant={tag}&lang={language}")
            assert response.status_code == 200, (url, tag, language)
    page = client.get("/courses/?lang=en").get_data(as_text=True)
    assert "Russian (Latvia)" in page and "Slovenian (Slovenia)" in page


def test_every_demo_page_in_every_version_renders(client, demo):
    import re as regex

    for tag in ("", "lv-LV", "ru-LV", "pl-PL", "sl-SI"):
        course_page = client.get(f"/courses/social-entrepreneurship/?variant={tag}").get_data(as_text=True)
        modules = sorted(set(regex.findall(r'href="(/courses/social-entrepreneurship/[a-z0-9-]+/)"', course_page)))
        assert len(modules) >= 7, tag
        for module_url in modules:
            module_page = client.get(module_url).get_data(as_text=True)
            units = set(regex.findall(rf'href="({regex.escape(module_url)}[a-z0-9-]+/)"', module_page))
            assert units, module_url
            for unit_url in units:
                assert client.get(unit_url).status_code == 200, (tag, unit_url)


def test_the_catalogue_shows_each_course_in_the_readers_language_and_country(app, client, write_course, make_user):
    root = write_course(
        valid_course(
            **{
                "locales/ru-EE/course.md": "---\ntitle: Курс в Эстонии\nsummary: Для Эстонии.\n---\n",
                "locales/ru-LV/course.md": "---\ntitle: Курс в Латвии\nsummary: Для Латвии.\n---\n",
            }
        )
    )
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    english = text_of(client.get("/courses/?lang=en"))
    assert '<h2><a href="/courses/demo/">Demo</a></h2>' in english
    russian = text_of(client.get("/courses/?lang=ru"))  # no country known: the first Russian version
    assert '<h2><a href="/courses/demo/">Курс в Эстонии</a></h2>' in russian and "<p>Для Эстонии.</p>" in russian
    assert "Курс в Латвии" in text_of(client.get("/courses/?lang=ru&country=LV"))
    make_user("reader@example.org", language="ru", country="LV")
    sign_in(client, "reader@example.org")
    assert "Курс в Латвии" in text_of(client.get("/courses/"))
    assert "Курс в Латвии" in text_of(client.get("/courses/demo/"))  # as the course page shows it
    client.get("/courses/demo/?variant=ru-EE")  # a version chosen on the course page is remembered
    assert "Курс в Эстонии" in text_of(client.get("/courses/"))


def test_a_title_in_another_language_than_the_page_says_so(app, client, write_course):
    root = write_course(valid_course(**{"locales/ru-LV/course.md": "---\ntitle: Курс\n---\n"}))
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    client.get("/courses/demo/?variant=ru-LV")
    page = text_of(client.get("/courses/?lang=en"))
    assert '<h2 lang="ru"><a href="/courses/demo/">Курс</a></h2>' in page
