"""A generated course of 12 modules × 6 units, written as files in the trainers' format.

Deterministic (a seeded generator), so every run imports the same course. Each module
has three lessons, an interview, a case story and a quiz of six questions (one of each
type the grader knows); lessons carry the markdown trainers use (headings, lists, a
table, an admonition, a link to the next unit). An ``lv-LV`` variant translates the
course, every module and every second unit, and adds a Latvia-only unit to every third
module, so reading pages walk a real variant chain.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

SLUG = "bench-course"
MODULES = 12
UNITS = ("lesson", "lesson", "interview", "case-story", "lesson", "quiz")

WORDS = [
    "social",
    "enterprise",
    "cooperative",
    "municipality",
    "reuse",
    "centre",
    "employment",
    "training",
    "mentor",
    "grant",
    "loan",
    "revenue",
    "customer",
    "community",
    "impact",
    "measure",
    "report",
    "board",
    "member",
    "volunteer",
    "partner",
    "network",
    "region",
    "market",
    "price",
    "service",
    "product",
    "quality",
    "workshop",
    "repair",
    "furniture",
    "textile",
    "food",
    "catering",
    "cleaning",
    "care",
    "garden",
    "energy",
    "housing",
    "migrants",
    "youth",
    "unemployed",
    "people",
    "disabilities",
    "inclusion",
    "support",
    "advice",
    "plan",
    "budget",
    "cash",
    "flow",
    "investment",
    "public",
    "procurement",
    "tender",
    "contract",
    "law",
    "statute",
    "profit",
    "reinvest",
    "mission",
    "governance",
    "vote",
    "stakeholder",
    "survey",
    "indicator",
    "outcome",
    "output",
    "baseline",
    "target",
    "story",
    "evidence",
    "trust",
    "local",
    "national",
    "european",
    "fund",
    "programme",
    "call",
    "application",
    "deadline",
    "partner",
    "country",
    "language",
    "culture",
    "bridge",
]

# The quiz every module ends with; RIGHT and WRONG are form bodies for it (see seed.py).
QUIZ = """
Six short questions about this module. You need 70% to pass, and you can try again.

## Purpose

What is the main purpose of a social enterprise?

- [ ] To make as much profit as possible for its owners
  > No. Profit serves the social goal.
- [x] To reach a social goal by selling goods or services
  > Right.
- [ ] To collect donations
  > That describes a charity.

> The social objective is the reason for the commercial activity.

## Dimensions

Which dimensions describe a social enterprise? Choose all that apply.

- [x] A social objective
- [x] Profits mainly reinvested
- [ ] {-50%} Owned by a municipality
  > No.

## Profit

A social enterprise may make a profit.

- [x] true
- [ ] false

## Family

What is the wider family of cooperatives, associations and social enterprises called?

- answer: social economy
- answer: the social economy

## Year

In which year did the European Commission publish the Social Business Initiative?

- number: 2011

## Income

Match each kind of organisation with its main source of income.

