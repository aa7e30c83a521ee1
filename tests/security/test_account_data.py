"""GDPR through the pages: "Download my data", and account deletion that keeps statistics right."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.cohorts import report
from elearn.extensions import db
from elearn.learning.models import Enrolment, QuizAttempt, UnitProgress
from tests.conftest import PASSWORD, csrf_from, post_form, sign_in
from tests.factories import finish, join, make_cohort


@pytest.fixture
def two_learners(app, course, lead, make_user):
    """Ana and Ben, both in a Riga cohort, both finished the course (so both hold a certificate)."""
    cohort_id = make_cohort(app, lead)
    make_user("admin@example.org", roles=("admin",))
    for email, name in (("ana@example.org", "Ana Bērziņa"), ("ben@example.org", "Ben Ozols")):
        make_user(email, name=name)
        join(app, email, cohort_id)
        finish(app, email)
    return cohort_id


def figures(app) -> list[tuple]:
    """The programme report's rows for the last 30 days: version, enrolled, active, completed, certificates."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        rows, _cohorts = report.build(admin, date.today() - timedelta(days=30), date.today())
        return [(r.variant_tag, r.enrolled, r.active, r.completed, r.certificates) for r in rows]


def test_download_my_data_is_a_json_attachment_with_everything(client, app, two_learners):
    sign_in(client, "ana@example.org")
    page = client.get("/me/profile").get_data(as_text=True)
    assert "Download my data" in page and 'action="/me/data"' in page
    assert client.get("/me/data").status_code == 405  # only by the button's POST, with its token
    assert client.post("/me/data").status_code == 400
    response = client.post("/me/data", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="elearn-my-data-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "ana@example.org" and data["account"]["name"] == "Ana Bērziņa"
    assert data["account"]["sessions"] and data["learning"]["enrolments"][0]["course"] == "demo"
    assert len(data["learning"]["progress"]) == 5 and data["learning"]["quiz_attempts"][0]["answers"]
    assert data["learning"]["courses_completed"] and data["certificates"]["certificates"][0]["name"] == "Ana Bērziņa"
    assert data["cohorts"]["member_of"][0]["name"] == "Riga workshop"
    assert "ben@example.org" not in response.get_data(as_text=True)  # nobody else's data


def test_deleting_an_account_keeps_cohort_statistics_and_the_certificate(client, app, two_learners):
    before = figures(app)
    assert before and before[0][1:] == (2, 2, 2, 2)
    with app.app_context():
        ana_id = db.session.scalar(select(User.id).where(User.email == "ana@example.org"))
        certificate_id = db.session.scalar(select(Certificate.id).where(Certificate.user_id == ana_id))
        progress = db.session.scalar(select(func.count()).select_from(UnitProgress))
    sign_in(client, "ana@example.org")
    response = post_form(client, "/me/delete", {"password": PASSWORD}, page_url="/me/profile")
    assert response.status_code == 302 and client.get("/me/").status_code == 302

    assert figures(app) == before  # enrolled, active, completed, certificates: unchanged
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ana@example.org")) is None
        assert db.session.scalar(select(func.count()).select_from(UnitProgress)) == progress
        twin = db.session.scalar(select(User).where(User.erased_at.is_not(None)))
        assert twin.name == "" and twin.email.endswith("@erased.invalid") and twin.grants == []
        assert {a.responses for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == twin.id))} == {
            None
        }  # what Ana typed is gone; scores stay
        assert db.session.scalar(select(Enrolment.user_id).where(Enrolment.user_id == ana_id)) is None
    # the certificate stays verifiable for whoever holds it
    page = client.get(f"/certificates/{certificate_id}").get_data(as_text=True)
    assert "Ana Bērziņa" in page and "is valid" in page
    # the cohort lead no longer sees Ana; the admin user list does not show the anonymous row
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    dashboard = lead.get(f"/cohorts/{two_learners}/").get_data(as_text=True)
    assert "Ben Ozols" in dashboard and "Bērziņa" not in dashboard
    assert "erased.invalid" not in lead.get("/admin/users/").get_data(as_text=True)
    # nobody can sign in as the anonymous row
    with app.app_context():
        assert post_form(app.test_client(), "/login", {"email": twin.email, "password": ""}).status_code == 200


def test_withdrawing_certificates_at_deletion_revokes_them_and_removes_the_name(client, app, two_learners):
    before = figures(app)
    with app.app_context():
        certificate_id = db.session.scalar(
            select(Certificate.id).join(User, User.id == Certificate.user_id).where(User.email == "ana@example.org")
        )
    sign_in(client, "ana@example.org")
    post_form(client, "/me/delete", {"password": PASSWORD, "withdraw_certificates": "y"}, page_url="/me/profile")
    page = client.get(f"/certificates/{certificate_id}").get_data(as_text=True)
    with app.test_request_context(), force_locale("lv"):  # the reason is written in the holder's language
        reason = gettext("Withdrawn at the holder's request.")
    assert "Bērziņa" not in page and "revoked" in page and reason in page
    assert reason != "Withdrawn at the holder's request."
    assert client.get(f"/certificates/{certificate_id}/status").get_json()["revokedCredentials"]
    pdf = PdfReader(io.BytesIO(client.get(f"/certificates/{certificate_id}.pdf").data))
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    assert "Demo kurss" in pdf_text and "Bērziņa" not in pdf_text
    after = figures(app)
    assert [row[:4] for row in after] == [row[:4] for row in before] and after[0][4] == before[0][4] - 1


def test_a_wrong_password_deletes_nothing(client, app, two_learners):
    sign_in(client, "ana@example.org")
    response = post_form(
        client, "/me/delete", {"password": "not it", "withdraw_certificates": "y"}, page_url="/me/profile"
    )
    assert response.status_code == 400 and "Your password is not right." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_not(None))) == 0
        assert (
            db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.revoked_at.is_not(None)))
            == 0
        )


def test_a_deletion_that_fails_half_way_keeps_everything(client, app, two_learners, monkeypatch):
    """The erasure is the request's one transaction: a domain failing after the others ran undoes them all."""
    from elearn.board import personal_data as board_personal_data

    def broken(_user):
        raise RuntimeError("the board's erasure failed")

    monkeypatch.setattr(board_personal_data, "erase", broken)
    with app.app_context():
        ana_id = db.session.scalar(select(User.id).where(User.email == "ana@example.org"))
        enrolments = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.user_id == ana_id))
    assert enrolments == 1
    sign_in(client, "ana@example.org")
    with pytest.raises(RuntimeError, match="the board's erasure failed"):
        post_form(client, "/me/delete", {"password": PASSWORD, "withdraw_certificates": "y"}, page_url="/me/profile")
    with app.app_context():
        ana = db.session.get(User, ana_id)
        assert ana is not None and ana.name == "Ana Bērziņa" and ana.erased_at is None
        assert db.session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_not(None))) == 0
        assert (
            db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.user_id == ana_id))
            == enrolments
        )
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == ana_id))
        assert certificate.revoked_at is None and certificate.learner_name == "Ana Bērziņa"
    assert sign_in(app.test_client(), "ana@example.org").headers["Location"] == "/me/"
