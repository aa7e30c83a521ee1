"""A learner in Latvia who completed the lv-LV version of a one-module course."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.core.transaction import unit_of_work
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from elearn.learning import services
from tests.factories import ONE_MODULE_FILES as FILES


@pytest.fixture
def completed(app, write_course, make_user):
    """A learner in Latvia who completed the lv-LV version of a one-module course."""
    files = {
        **FILES,
        "course.md": FILES["course.md"].replace("language: en", "language: en\nestimated_hours: 2.5"),
        "locales/lv-LV/course.md": "---\ntitle: Sociālā uzņēmējdarbība\n---\nApraksts.\n",
    }
    app.config["ISSUERS"] = {"LV": {"name": "Sociālās inovācijas centrs", "url": "https://sic.example.lv"}}
    user_id = make_user("janis@example.org", name="Jānis Bērziņš", country="LV", language="lv")
    return complete_course(app, write_course(files), user_id, "lv-LV")


def complete_course(app, root, user_id: int, variant: str) -> str:
    """Import the course at ``root``, take its ``variant`` through as ``user_id``; the certificate's id."""
    with app.app_context(), unit_of_work():  # the requests' work, committed as they would
        assert sync_tree(root).ok
        user = db.session.get(User, user_id)
        course = rd.get_course("demo")
        services.enrol(user, course, variant)
        reading = rd.Reading(course, rd.variant_chain(course, variant))
        module = rd.modules(reading)[0].module
        services.mark_done(user, reading, module, "lesson")
        services.mark_done(user, reading, module, "story")
        attempt = services.start_attempt(user, reading, module, "quiz")
        services.submit_attempt(user, reading, module, attempt, {"q0": "0", "q1": "2018"})
        return db.session.scalar(select(Certificate.id).where(Certificate.user_id == user_id))
