"""What several test packages share: course file texts and helpers that make cohorts and progress.

Test modules import these from here, never from one another, so a test module holds only
tests and the fixtures of its own package. The helpers commit, as a request would, so the
change they make is seen by the requests a test makes next.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from elearn.auth.models import User
from elearn.cohorts import services as cohorts
from elearn.cohorts.models import Cohort
from elearn.core.transaction import unit_of_work
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.courses.models import Variant
from elearn.extensions import db
from elearn.learning import services as learning

# ---------------------------------------------------------------- course files

COURSE = """\
---
title: Demo
summary: A demo course.
language: en
---
Description.
"""
MODULE = """\
---
title: Module one
---
Outline.
"""
LESSON = """\
---
kind: lesson
title: A lesson
---
Text.
"""
# one question, any mark passes
SIMPLE_QUIZ = """\
---
kind: quiz
title: Quiz
---
## One

Pick.

- [x] yes
- [ ] no
"""
# two questions (a choice with feedback, a number), every answer right to pass, three attempts
GRADED_QUIZ = """\
---
kind: quiz
title: Check
pass_mark: 100
attempts: 3
---
## Purpose

What comes first in a social enterprise?

- [x] The social aim
  > Right.
- [ ] Profit for shareholders
  > Profit serves the aim.

## Founded

Which year did Latvia's Social Enterprise Law take effect?

- number: 2018
"""


def valid_course(**extra) -> dict[str, str]:
    """The smallest valid course (one module: a lesson and the simple quiz), with ``extra`` files
    added or replaced (``None`` leaves a file out)."""
    files = {
        "course.md": COURSE,
        "01-one/module.md": MODULE,
        "01-one/01-lesson.md": LESSON,
        "01-one/02-quiz.md": SIMPLE_QUIZ,
    }
    files.update(extra)
    return {k: v for k, v in files.items() if v is not None}


# one module: a lesson, a case story and the graded quiz (the learner's journey)
ONE_MODULE_FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "01-one/02-story.md": "---\nkind: case-story\ntitle: Story\norganisation: o\ncountry: SI\nsector: reuse\n"
    "year: 2012\n---\nA story.\n",
    "01-one/03-quiz.md": GRADED_QUIZ,
}

# two modules, each ending in the graded quiz, and a Latvian version (cohorts)
TWO_MODULE_FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "01-one/03-quiz.md": GRADED_QUIZ,
    "02-two/module.md": MODULE.replace("Module one", "Module two"),
    "02-two/01-lesson.md": LESSON,
    "02-two/02-more.md": LESSON.replace("A lesson", "More"),
    "02-two/03-quiz.md": GRADED_QUIZ,
    "locales/lv-LV/course.md": "---\ntitle: Demo kurss\n---\nApraksts.\n",
}

# one module in three languages: a translation, a country-only unit, a hidden unit (localisation)
LOCALISED_FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "01-one/02-other.md": LESSON.replace("A lesson", "Another lesson"),
    "01-one/03-extra.md": LESSON.replace("A lesson", "A Slovenian detail"),
    "01-one/04-quiz.md": SIMPLE_QUIZ,
    "locales/lv/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\nTeksts.\n",
    "locales/lv-LV/01-one/05-latvia.md": "---\nkind: lesson\ntitle: Latvijā\n---\nLikums.\n",
    "locales/lv-LV/variant.yml": "hide:\n  - one/extra\n",
    "locales/pl-PL/course.md": "---\ntitle: Kurs\n---\nOpis.\n",
}


INTERVIEW = """\
---
kind: interview
title: Running a reuse centre
interviewee: A reuse-centre manager
role: Manager
organisation: A municipal reuse centre
country: SI
media: media/talk.mp3
---
**Manager:** We started with two carpenters.
"""
STORY = """\
---
kind: case-story
title: Reuse in Ptuj
organisation: A reuse centre
country: SI
sector: reuse
year: 2012
figures:
  Jobs created: 1200
