"""The trainers' live preview (``flask courses preview PATH``): a course served from its files.

Each test writes a course to ``tmp_path`` and asks the preview's own app (no database) for
its pages: the content, a change seen on the next request, the problems of the page's files
as ``path:line: message``, every version with the fallback learners get, and nothing written.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from elearn.courses import preview as preview_module
from elearn.courses.loader import load_path
from elearn.courses.preview import create_preview_app, load_snapshot
from tests.conftest import DEMO_COURSES

# The smallest PNG there is (1×1, transparent): media under media/ are served so images show.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

FILES = {
    "course.md": "---\ntitle: The wise café\nsummary: Running a social café.\nlanguage: en\n---\nWelcome.\n",
    "01-idea/module.md": "---\ntitle: The idea\nobjectives:\n  - explain the idea\n---\nWhat a café can do.\n",
    "01-idea/01-what.md": (
        "---\nkind: lesson\ntitle: What is a wise café\n---\n"
        "Original text about the counter.\n\n"
        "![The counter of the café](../media/counter.png)\n\n"
        "The [quiz](03-check.md) comes last.\n"
    ),
    "01-idea/02-voices.md": (
        "---\nkind: interview\ntitle: Voices\ninterviewee: Anna Ozola\nrole: Manager\n"
        "organisation: Café Gudrs\ncountry: LV\n---\nWe started small.\n"
    ),
    "01-idea/03-check.md": (
        "---\nkind: quiz\ntitle: Check\n---\n## Purpose\n\nWhat comes first?\n\n- [x] The social aim\n- [ ] Profit\n"
    ),
    "media/counter.png": PNG,
    "locales/lv-LV/course.md": "---\ntitle: Gudrā kafejnīca\n---\nLaipni lūdzam.\n",
    "locales/lv-LV/01-idea/01-what.md": (
        "---\ntitle: Kas ir gudrā kafejnīca\n---\nTulkots teksts par leti.\n\n"
        "![Kafejnīcas lete](../../../media/counter.png)\n"
    ),
    "locales/lv-LV/01-idea/04-riga.md": "---\nkind: lesson\ntitle: Rīgas kafejnīcas\n---\nTikai Latvijā.\n",
    "locales/lv-LV/variant.yml": "hide:\n  - idea/voices\n",
}
COURSE = "/courses/cafe/"
LESSON = "/courses/cafe/idea/what/"


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write files, each with a modification time later than any before (as an editor saving twice in a second)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.stat().st_mtime_ns if path.exists() else 0
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        later = max(path.stat().st_mtime_ns, before + 1_000_000)
        os.utime(path, ns=(later, later))


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "cafe"
    write(root, FILES)
    return root


@pytest.fixture
def client(course):
    return create_preview_app(course).test_client()


def text(response) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_a_page_shows_its_content_with_the_platforms_stylesheet_and_its_media(client):
    assert client.get("/").location == COURSE
    response = client.get(LESSON)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>What is a wise café</h1>" in page and "Original text about the counter." in page
    assert 'href="/static/elearn.css"' in page
    assert re.search(r'<img alt="The counter of the café" [^>]*src="/courses/cafe/media/counter.png\?v=\w{16}"', page)
    assert 'href="/courses/cafe/idea/check/"' in page  # a link to another unit is that unit's page here
    with client.get("/courses/cafe/media/counter.png") as image:
        assert image.status_code == 200 and image.mimetype == "image/png" and image.data == PNG
    assert "None in this page's files." in text(response)
    assert "Whole course: 0 errors, 0 warnings." in text(response)


def test_course_page_is_the_outline_of_modules_and_units(client):
    page = client.get(COURSE).get_data(as_text=True)
    assert "<h1>The wise café</h1>" in page and "Welcome." in page
    links = re.findall(r'<a href="(/courses/cafe/[^"]+)">', page)
    assert links == [
        "/courses/cafe/idea/",
        "/courses/cafe/idea/what/",
        "/courses/cafe/idea/voices/",
        "/courses/cafe/idea/check/",
    ]
    module = client.get("/courses/cafe/idea/")
    assert "explain the idea" in text(module) and "What a café can do." in text(module)


def test_an_edited_file_shows_on_the_next_request(client, course):
    assert "Original text" in text(client.get(LESSON))
    write(course, {"01-idea/01-what.md": FILES["01-idea/01-what.md"].replace("Original text", "Edited text")})
    page = text(client.get(LESSON))
    assert "Edited text about the counter." in page and "Original text" not in page


def test_changed_tells_live_reload_whether_the_files_differ_from_the_page(client, course):
    page = client.get(LESSON).get_data(as_text=True)
    since = re.search(r'data-since="([^"]+)"', page).group(1)
    assert client.get(f"/__changed?since={since}").json == {"changed": False}
    (course / "01-idea" / ".01-what.md.swp").write_bytes(b"an editor's swap file")
    assert client.get(f"/__changed?since={since}").json == {"changed": False}
    write(course, {"01-idea/01-what.md": FILES["01-idea/01-what.md"] + "\nMore.\n"})
    assert client.get(f"/__changed?since={since}").json == {"changed": True}
    assert '<script src="/__preview/live-reload.js"' in page
    with client.get("/__preview/live-reload.js") as script:
        assert script.mimetype == "text/javascript" and b"/__changed" not in script.data  # the page names the URL
        assert b"://" not in script.data  # it asks this preview only


def test_a_planted_mistake_shows_on_the_page_as_path_line_message(client, course):
    broken = FILES["01-idea/01-what.md"].replace("(03-check.md)", "(03-chek.md)")
    write(course, {"01-idea/01-what.md": broken})
    response = client.get(LESSON)
    page = text(response)
    assert response.status_code == 200
    assert "01-idea/01-what.md:9: broken link: 03-chek.md does not exist" in page
    assert "Original text about the counter." in page  # the rest of the page still shows
    assert "Whole course: 1 error, 0 warnings." in page
    assert "A course with errors is not imported" in page
    # another page shows the count, not the mistake, and links to the full list
    other = client.get("/courses/cafe/idea/voices/")
    assert "broken link" not in text(other) and 'href="/__problems"' in other.get_data(as_text=True)
    every = client.get("/__problems")
    assert "01-idea/01-what.md:9: broken link: 03-chek.md does not exist" in text(every)
    assert f'href="{LESSON}"' in every.get_data(as_text=True)


def test_warnings_show_too_marked_as_such(client, course):
    write(course, {"01-idea/extra.md": "---\nkind: lesson\ntitle: Extra\n---\nText.\n"})
    page = text(client.get("/courses/cafe/"))
    assert "Whole course: 0 errors, 1 warning." in page
    every = text(client.get("/__problems"))
    assert "01-idea/extra.md:1: warning: not a unit: unit file names start with a number, e.g. 04-extra.md" in every


def test_a_file_that_did_not_load_shows_its_problems_instead_of_content(client, course):
    write(course, {"01-idea/02-voices.md": "---\nkind: interview\ntitle: [unclosed\n---\nWe started small.\n"})
    outline = client.get("/courses/cafe/idea/")
    assert outline.status_code == 200
    assert re.search(
        r'href="/courses/cafe/idea/voices/">02-voices.md</a>\s*<span class="tag tag-failed">', outline.text
    )
    response = client.get("/courses/cafe/idea/voices/")
    page = text(response)
    assert response.status_code == 200
    assert "This file did not load" in page
    assert "01-idea/02-voices.md:3: front matter is not valid YAML" in page
    assert "We started small." not in page
    assert "What is a wise café" in text(client.get(LESSON))  # the other units are still shown


def test_a_course_file_that_does_not_load_still_gives_pages(client, course):
    write(course, {"course.md": "---\ntitle: A: B\nlanguage: en\nsummary: s\n---\n"})
    response = client.get(COURSE)
    assert response.status_code == 200
    assert "course.md:2: front matter is not valid YAML" in text(response)
    assert "What is a wise café" in text(client.get(LESSON))


def test_a_failure_of_the_loader_is_a_problem_on_the_page_not_a_server_error(client, monkeypatch):
    def fail(course_dir, base):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(preview_module, "read_course", fail)
    response = client.get(COURSE)
    assert response.status_code == 200
    assert "course.md:1: the loader failed on this course (RuntimeError: something nobody foresaw)" in text(response)


def test_a_version_shows_its_translation_and_falls_back_to_the_original(client):
    original = client.get(LESSON)
    assert '<option value="lv-LV" >Latvian (Latvia) · lv-LV</option>' in original.text
    course = text(client.get(COURSE + "?variant=lv-LV"))
    assert "Gudrā kafejnīca" in course and "Laipni lūdzam." in course
    lesson = client.get(LESSON)  # the version chosen is kept while following links
    assert "<h1>Kas ir gudrā kafejnīca</h1>" in lesson.text and 'lang="lv"' in lesson.text
    assert re.search(r'<img alt="Kafejnīcas lete" [^>]*src="/courses/cafe/media/counter.png\?v=\w{16}"', lesson.text)
    assert "This page's files: locales/lv-LV/01-idea/01-what.md (shown), 01-idea/01-what.md" in text(lesson)
    quiz = text(client.get("/courses/cafe/idea/check/"))
    assert "This part is not translated yet, so it is shown in the original language." in quiz
    module = client.get("/courses/cafe/idea/").text
    links = re.findall(r'<a href="/courses/cafe/idea/([a-z-]+)/">', module)
    assert links == ["what", "check", "riga"]  # the interview is hidden, Latvia's own lesson is in
    assert "Hidden in this version (variant.yml): Voices." in text(client.get("/courses/cafe/idea/"))
    assert "Tikai Latvijā." in text(client.get("/courses/cafe/idea/riga/"))
    hidden = text(client.get("/courses/cafe/idea/voices/"))  # the trainer may still read it, told so
    assert "Learners of this version do not see this unit: its variant.yml hides it." in hidden
    assert "We started small." in hidden
    back = client.get(LESSON + "?variant=")
    assert "<h1>What is a wise café</h1>" in back.text
    assert "Latvia's own" not in back.text and "riga" not in client.get("/courses/cafe/idea/").text
    elsewhere = text(client.get("/courses/cafe/idea/riga/"))
    assert "This unit is not part of the version shown. It belongs to: Latvian (Latvia)" in elsewhere


def test_a_mistake_in_a_translation_shows_on_the_versions_page(client, course):
    write(
        course,
        {"locales/lv-LV/01-idea/01-what.md": "---\ntitle: Kas\n---\nSk. [testu](03-nav.md).\n"},
    )
    page = text(client.get(LESSON + "?variant=lv-LV"))
    assert "locales/lv-LV/01-idea/01-what.md:4: broken link: 03-nav.md does not exist" in page


def test_a_quiz_shows_its_questions_with_the_right_answers_marked(client):
    page = client.get("/courses/cafe/idea/check/").text
    assert "<h3>Purpose</h3>" in page and "What comes first?" in page
    right = re.search(r'<span class="visually-hidden">Right answer:</span>\s*The social aim', page)
    wrong = re.search(r'<span class="visually-hidden">Wrong answer:</span>\s*Profit', page)
    assert right and wrong
    assert "Pass mark: 70%." in text(client.get("/courses/cafe/idea/check/"))


def test_the_interview_shows_its_facts(client):
    page = text(client.get("/courses/cafe/idea/voices/"))
    assert "Interviewee Anna Ozola" in page and "Country Latvia" in page


def test_the_problems_are_the_validators(tmp_path, course):
    """read_course runs the loader's steps itself (to keep the tree of a course with errors):
    it must find what load_path finds, on a course with mistakes and on the demo course."""
    write(
        course,
        {
            "01-idea/01-what.md": FILES["01-idea/01-what.md"].replace("(03-check.md)", "(03-check.md#nowhere)"),
            "01-idea/02-voices.md": "---\nkind: interview\ntitle: Voices\n---\n![](../media/none.png)\n",
            "notes.txt": "a stray file",
            "locales/lv-LV/01-idea/01-what.md": "---\ntitle: Kas\n---\n![x](../media/counter.png)\n",
        },
    )
    for path in (course, DEMO_COURSES):
        warnings: list = []
        expected = [p for _dir, _data, problems in load_path(path, warnings=warnings) for p in problems] + warnings
        assert load_snapshot(path, "token").problems == sorted(expected, key=lambda p: (p.path, p.line, p.is_warning))
    assert len(load_snapshot(course, "token").problems) >= 6


def test_every_page_of_the_demo_course_in_every_version(tmp_path):
    """No page of the demo course, in any version, fails; the outline links only to pages that exist."""
    client = create_preview_app(DEMO_COURSES / "social-entrepreneurship").test_client()
    for tag in ["", "lv-LV", "pl-PL", "ru-LV", "sl-SI"]:
        course = client.get(f"/courses/social-entrepreneurship/?variant={tag}")
        assert course.status_code == 200
        for link in sorted(set(re.findall(r'<a href="(/courses/social-entrepreneurship/[^"#]+)">', course.text))):
            response = client.get(link)
            assert response.status_code == 200, link
            assert "This unit is not part of the version shown" not in response.text, (tag, link)


def test_nothing_is_written_and_no_database_is_touched(tmp_path, course, monkeypatch):
    """`flask courses preview PATH` with DATABASE_URL naming a server that does not exist."""
    from elearn import create_app

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/nowhere")
    served = {}
    monkeypatch.setattr(preview_module, "run_simple", lambda host, port, app, **options: served.update(locals()))
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    result = create_app().test_cli_runner().invoke(args=["courses", "preview", str(course)])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8001  # loopback only unless told otherwise
    assert "Previewing" in result.output and "http://127.0.0.1:8001/" in result.output
    client = served["app"].test_client()
    for url in [COURSE, "/courses/cafe/idea/", LESSON, "/courses/cafe/idea/check/?variant=lv-LV", "/__problems"]:
        assert client.get(url).status_code == 200, url
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert after == before


def test_port_and_host_options(course, monkeypatch):
    from elearn import create_app

    served = {}
    monkeypatch.setattr(preview_module, "run_simple", lambda host, port, app, **options: served.update(locals()))
    runner = create_app({"TESTING": True}).test_cli_runner()
    result = runner.invoke(args=["courses", "preview", str(course), "--port", "8123", "--host", "192.168.1.20"])
    assert result.exit_code == 0, result.output
    assert served["port"] == 8123 and served["host"] == "192.168.1.20"
    assert "anyone who can reach this address can read the course" in result.output
    not_a_course = runner.invoke(args=["courses", "preview", str(course / "01-idea")])
    assert not_a_course.exit_code == 1 and "looks like a module folder" in not_a_course.output


def test_media_only_from_the_media_folder_and_security_headers(client, course):
    assert client.get("/courses/cafe/media/../course.md").status_code == 404
    assert client.get("/courses/cafe/media/nothing.png").status_code == 404
    write(course, {"media/notes.md": "not a media file"})
    assert client.get("/courses/cafe/media/notes.md").status_code == 404
    response = client.get(LESSON)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    missing = client.get("/courses/cafe/nowhere/")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_a_folder_of_courses_lists_them(tmp_path, course):
    write(tmp_path / "other", {"course.md": FILES["course.md"].replace("The wise café", "Another"), **{
        k: v for k, v in FILES.items() if k.startswith("01-idea/")
    }})  # fmt: skip
    client = create_preview_app(tmp_path).test_client()
    index = client.get("/")
    assert index.status_code == 200
    assert 'href="/courses/cafe/">The wise café' in index.text and 'href="/courses/other/">Another' in index.text
    assert "<h1>Another</h1>" in client.get("/courses/other/").text
