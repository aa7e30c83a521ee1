"""Sanitised hostile markup leaves no debris (issue #22): an element the cleaner leaves without the
address it needs (an empty frame, an image that shows nothing, a link to nowhere, a silent player) goes
entirely, a link keeping its text; and the course validator tells the trainer what went and where."""

from __future__ import annotations

import re

import pytest

from elearn.core.markdown import Removed, render, sanitize
from elearn.courses.loader import Problem, load_path
from tests.factories import COURSE, LESSON, MODULE, SIMPLE_QUIZ

from .test_markdown import XSS_VECTORS


@pytest.mark.parametrize(
    ("written", "shown", "removed"),
    [
        (
            '<iframe src="https://evil.example/x"></iframe>\n\nAfter.',
            "<p>After.</p>",
            [("iframe", "https://evil.example/x")],
        ),
        ('<iframe srcdoc="<b>x</b>">fallback</iframe>', "", [("iframe", "")]),
        (
            'Look: <img src="https://evil.example/a.png" alt="A"> there',
            "<p>Look:  there</p>",
            [("img", "https://evil.example/a.png")],
        ),
        ('<img alt="nothing">\n\nNext.', "<p>Next.</p>", [("img", "")]),
        (
            '<p>Go <a href="javascript:alert(1)">here <b>now</b></a>.</p>',
            "<p>Go here <b>now</b>.</p>",
            [("a", "javascript:alert(1)")],
        ),
        ('<p><a onclick="x()">Click</a> me</p>', "<p>Click me</p>", [("a", "")]),
        ('<video controls><source src="https://evil.example/v.mp4"></video>After', "<p>After</p>", [("video", "")]),
    ],
)
def test_debris_goes_and_is_named(written, shown, removed):
    found: list[Removed] = []
    assert render(written, removed=found).strip() == shown
    assert [(r.tag, r.address) for r in found] == removed


def test_what_is_allowed_stays_as_it_was():
    kept = (
        '<p><a href="https://example.org">a link</a>, <a id="target">a target</a>, '
        '<img alt="A" src="/courses/x/media/a.png"></p>\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>'
    )
    found: list[Removed] = []
    assert sanitize(kept, found) == kept and found == []


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_hostile_vector_leaves_an_empty_frame_image_or_link(vector):
    output = render(vector)
    assert not re.search(r"<iframe(?![^>]*\ssrc=)|<img(?![^>]*\ssrc=)|<a(?![^>]*\s(?:href|id)=)[\s>]", output), output


def test_the_validator_warns_what_was_removed_and_where(write_course):
    body = (
        "Intro.\n\n"
        '<iframe src="https://tracker.example/embed"></iframe>\n\n'
        'A <a href="vbscript:x">bad link</a> in a sentence.\n\n'
        '<img alt="gone">\n'
    )
    root = write_course(
        {
            "course.md": COURSE,
            "01-one/module.md": MODULE,
            "01-one/01-lesson.md": LESSON.replace("Text.\n", body),
            "01-one/02-quiz.md": SIMPLE_QUIZ,
        }
    )
    warnings: list[Problem] = []
    assert all(not problems for _dir, _data, problems in load_path(root, warnings=warnings))
    assert [str(w) for w in warnings] == [
        'demo/01-one/01-lesson.md:7: warning: removed <iframe src="https://tracker.example/embed"> from the page: '
        "only video players from https://player.vimeo.com/ or https://www.youtube-nocookie.com/ can be embedded; "
        "or link to the video",
        'demo/01-one/01-lesson.md:9: warning: removed <a href="vbscript:x"> from the page: only http, https, mailto, '
        "tel and relative links are kept; its text stays as plain text",
        "demo/01-one/01-lesson.md:11: warning: removed <img> without src from the page: learners' browsers load "
        "images and recordings only from the course's media/ folder",
    ]