---
The story.
"""


def course_files(units_per_module: int = 2, modules: int = 2) -> dict:
    """A course of ``modules`` modules with every unit kind, media, and lv / lv-LV translations."""
    files = {"course.md": COURSE, "media/talk.mp3": b"ID3fake", "media/photo.png": b"\x89PNG\r\n\x1a\nfake"}
    for m in range(1, modules + 1):
        files[f"0{m}-m{m}/module.md"] = MODULE.replace("Module one", f"Module {m}")
        for u in range(1, units_per_module + 1):
            files[f"0{m}-m{m}/{u:02d}-lesson-{u}.md"] = LESSON.replace("A lesson", f"Lesson {m}.{u}")
        files[f"0{m}-m{m}/90-interview.md"] = INTERVIEW
        files[f"0{m}-m{m}/91-story.md"] = STORY
        files[f"0{m}-m{m}/99-quiz.md"] = SIMPLE_QUIZ
    files.update(
        {
            "locales/lv/course.md": "---\ntitle: Demo kurss\n---\nApraksts.\n",
            "locales/lv/01-m1/module.md": "---\ntitle: Pirmais modulis\n---\nIzklāsts.\n",
            "locales/lv/01-m1/01-lesson-1.md": "---\ntitle: Nodarbība viens (lv)\n---\nTeksts lv.\n",
            "locales/lv-LV/01-m1/02-lesson-2.md": "---\ntitle: Nodarbība divi (lv-LV)\n---\nTeksts LV.\n",
            "locales/lv-LV/01-m1/50-latvian-law.md": (
                "---\nkind: lesson\ntitle: Sociālo uzņēmumu likums\n---\nLikums.\n"
            ),
            "locales/lv-LV/variant.yml": "hide:\n  - m1/story\n",
        }
    )
    return files


def import_course(app, write_course, files: dict[str, str]):
    """Write ``files`` as the course "demo", import it and commit; the folder holding it."""
    root = write_course(files)
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    return root


def variant(tag: str) -> Variant | None:
    """The course variant ``tag`` (inside an app context)."""
    return db.session.scalar(select(Variant).where(Variant.tag == tag))


# ---------------------------------------------------------------- cohorts and progress


def user_by(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def make_cohort(app, lead_email: str, *, name="Riga workshop", variant="lv-LV", days=30, **extra) -> int:
    """A cohort of the course "demo" led by ``lead_email``, begun a week ago; its id."""
    today = date.today()  # read once: both dates from the same day, even at midnight
    with app.app_context(), unit_of_work():
        fields = cohorts.CohortFields(
            name=name,
            course=rd.get_course("demo"),
            variant_tag=variant,
            starts_on=today - timedelta(days=7),
            ends_on=today + timedelta(days=days),
            place="Rīga",
            inactive_days=extra.pop("inactive_days", 14),
            **extra,
        )
        return cohorts.create(user_by(lead_email), fields).id


def join(app, email: str, cohort_id: int) -> None:
    with app.app_context(), unit_of_work():
        cohorts.join(user_by(email), db.session.get(Cohort, cohort_id))


def work(app, email: str, *, lessons: list[tuple[str, str]] = (), quizzes: list[tuple[str, bool]] = ()):
    """Mark lessons (module, unit) done and take quizzes (module, right?) as this learner."""
    with app.app_context(), unit_of_work():
        user = user_by(email)
        course = rd.get_course("demo")
        enrolment = learning.get_enrolment(user, course)
        reading = rd.Reading(course, rd.variant_chain(course, enrolment.variant_tag if enrolment else None))
        modules = {m.slug: m.module for m in rd.modules(reading)}
        for module_slug, unit_slug in lessons:
            learning.mark_done(user, reading, modules[module_slug], unit_slug)
        for module_slug, right in quizzes:
            attempt = learning.start_attempt(user, reading, modules[module_slug], "quiz")
            learning.submit_attempt(
                user,
                reading,
                modules[module_slug],
                attempt,
                {"q0": "0" if right else "1", "q1": "2018" if right else "1990"},
            )


def finish(app, email: str) -> None:
    """Complete both modules of TWO_MODULE_FILES."""
    work(
        app,
        email,
        lessons=[("one", "lesson"), ("two", "lesson"), ("two", "more")],
        quizzes=[("one", True), ("two", True)],
    )


# ---------------------------------------------------------------- every route, signing in

PASSWORD = "correct horse battery staple"

# Sample values for URL variables, so every route can be requested.
SAMPLE_ARGS = {
    "course_slug": "demo",
    "module_slug": "m1",
    "unit_slug": "quiz",
    "number": 1,
    "filename": "photo.png",
    "token": "not-a-token",
    "user_id": 1,
    "grant_id": 1,
    "certificate_id": "A" * 22,
    "key": "default",
    "tag": "lv-LV",
    "cohort_id": 1,
    "code": "ABCDEFGH",
    "fmt": "csv",
    "mail_id": 1,
    # board
    "post_id": 1,
    "reply_id": 1,
    "message_id": 1,
    "membership_id": 1,
    "filter_id": 1,
    "report_id": 1,
    "declaration_id": 1,
    "slug": "no-such-organisation",
    "action": "hide",
    "digest": "0" * 16,
    # notifications
    "notification_id": 1,
}


def all_endpoints(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the app."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
            url = url_for(rule.endpoint, **args) if rule.endpoint != "static" else "/static/elearn.css"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    return found


def sign_in_without_csrf(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
