"""Validation of course folders: every kind of problem, reported as path:line: message, all at once."""

from __future__ import annotations

import pytest

from elearn.courses.importer import validate_tree
from tests.factories import COURSE, LESSON, MODULE
from tests.factories import SIMPLE_QUIZ as QUIZ


def valid_course(**extra):
    files = {
        "course.md": COURSE,
        "01-one/module.md": MODULE,
        "01-one/01-lesson.md": LESSON,
        "01-one/02-quiz.md": QUIZ,
    }
    files.update(extra)
    return {k: v for k, v in files.items() if v is not None}


def problems_of(write_course, files) -> list[str]:
    root = write_course(files)
    return [str(p) for p in validate_tree(root)]


def test_valid_course_has_no_problems(write_course):
    assert problems_of(write_course, valid_course()) == []


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "01-one/01-lesson.md",
            "---\nkind: lesson\ntitle: [unclosed\n---\n",
            "demo/01-one/01-lesson.md:3: front matter is not valid YAML",
        ),
        ("01-one/01-lesson.md", "no front matter\n", "demo/01-one/01-lesson.md:1: missing front matter"),
        (
            "01-one/01-lesson.md",
            "---\nkind: lesson\ntitle: x\n",
            "demo/01-one/01-lesson.md:1: front matter is not closed",
        ),
        (
            "01-one/01-lesson.md",
            "---\nkind: lecture\ntitle: x\n---\n",
            "demo/01-one/01-lesson.md:2: unknown kind 'lecture'",
        ),
        (
            "01-one/01-lesson.md",
            "---\nkind: lesson\n---\nbody\n",
            "demo/01-one/01-lesson.md:1: missing required key 'title'",
        ),
        (
            "01-one/01-lesson.md",
            "---\nkind: lesson\ntitle: x\ntitel: y\n---\n",
            "demo/01-one/01-lesson.md:4: unknown key 'titel'",
        ),
        (
            "01-one/01-lesson.md",
            "---\nkind: lesson\ntitle: x\nid: Bad_Id\n---\n",
            "demo/01-one/01-lesson.md:4: 'id' must be lowercase",
        ),
        ("01-one/01-lesson.md", "---\ntitle: x\n---\n", "demo/01-one/01-lesson.md:1: missing required key 'kind'"),
        (
            "01-one/01-lesson.md",
            b"---\nkind: lesson\ntitle: \xff\n---\n",
            "demo/01-one/01-lesson.md:3: file is not valid UTF-8",
        ),
        (
            "course.md",
            "---\ntitle: Demo\nlanguage: english\nsummary: s\n---\n",
            "demo/course.md:3: 'language' must be a language code",
        ),
        (
            "course.md",
            "---\ntitle: Demo\nlanguage: en\nsummary: s\npass_mark: 120\n---\n",
            "demo/course.md:5: 'pass_mark' must be a percentage",
        ),
        ("01-one/module.md", None, "demo/01-one:1: module folder has no module.md"),
        (
            "01-one/03-broken.md",
            "---\nkind: lesson\ntitle: x\n---\nSee\n[the other](../02-two/01-missing.md).\n",
            "demo/01-one/03-broken.md:6: broken link: ../02-two/01-missing.md does not exist",
        ),
        (
            "01-one/03-img.md",
            "---\nkind: lesson\ntitle: x\n---\n\n![photo](../media/missing.png)\n",
            "demo/01-one/03-img.md:6: media file not found: media/missing.png",
        ),
        (
            "01-one/03-img.md",
            "---\nkind: lesson\ntitle: x\n---\n![photo](../media/evil.svg)\n",
            "demo/01-one/03-img.md:5: file type not allowed: media/evil.svg",
        ),
        (
            "01-one/03-interview.md",
            "---\nkind: interview\ntitle: x\ninterviewee: A manager\nrole: Manager\norganisation: A centre\n"
            "country: SI\nmedia: media/talk.mp3\n---\n",
            "demo/01-one/03-interview.md:8: media file not found: media/talk.mp3",
        ),
        (
            "01-one/03-interview.md",
            "---\nkind: interview\ntitle: x\ninterviewee: A manager\nrole: Manager\norganisation: A centre\n"
            "country: SI\nmedia: https://evil.example/video\n---\nTranscript.\n",
            "demo/01-one/03-interview.md:8: video host not allowed",
        ),
        (
            "01-one/03-interview.md",
            "---\nkind: interview\ntitle: x\ninterviewee: A manager\nrole: Manager\norganisation: A centre\n"
            "country: SI\nmedia: https://www.youtube.com/watch?v=abc\n---\n\n",
            "demo/01-one/03-interview.md:8: interview with media needs a transcript in its body",
        ),
        (
            "01-one/03-interview.md",
            "---\nkind: interview\ntitle: x\ninterviewee: A manager\nrole: Manager\norganisation: A centre\n"
            "country: Slovenia\n---\n",
            "demo/01-one/03-interview.md:7: 'country' must be a two-letter country code",
        ),
        (
            "01-one/03-story.md",
            "---\nkind: case-story\ntitle: x\norganisation: o\ncountry: SI\nsector: reuse\nyear: twenty\n---\n",
            "demo/01-one/03-story.md:7: 'year' must be a year",
        ),
        (
            "01-one/03-story.md",
            "---\nkind: case-story\ntitle: x\norganisation: o\ncountry: SI\nyear: 2012\n---\n",
            "demo/01-one/03-story.md:1: missing required key 'sector'",
        ),
        (
            "01-one/02-quiz.md",
            "---\nkind: quiz\ntitle: Quiz\n---\n## One\n\nPick.\n\n- [ ] yes\n- [ ] no\n",
            "demo/01-one/02-quiz.md:5: ",
        ),
        (
            "01-one/02-quiz.md",
            "---\nkind: quiz\ntitle: Quiz\nformat: gift\n---\n\nDescribe your idea. {}\n",
            "demo/01-one/02-quiz.md:7: GIFT: essay questions are not supported",
        ),
        ("01-one/03-quiz.md", QUIZ, "demo/01-one/03-quiz.md:1: more than one quiz in this module"),
        (
            "01-one/05-lesson.md",
            LESSON,
            "demo/01-one/05-lesson.md:1: duplicate unit id 'lesson' (also demo/01-one/01-lesson.md)",
        ),
        ("02-one/module.md", MODULE, "demo/02-one/module.md:1: duplicate module id 'one' (also demo/01-one/module.md)"),
        ("01-one/05-media.md", "---\nkind: lesson\ntitle: x\n---\n", None),
        ("03-empty/module.md", MODULE, "demo/03-empty/module.md:1: module has no units"),
        ("locales/latvian/course.md", COURSE, "demo/locales/latvian:1: invalid variant tag 'latvian'"),
        (
            "locales/lv-LV/01-one/07-stray.md",
            "---\ntitle: Something\n---\nText.\n",
            "demo/locales/lv-LV/01-one/07-stray.md:1: demo/locales/lv-LV/01-one/07-stray.md neither translates",
        ),
        (
            "locales/lv-LV/01-one/01-lesson.md",
            "---\nkind: quiz\ntitle: Nodarbība\n---\n",
            "demo/locales/lv-LV/01-one/01-lesson.md:2: translation changes kind from lesson to quiz",
        ),
        (
            "locales/lv-LV/01-one/02-quiz.md",
            "---\ntitle: Tests\n---\n## Viens\n\nIzvēlies.\n\n- [x] jā\n- [ ] nē\n\n"
            "## Divi\n\nX.\n\n- [x] a\n- [ ] b\n",
            "demo/locales/lv-LV/01-one/02-quiz.md:4: translated quiz has 2 questions; the source has 1",
        ),
        (
            "locales/lv-LV/variant.yml",
            "hide:\n  - one/nothing\n",
            "demo/locales/lv-LV/variant.yml:2: hidden unit not found: one/nothing",
        ),
        ("locales/lv-LV/09-extra/module.md", MODULE, "demo/locales/lv-LV/09-extra:1: module 'extra' matches no module"),
    ],
)
def test_each_problem_has_its_path_and_line(write_course, path, text, expected):
    problems = problems_of(write_course, valid_course(**{path: text}))
    if expected is None:  # a sanity case: an extra valid unit is no problem
        assert problems == []
        return
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_at_once(write_course):
    problems = problems_of(
        write_course,
        valid_course(
            **{
                "01-one/01-lesson.md": "---\nkind: lecture\ntitle: x\n---\n",
                "01-one/03-other.md": "---\nkind: lesson\n---\n[x](nowhere.md)\n",
                "course.md": "---\ntitle: Demo\nlanguage: en\n---\n",
            }
        ),
    )
    assert (
        "demo/01-one/01-lesson.md:2: unknown kind 'lecture'; expected one of lesson, interview, case-story, quiz"
    ) in problems
    assert "demo/01-one/03-other.md:1: missing required key 'title'" in problems
    assert "demo/01-one/03-other.md:4: broken link: nowhere.md does not exist" in problems
    assert "demo/course.md:1: missing required key 'summary'" in problems


