"""The demo course's content keeps the promises of #27: stories from around the region, sources
learners can follow, composites said to be composites, an exercise per module, questions
that test understanding rather than dates, and an estimate that matches the words.

These read the course files as trainers write them (and, where it says so, the imported
course), so a later edit that breaks a promise fails here with the file it concerns.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml
from sqlalchemy import select

from elearn.courses.models import Course
from elearn.extensions import db
from tests.conftest import DEMO_COURSES

COURSE = DEMO_COURSES / "social-entrepreneurship"
TRANSLATED = ("lv-LV", "sl-SI")  # the versions kept complete (tests/localisation checks their state)
SOURCES_HEADING = {"": "Sources", "lv-LV": "Avoti", "sl-SI": "Viri"}
COMPOSITE_WORD = {"": "composite", "lv-LV": "apkopot", "sl-SI": "sestavljen"}
WORDS_PER_MINUTE = 200
QUIZ_MINUTES = 10
WORKSHEET_WIDTH = 36  # characters of a text block that fit a 360 px screen without wrapping


def read(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def modules() -> list[Path]:
    return sorted(p for p in COURSE.iterdir() if p.is_dir() and re.match(r"\d+-", p.name))


def units(module: Path) -> list[Path]:
    return sorted(p for p in module.glob("*.md") if re.match(r"\d+-", p.name))


def words(path: Path) -> int:
    return len(read(path)[1].split())


def case_stories() -> list[tuple[str, Path]]:
    """(version tag, file) of every case story: the original's, their translations in the
    complete versions, and each version's country-only ones."""
    found = []
    for module in modules():
        for unit in units(module):
            if read(unit)[0]["kind"] == "case-story":
                found.append(("", unit))
                found += [(tag, COURSE / "locales" / tag / module.name / unit.name) for tag in TRANSLATED]
    for tag in TRANSLATED:
        for unit in sorted((COURSE / "locales" / tag).glob("*/*.md")):
            if read(unit)[0].get("kind") == "case-story":
                found.append((tag, unit))
    return found


def test_every_case_story_ends_with_sources_learners_can_follow():
    stories = case_stories()
    assert len(stories) >= 3 * 11
    for tag, path in stories:
        body = read(path)[1]
        heading = f"\n## {SOURCES_HEADING[tag]}\n"
        assert heading in body, f"{path}: no '{heading.strip()}' section"
        sources = body.split(heading, 1)[1]
        assert re.search(r"\]\(https?://[^)\s]+\)", sources), f"{path}: its sources have no link"


def test_composite_stories_say_so_in_their_text():
    composites = 0
    for tag, path in case_stories():
        meta, body = read(path)
        word = COMPOSITE_WORD[tag]
        if word in meta.get("organisation", "").lower():
            composites += 1
            first = body.strip().split("\n\n", 1)[0]
            assert first.startswith("!!! important") and word in first.lower(), f"{path}: say it first"
    assert composites >= 4 * 3


def test_stories_come_from_around_the_baltic_sea(demo, appctx):
    course = db.session.scalar(select(Course).where(Course.slug == "social-entrepreneurship"))
    countries = {
        u.meta["country"]
        for m in course.modules
        for u in m.units
        if u.variant_id is None and u.kind in ("interview", "case-story")
    }
    assert {"LT", "EE", "PL"} <= countries, countries
    assert countries & {"FI", "SE", "DK", "DE"}, countries  # the wider Baltic Sea region


def test_every_module_ends_with_a_structured_exercise():
    for module in modules():
        exercises = [u for u in units(module) if "-exercise-" in u.name]
        assert len(exercises) == 1, module.name
        meta, body = read(exercises[0])
        assert meta["kind"] == "lesson" and meta["title"].startswith("Exercise: "), exercises[0]
        assert re.search(r"^\*\*About \d+ minutes\.\*\*", body, re.M), exercises[0]
        steps = body.split("## Steps\n", 1)[1].split("\n## ", 1)[0]
        assert len(re.findall(r"(?m)^\d+\. \*\*", steps)) >= 5, exercises[0]
        assert "## Worksheet\n" in body and "```text\n" in body.split("## Worksheet\n", 1)[1], exercises[0]
        for path in [exercises[0]] + [COURSE / "locales" / tag / module.name / exercises[0].name for tag in TRANSLATED]:
            worksheet = path.read_text(encoding="utf-8").split("```text\n", 1)[1].split("\n```", 1)[0]
            wide = [line for line in worksheet.split("\n") if len(line) > WORKSHEET_WIDTH]
            assert not wide, f"{path}: lines wrap at 360 px: {wide}"


def test_no_question_asks_for_a_year():
    """A year to remember (when a law came, when a paper was published) tests recall, not understanding."""
    for module in modules():
        for unit in units(module):
            meta, body = read(unit)
            if meta["kind"] != "quiz":
                continue
            numbers = re.findall(r"(?m)^- number: (?:\{[^}]*\} )?(\d+)", body)  # markdown
            numbers += re.findall(r"\{#\s*=(?:%[^%]*%)?(\d+)", body)  # GIFT numerical
            assert not [n for n in numbers if 1900 <= int(n) <= 2100], unit


def module_minutes(module: Path) -> tuple[int, int]:
    """The minutes module.md promises, and the minutes its content takes: reading at
    200 words a minute, the quiz, and the time the exercise says it takes."""
    stated = int(re.search(r"takes about \*\*(\d+) minutes\*\*", read(module / "module.md")[1]).group(1))
    reading = quiz = exercise = 0
    for unit in units(module):
        meta, body = read(unit)
        if meta["kind"] == "quiz":
            quiz = QUIZ_MINUTES
        elif "-exercise-" in unit.name:
            exercise = int(re.search(r"^\*\*About (\d+) minutes\.\*\*", body, re.M).group(1))
        else:
            reading += words(unit)
    return stated, math.ceil(reading / WORDS_PER_MINUTE) + quiz + exercise


def test_the_estimates_match_the_content():
    total = 0
    for module in modules():
        stated, measured = module_minutes(module)
        assert abs(stated - measured) <= 10, (module.name, stated, measured)
        total += measured
    hours = read(COURSE / "course.md")[0]["estimated_hours"]
    assert abs(hours * 60 - total) <= 30, (hours, total)
