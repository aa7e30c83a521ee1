"""A course's cover: course.md names an image in media/ with its alternative text; the validator
checks both (file:line); the catalogue and the course page show it with its size (no layout shift)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree, validate_tree
from elearn.courses.loader import load_path
from tests.conftest import DEMO_COURSES
from tests.factories import COURSE, valid_course


def png(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "#0b5cad").save(data, "PNG")
    return data.getvalue()


def with_cover(front_matter: str, **files) -> dict:
    course = COURSE.replace("language: en\n", f"language: en\n{front_matter}")
    return valid_course(**{"course.md": course, "media/cover.png": png(400, 150), **files})


COVER = 'cover: media/cover.png\ncover_alt: "Towns around a sea, joined by lines"\n'


def problems_of(write_course, files) -> list[str]:
    return [str(p) for p in validate_tree(write_course(files))]


@pytest.mark.parametrize(
    ("front_matter", "files", "problem"),
    [
        ("cover: media/cover.png\n", {}, "course.md:5: the cover needs alternative text: add 'cover_alt:'"),
        (
            "cover: media/missing.png\ncover_alt: A picture\n",
            {},
            "course.md:5: media file not found: media/missing.png",
        ),
        (
            "cover: cover.png\ncover_alt: A picture\n",
            {},
            "course.md:5: 'cover' must name a file in the course's media/",
        ),
        (
            "cover: media/cover.svg\ncover_alt: A picture\n",
            {"media/cover.svg": "<svg/>"},
            "course.md:5: file type not allowed",
        ),
        (
            "cover: media/bad.png\ncover_alt: A picture\n",
            {"media/bad.png": b"not a png"},
            "course.md:5: the cover is not an image",
        ),
        ("cover_alt: A picture\n", {}, "course.md:5: 'cover_alt' describes a cover: add 'cover: media/"),
        (
            "",
            {"locales/lv-LV/course.md": "---\ntitle: Demo\ncover: media/cover.png\n---\n"},
            "lv-LV/course.md:3: unknown key 'cover'",
        ),
    ],
)
def test_the_validator_checks_the_cover_and_its_alternative_text(write_course, front_matter, files, problem):
    found = problems_of(write_course, with_cover(front_matter, **files))
    assert any(problem in line for line in found), found


def test_a_course_with_a_cover_and_alternative_text_is_valid(write_course):
    assert problems_of(write_course, with_cover(COVER)) == []


def test_the_catalogue_and_the_course_page_show_the_cover_with_its_size(app, client, write_course):
    root = write_course(with_cover(COVER))
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    image = re.compile(
        r'<img class="cover" src="/courses/demo/media/cover\.png\?v=[0-9a-f]{16}" '
        r'alt="Towns around a sea, joined by lines" width="400" height="150">'
    )
    for path in ("/courses/", "/courses/demo/"):
        assert image.search(client.get(path).get_data(as_text=True)), path
    src = image.search(client.get("/courses/demo/").get_data(as_text=True)).group(0).split('"')[3]
    response = client.get(src)
    assert response.status_code == 200 and response.data == png(400, 150)
    response.close()


def test_the_alternative_text_says_its_language_on_a_page_in_another(app, client, write_course):
    root = write_course(with_cover(COVER))
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    page = client.get("/courses/?lang=lv").get_data(as_text=True)
    assert re.search(r'<img class="cover" [^>]*alt="Towns around a sea, joined by lines"[^>]* lang="en">', page)


def test_the_demo_course_has_a_small_cover():
    [course] = [data for _folder, data, _problems in load_path(DEMO_COURSES) if data.id == "social-entrepreneurship"]
    assert course.cover["alt"] and (course.cover["width"], course.cover["height"]) == (800, 300)
    assert (DEMO_COURSES / "social-entrepreneurship" / "media" / "cover.webp").stat().st_size < 8 * 1024