- match: Charity -> Donations and grants
- match: Social enterprise -> Sales, for a social aim
- match: Ordinary business -> Sales, for profit
"""
RIGHT = {
    "q0": "1",
    "q1": ["0", "1"],
    "q2": "true",
    "q3": "social economy",
    "q4": "2011",
    "q5-0": "Donations and grants",
    "q5-1": "Sales, for a social aim",
    "q5-2": "Sales, for profit",
}
WRONG = {**RIGHT, "q0": "0", "q2": "false"}  # 4 of 6 right: 66.67%, below the pass mark


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 5) -> str:
    return "\n".join(textwrap.wrap(" ".join(_sentence(rng) for _ in range(sentences)), 88))


def _title(rng: random.Random, words: int = 4) -> str:
    return " ".join(rng.sample(WORDS, words)).capitalize()


def _lesson(rng: random.Random, next_file: str | None) -> str:
    parts = [
        _paragraph(rng),
        f"## {_title(rng, 3)}",
        _paragraph(rng, 6),
        "\n".join(f"- {_sentence(rng)}" for _ in range(5)),
        _paragraph(rng),
        "| Activity | People | Income (EUR) |\n|---|---|---|\n"
        + "\n".join(f"| {_title(rng, 2)} | {rng.randint(2, 40)} | {rng.randint(1, 90) * 1000} |" for _ in range(5)),
        f"!!! tip\n    {_sentence(rng)}",
        f"## {_title(rng, 3)}",
        _paragraph(rng, 7),
        _paragraph(rng, 4),
    ]
    if next_file:
        parts.append(f"Continue with [the next unit]({next_file}).")
    return "\n\n".join(parts)


def _front(**keys) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(keys, allow_unicode=True, sort_keys=False) + "---\n\n"


def _unit(rng: random.Random, kind: str, next_file: str | None) -> str:
    if kind == "lesson":
        return _front(kind=kind, title=_title(rng)) + _lesson(rng, next_file)
    if kind == "interview":
        body = "\n\n".join(f"**Interviewer:** {_sentence(rng)}\n\n**Manager:** {_paragraph(rng, 3)}" for _ in range(6))
        return (
            _front(
                kind=kind,
                title=_title(rng),
                interviewee="A reuse-centre manager",
                role="Manager",
                organisation="A municipal reuse centre",
                country="SI",
            )
            + body
        )
    if kind == "case-story":
        return _front(
            kind=kind,
            title=_title(rng),
            organisation=_title(rng, 2),
            country="LV",
            sector="reuse and recycling",
            year=2015,
            figures={"People trained": 120, "Jobs created": 14, "Funding (EUR)": 180000},
        ) + ("\n\n".join(_paragraph(rng, 6) for _ in range(5)))
    return _front(kind="quiz", title=f"Check your understanding: {_title(rng, 3).lower()}") + QUIZ.lstrip()


def _translated(text: str) -> str:
    """The same unit with a Latvian-marked title (the front matter re-written, not patched)."""
    import yaml

    _empty, front, body = text.split("---\n", 2)
    keys = yaml.safe_load(front)
    return _front(**{**keys, "title": f"(LV) {keys['title']}"}) + body.lstrip("\n")


def write_course(root: Path) -> Path:
    """Write the course under ``root/bench-course``; returns ``root``."""
    rng = random.Random(20240601)
    course = root / SLUG
    course.mkdir(parents=True, exist_ok=True)
    (course / "course.md").write_text(
        _front(
            title="Running a social enterprise: a twelve-module programme",
            language="en",
            estimated_hours=24,
            pass_mark=70,
            certificate=True,
            tags=["social economy", "benchmark"],
            summary="Twelve modules from the first idea to measuring impact (generated for benchmarks).",
        )
        + _paragraph(rng, 8)
        + "\n\n"
        + _paragraph(rng, 6)
        + "\n",
        encoding="utf-8",
    )
    lv = course / "locales" / "lv-LV"
    lv.mkdir(parents=True, exist_ok=True)
    (lv / "course.md").write_text(
        _front(title="Sociālā uzņēmuma vadīšana", summary="Divpadsmit moduļi.") + _paragraph(rng, 6) + "\n",
        encoding="utf-8",
    )
    for m in range(1, MODULES + 1):
        folder = f"{m:02d}-module-{m:02d}"
        (course / folder).mkdir(exist_ok=True)
        (lv / folder).mkdir(exist_ok=True)
        objectives = [_sentence(rng) for _ in range(4)]
        outline = "\n".join(f"{i}. **{_title(rng, 3)}.** {_sentence(rng)}" for i in range(1, 7))
        (course / folder / "module.md").write_text(
            _front(title=f"Module {m}: {_title(rng, 3)}", summary=_sentence(rng), objectives=objectives)
            + f"This module takes about **{rng.randint(40, 120)} minutes**.\n\n{outline}\n",
            encoding="utf-8",
        )
        (lv / folder / "module.md").write_text(
            _front(title=f"Modulis {m}: {_title(rng, 3)}", summary=_sentence(rng)) + outline + "\n", encoding="utf-8"
        )
        files = [f"{u:02d}-unit-{u:02d}.md" for u in range(1, len(UNITS) + 1)]
        for u, kind in enumerate(UNITS):
            next_file = files[u + 1] if u + 1 < len(files) and kind == "lesson" else None
            text = _unit(rng, kind, next_file)
            (course / folder / files[u]).write_text(text, encoding="utf-8")
            if u % 2 == 0 or kind == "quiz":  # translations keep the quiz's questions; texts stay as they are
                (lv / folder / files[u]).write_text(_translated(text), encoding="utf-8")
        if m % 3 == 0:  # a Latvia-only case story
            (lv / folder / "04-latvia-case.md").write_text(_unit(rng, "case-story", None), encoding="utf-8")
    return root