def test_paths_are_relative_to_the_folder_named(write_course):
    root = write_course(valid_course(**{"01-one/01-lesson.md": "---\nkind: nope\ntitle: x\n---\n"}))
    assert [str(p) for p in validate_tree(root / "demo")] == [
        "01-one/01-lesson.md:2: unknown kind 'nope'; expected one of lesson, interview, case-story, quiz"
    ]


def test_links_media_and_variants_that_are_right_pass(write_course):
    files = valid_course(
        **{
            "media/photo.png": b"\x89PNG\r\n\x1a\n",
            "media/talk.mp3": b"ID3",
            "01-one/03-links.md": "---\nkind: lesson\ntitle: Links\n---\n[lesson](01-lesson.md#top) "
            "[module](module.md) [course](../course.md) ![p](../media/photo.png) [w](https://example.org)\n",
            "01-one/04-interview.md": "---\nkind: interview\ntitle: x\ninterviewee: A manager\nrole: Manager\n"
            "organisation: A centre\ncountry: SI\nmedia: media/talk.mp3\n---\nTranscript.\n",
            "locales/lv-LV/course.md": "---\ntitle: Demo LV\n---\nApraksts.\n",
            "locales/lv-LV/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\n[tests](02-quiz.md)\n",
            "locales/lv-LV/01-one/02-local.md": "---\nkind: case-story\ntitle: Vietējais stāsts\norganisation: SIC\n"
            "country: LV\nsector: support\nyear: 2017\n---\nStāsts.\n",
            "locales/lv-LV/variant.yml": "hide:\n  - one/links\n",
        }
    )
    assert problems_of(write_course, files) == []
