"""What certificates do when other domains' events happen: issue at completion, ask cohorts, show on /me/."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.core import signals
from elearn.core.transaction import unit_of_work
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from elearn.learning import services
from elearn.learning.models import CourseCompletion
from tests.conftest import post_form, sign_in
from tests.factories import ONE_MODULE_FILES as FILES


class Failed(Exception):
    pass


def test_a_certificate_is_issued_in_the_transaction_that_completes_the_course(app, write_course, make_user):
    """Completion and certificate are one change: if the work fails after it, neither is kept."""
    root = write_course(FILES)
    user_id = make_user("ana@example.org")
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok

    def complete_then_fail():
        with app.app_context(), unit_of_work():
            user = db.session.get(User, user_id)
            course = rd.get_course("demo")
            reading = rd.Reading(course, rd.variant_chain(course, None))
            module = rd.modules(reading)[0].module
            services.mark_done(user, reading, module, "lesson")
            services.mark_done(user, reading, module, "story")
            attempt = services.start_attempt(user, reading, module, "quiz")
            services.submit_attempt(user, reading, module, attempt, {"q0": "0", "q1": "2018"})
            assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1  # issued by the receiver
            raise Failed

    with pytest.raises(Failed):
        complete_then_fail()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseCompletion)) == 0
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def revoke(client, certificate_id: str):
    url = f"/certificates/{certificate_id}"
    return post_form(client, f"{url}/revoke", {"reason": "Completed by someone else"}, page_url=url)


def test_whoever_cohorts_say_leads_the_learner_may_revoke(app, client, completed, make_user):
    make_user("lead@example.org", roles=("cohort_lead",))
    asked = []

    def leads(user, *, learner_id, course_id, **_):
        asked.append((user.email, learner_id, course_id))
        return user.email == "lead@example.org"

    sign_in(client, "lead@example.org")
    with signals.leads_learner.connected_to(leads):
        assert revoke(client, completed).status_code == 302
    with app.app_context():
        certificate = db.session.get(Certificate, completed)
        assert certificate.revoked_reason == "Completed by someone else"
        assert ("lead@example.org", certificate.user_id, certificate.course_id) in asked


def test_nobody_but_an_admin_may_revoke_when_no_domain_answers_true(app, client, completed, make_user):
    make_user("lead@example.org", roles=("cohort_lead",))
    sign_in(client, "lead@example.org")
    with signals.leads_learner.connected_to(lambda _user, **_: False):
        assert revoke(client, completed).status_code == 403
    with app.app_context():
        assert db.session.get(Certificate, completed).revoked_at is None


def test_my_certificates_come_before_the_courses_on_the_learners_page(client, completed):
    """A completed course's moment: its certificate first (#22)."""
    sign_in(client, "janis@example.org")
    page = client.get("/me/").get_data(as_text=True)
    positions = [
        page.index(text)
        for text in (f"/certificates/{completed}.pdf", '<a href="/courses/demo/">', 'href="/cohorts/join"')
    ]
    assert positions == sorted(positions)
