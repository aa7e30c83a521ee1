"""Cohorts end to end: creating, joining, inviting from a CSV, the dashboard, exports, reminders, privacy."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import render_template_string
from openpyxl import load_workbook
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.cohorts import services as cohort_services
from elearn.cohorts.models import Cohort, CohortInvitation, CohortMember, Reminder
from elearn.cohorts.views import PENDING_JOIN
from elearn.core import signals
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.extensions import cache, db
from elearn.learning.models import Enrolment
from elearn.learning.services import LearningError
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import finish, join, make_cohort, user_by, work


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---------------------------------------------------------------- creating


def test_a_lead_creates_a_cohort_with_a_second_lead(client, app, course, lead, make_user):
    make_user("second@example.org", name="Second Lead", roles=("cohort_lead",))
    sign_in(client, lead)
    response = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Ptuj programme",
            "version": "demo:lv-LV",
            "starts_on": "2027-03-01",
            "ends_on": "2027-05-10",
            "place": "Ptuj",
            "co_lead_email": "second@example.org",
            "inactive_days": "10",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        assert (cohort.name, cohort.variant_tag, cohort.starts_on, cohort.place) == (
            "Ptuj programme",
            "lv-LV",
            date(2027, 3, 1),
            "Ptuj",
        )
        assert [lead.user.email for lead in cohort.leads] == ["lead@example.org", "second@example.org"]
        assert len(cohort.invite_code) == 8 and set(cohort.invite_code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    page = text(client.get(response.headers["Location"]))
    assert "Ptuj programme" in page and cohort.invite_code in page and "Second Lead" in page


def test_bad_cohort_input_is_explained_and_kept(client, course, lead, make_user):
    make_user("learner@example.org")
    sign_in(client, lead)
    response = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Kept name",
            "version": "demo:lv-LV",
            "starts_on": "2027-05-01",
            "ends_on": "2027-04-01",
            "place": "Cēsis",
            "co_lead_email": "",
            "inactive_days": "14",
        },
    )
    page = text(response)
    assert response.status_code == 200 and "The cohort cannot end before it starts." in page
    assert 'value="Kept name"' in page and 'value="Cēsis"' in page
    response = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Kept name",
            "version": "demo:lv-LV",
            "starts_on": "2027-03-01",
            "ends_on": "2027-04-01",
            "co_lead_email": "learner@example.org",
            "inactive_days": "0",
        },
    )
    page = text(response)
    assert "Number must be between 1 and 365." in page
    response = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Kept name",
            "version": "demo:lv-LV",
            "starts_on": "2027-03-01",
            "ends_on": "2027-04-01",
            "co_lead_email": "learner@example.org",
            "inactive_days": "14",
        },
    )
    assert "The second lead must have an account with the cohort lead role." in text(response)


# ---------------------------------------------------------------- joining and leaving


def test_a_learner_follows_the_link_signs_in_and_joins(client, app, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("anna@example.org", name="Anna")
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code
    page = text(client.get(f"/cohorts/join/{code}"))
    assert "Riga workshop" in page and "Līga Lead" in page and "can see your progress" in page
    sign_in(client, "anna@example.org")
    page = text(client.get("/me/"))
    assert "You were invited to join the cohort Riga workshop." in page  # remembered across signing in
    response = post_form(client, f"/cohorts/join/{code}")
    assert response.status_code == 302
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.variant_tag == "lv-LV"  # enrolled in the cohort's version
    assert count(app, CohortMember) == 1
    page = text(client.get("/me/"))
    assert "My cohorts" in page and "Riga workshop" in page and "You were invited" not in page
    post_form(client, f"/cohorts/join/{code}", page_url=f"/cohorts/join/{code}")
    assert count(app, CohortMember) == 1  # joining twice changes nothing


def test_a_code_is_found_however_it_is_typed(client, app, course, lead):
    cohort_id = make_cohort(app, lead)
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code
    typed = f" {code[:4].lower()} {code[4:].lower()} "
    response = client.get("/cohorts/join", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/join/{code}")
    page = text(client.get("/cohorts/join", query_string={"code": "NOPE2345"}))
    assert "No cohort has this code." in page and 'value="NOPE2345"' in page
    assert client.get("/cohorts/join/NOPE2345").status_code == 404


def test_an_ended_cohort_cannot_be_joined(client, app, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        today = date.today()
        cohort.starts_on, cohort.ends_on = today - timedelta(days=30), today - timedelta(days=1)
        db.session.commit()
        code = cohort.invite_code
    make_user("late@example.org")
    sign_in(client, "late@example.org")
    assert "This cohort has ended." in text(client.get(f"/cohorts/join/{code}"))
    response = client.post(f"/cohorts/join/{code}", data={"csrf_token": csrf_from(text(client.get("/me/")))})
    assert response.status_code == 302 and count(app, CohortMember) == 0


def test_a_new_code_stops_the_old_link(client, app, course, lead):
    cohort_id = make_cohort(app, lead)
    with app.app_context():
        old = db.session.get(Cohort, cohort_id).invite_code
    sign_in(client, lead)
    post_form(client, f"/cohorts/{cohort_id}/code", page_url=f"/cohorts/{cohort_id}/")
    assert client.get(f"/cohorts/join/{old}").status_code == 404


def test_a_learner_sees_who_can_see_them_and_leaves(client, app, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("anna@example.org", name="Anna Ābele")
    join(app, "anna@example.org", cohort_id)
    sign_in(client, "anna@example.org")
    page = text(client.get("/me/"))
    assert "The leads of these cohorts can see your progress" in page and "Līga Lead" in page
    post_form(client, f"/cohorts/{cohort_id}/leave", page_url="/me/")
    assert count(app, CohortMember) == 0
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    assert "Anna Ābele" not in text(lead_client.get(f"/cohorts/{cohort_id}/"))
    assert count(app, Enrolment) == 1  # their own learning stays


def test_joining_is_one_change_so_a_failed_enrolment_keeps_no_membership(client, app, course, lead, make_user):
    cohort_id = make_cohort(app, lead)  # of the Latvian version
    make_user("anna@example.org", name="Anna")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        code = cohort.invite_code
        db.session.add(CohortInvitation(cohort_id=cohort_id, email="anna@example.org", name="Anna", language="lv"))
        db.session.commit()
    shutil.rmtree(course / "demo/locales")
    with app.app_context():  # the Latvian version is gone: enrolling in it fails after the member row was added
        assert sync_tree(course).ok
        assert not rd.get_course("demo").variants
        db.session.commit()
    sign_in(client, "anna@example.org")
    response = post_form(client, f"/cohorts/join/{code}", page_url=f"/cohorts/join/{code}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/join/{code}")
    page = text(client.get(response.headers["Location"]))
    assert "This course has no such version." in page  # said on the page, not a server error
    assert count(app, CohortMember) == 0 and count(app, Enrolment) == 0
    with app.app_context():  # the invitation is not marked accepted either
        assert db.session.scalar(select(CohortInvitation.accepted_at)) is None
    assert "My cohorts" not in text(client.get("/me/"))


def test_joining_enrols_in_the_same_change(client, app, course, lead, make_user, monkeypatch):
    """When the enrolment raises after the membership was added, the request leaves nothing."""
    cohort_id = make_cohort(app, lead)
    make_user("anna@example.org")
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code

    def failing_enrol(*_args, **_kwargs):
        assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 1  # the member row is there
        raise LearningError("This course has no such version.")

    monkeypatch.setattr(cohort_services, "enrol", failing_enrol)
    sign_in(client, "anna@example.org")
    response = post_form(client, f"/cohorts/join/{code}", page_url=f"/cohorts/join/{code}")
    assert response.status_code == 302
    assert count(app, CohortMember) == 0 and count(app, Enrolment) == 0


# ---------------------------------------------------------------- the learner's page (/me/)


def squeeze(html: str) -> str:
    """HTML without the whitespace between tags and without CSRF tokens, to compare fragments."""
    html = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', 'name="csrf_token"', html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def sections_html(app, email: str, cookie: str = "") -> tuple[list[signals.DashboardSection], str]:
    """What cohorts answer to ``learner_dashboard`` for this learner (other domains answer too),
    and those sections rendered."""
    headers = {"Cookie": f"{PENDING_JOIN}={cookie}"} if cookie else {}
    with app.test_request_context("/me/", headers=headers):
        answers = signals.answers(signals.learner_dashboard, user_by(email))
        sections = sorted(
            (s for s in answers if s is not None and s.template.startswith("cohorts/")), key=lambda s: s.order
        )
        html = render_template_string(
            "{% for section in sections %}{% include section.template %}{% endfor %}", sections=sections
        )
    return sections, html


def test_the_learners_page_shows_a_pending_invitation_and_their_cohorts(client, app, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    other_id = make_cohort(app, lead, name="Cēsis evenings")
    make_user("anna@example.org", name="Anna")
    join(app, "anna@example.org", other_id)
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code
    sections, html = sections_html(app, "anna@example.org", cookie=code)
    assert [(s.order, s.template) for s in sections] == [
        (-10, "cohorts/_dashboard_pending.html"),
        (10, "cohorts/_dashboard.html"),
    ]
    assert "You were invited to join the cohort Riga workshop." in html and f"/cohorts/join/{code}" in html
    assert "My cohorts" in html and "Cēsis evenings" in html and "Līga Lead" in html
    assert f"/cohorts/{other_id}/leave" in html and 'name="csrf_token"' in html
    assert "Join a cohort with a code" in html
    # the same markup as the page: what the sections show is on /me/
    client.get(f"/cohorts/join/{code}")  # the cookie, set before signing in
    sign_in(client, "anna@example.org")
    page = squeeze(text(client.get("/me/")))
    for section in sections:
        with app.test_request_context("/me/"):
            fragment = squeeze(render_template_string("{% include section.template %}", section=section))
        assert fragment in page, fragment

    join(app, "anna@example.org", cohort_id)  # joined since: no invitation; nor without the cookie
    assert [s.order for s in sections_html(app, "anna@example.org", cookie=code)[0]] == [10]
    make_user("new@example.org")
    sections, html = sections_html(app, "new@example.org")
    assert [s.order for s in sections] == [10] and "My cohorts" not in html and "Join a cohort with a code" in html


def test_cohorts_answer_whether_a_user_leads_a_learner(app, busy_cohort, lead, make_user):
    make_user("other@example.org", roles=("cohort_lead",))
    make_user("admin@example.org", roles=("admin",))
    with app.app_context():
        done, course_id = user_by("done@example.org"), rd.get_course("demo").id

        def leads(email, learner_id=done.id):
            return signals.answers(signals.leads_learner, user_by(email), learner_id=learner_id, course_id=course_id)

        assert leads(lead) == [True]
        assert leads("other@example.org") == [False]  # a lead, not of this learner's cohort
        assert leads("admin@example.org") == [False]  # not a cohort lead
        assert leads(lead, learner_id=user_by("admin@example.org").id) == [False]  # not in the cohort


# ---------------------------------------------------------------- invitations from a CSV


def upload(client, cohort_id: int, content: bytes, filename="learners.csv", language="en"):
    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    return client.post(
        f"/cohorts/{cohort_id}/invite",
        data={"csrf_token": csrf_from(page), "language": language, "roster": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_a_csv_from_latvian_excel_invites_everyone_in_their_language(client, app, course, lead, mailbox, make_user):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    content = (
        "Vārds;E-pasts;Valoda\r\nIlze Bērziņa;Ilze@Example.lv;lv\r\nСергей Иванов;sergej@example.lv;ru\r\n"
        "Jan Kowalski;jan@example.pl;\r\n".encode("utf-8-sig")
    )
    response = upload(client, cohort_id, content)
    assert response.status_code == 302
    assert count(app, CohortInvitation) == 3
    latvian = mailbox.last_to("ilze@example.lv")
    assert "Ilze Bērziņa" in latvian.get_body(("plain",)).get_content()
    assert "Riga workshop" in latvian["Subject"] and not latvian["Subject"].startswith("Invitation")
    russian = mailbox.last_to("sergej@example.lv").get_body(("plain",)).get_content()
    english = mailbox.last_to("jan@example.pl").get_body(("plain",)).get_content()
    assert "To join, open this link" in english and "To join, open this link" not in russian
    link = mailbox.link_in("jan@example.pl")
    make_user("jan@example.pl")
    jan = app.test_client()
    sign_in(jan, "jan@example.pl")
    path = link.split("://", 1)[1].split("/", 1)[1]
    post_form(jan, f"/{path}")
    with app.app_context():
        accepted = db.session.scalar(select(CohortInvitation).where(CohortInvitation.email == "jan@example.pl"))
        assert accepted.accepted_at is not None
    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    assert "Jan Kowalski" in page and "not yet" in page


def test_invitations_are_mailed_only_once_saved(client, app, course, lead, mailbox, monkeypatch):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    invite = cohort_services.invite

    def invite_then_fail(*args, **kwargs):
        invite(*args, **kwargs)
        raise RuntimeError("the request fails after the invitations were added")

    monkeypatch.setattr(cohort_services, "invite", invite_then_fail)
    with pytest.raises(RuntimeError):
        upload(client, cohort_id, b"First,first@example.org\nSecond,second@example.org\n")
    assert count(app, CohortInvitation) == 0 and mailbox.messages == []
    monkeypatch.undo()
    assert upload(client, cohort_id, b"First,first@example.org\nSecond,second@example.org\n").status_code == 302
    assert count(app, CohortInvitation) == 2 and len(mailbox.messages) == 2


def test_a_bad_csv_reports_every_problem_by_line_and_saves_nothing(client, app, course, lead, mailbox):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    content = (
        b"name,email,language\n"
        b"Good Person,good@example.org,en\n"
        b",nameless@example.org,en\n"
        b"Bad Mail,not-an-address,en\n"
        b"Twice,good@example.org,en\n"
        b"Klingon,k@example.org,tlh\n"
        b"Too,many,columns,here\n"
    )
    page = text(upload(client, cohort_id, content))
    assert "Nothing was sent." in page
    for expected in (
        "Line 3: The name is missing.",
        "Line 4: “not-an-address” is not an email address.",
        "Line 5: good@example.org is already on line 2.",
        "Line 6: “tlh” is not one of the languages",
        "Line 7: Expected name, email and optionally language; found 4 columns.",
    ):
        assert expected in page, expected
    assert count(app, CohortInvitation) == 0 and mailbox.messages == []


def test_people_already_invited_or_members_are_reported(client, app, course, lead, mailbox, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("member@example.org")
    join(app, "member@example.org", cohort_id)
    sign_in(client, lead)
    assert upload(client, cohort_id, b"First,first@example.org\n").status_code == 302
    page = text(upload(client, cohort_id, b"First,first@example.org\nMember,member@example.org\nNew,new@example.org\n"))
    assert "Line 1: first@example.org was already invited." in page
    assert "Line 2: member@example.org is already a member of this cohort." in page
    assert count(app, CohortInvitation) == 1  # "new" was not half-imported


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"PK\x03\x04 a spreadsheet", "learners.csv", "This is a spreadsheet file, not a CSV file."),
        (b"\x00\x01\x02 binary", "learners.csv", "The file&#39;s content is not a CSV file"),
        (b"a,b@example.org\n", "learners.xlsx", "The file must be a CSV file (.csv, .txt)."),
        (b"x" * (256 * 1024 + 1), "learners.csv", "The file is too large: at most 256 KB."),
        (b"", "learners.csv", "The file is empty."),
        (b"\n\n", "learners.csv", "The file has no learners in it."),
    ],
)
def test_wrong_files_get_clear_errors(client, app, course, lead, content, filename, message):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    response = upload(client, cohort_id, content, filename)
    assert response.status_code == 200 and message in text(response)
    assert count(app, CohortInvitation) == 0


# ---------------------------------------------------------------- the dashboard


@pytest.fixture
def busy_cohort(app, course, lead, make_user):
    """Four learners: one finished, one half-way with a failed quiz, one not started, one inactive."""
    cohort_id = make_cohort(app, lead)
    for email, name, language in [
        ("done@example.org", "Dace Done", "lv"),
        ("half@example.org", "Hugo Half", "en"),
        ("new@example.org", "Nina New", "ru"),
        ("idle@example.org", "Ivo Idle", "lv"),
    ]:
        make_user(email, name=name, language=language)
        join(app, email, cohort_id)
    finish(app, "done@example.org")
    work(app, "half@example.org", lessons=[("one", "lesson")], quizzes=[("one", False)])
    work(app, "idle@example.org", lessons=[("one", "lesson")])
    with app.app_context():  # Ivo joined and worked a month ago
        idle = db.session.scalar(select(User).where(User.email == "idle@example.org"))
        month_ago = date.today() - timedelta(days=30)
        db.session.execute(
            Enrolment.__table__.update().where(Enrolment.user_id == idle.id).values(last_activity_at=month_ago)
        )
        db.session.execute(
            CohortMember.__table__.update().where(CohortMember.user_id == idle.id).values(joined_at=month_ago)
        )
        db.session.commit()
    return cohort_id


def test_the_dashboard_shows_learners_by_module(client, app, busy_cohort, lead):
    sign_in(client, lead)
    page = text(client.get(f"/cohorts/{busy_cohort}/"))
    assert "4 learners" in page and "1 completed the course (25%)" in page
    assert "1 inactive for more than 14 days" in page
    row = page[page.index("Hugo Half") : page.index("</tr>", page.index("Hugo Half"))]
    assert "1/2" in row and "0%" in row  # module one: 1 of 2 units, failed quiz scored 0 %
    row = page[page.index("Dace Done") : page.index("</tr>", page.index("Dace Done"))]
    assert row.count("✓") == 2 and "100%" in row and "/certificates/" in row
    row = page[page.index("Ivo Idle") : page.index("</tr>", page.index("Ivo Idle"))]
    assert "inactive" in row
    assert 'role="img"' in page and "The figures as a table" in page  # charts with their text alternative


def test_filter_sort_and_export_give_the_same_rows(client, app, busy_cohort, lead):
    sign_in(client, lead)
    page = text(client.get(f"/cohorts/{busy_cohort}/?status=inactive"))
    assert "Ivo Idle" in page and "Hugo Half" not in page
    page = text(client.get(f"/cohorts/{busy_cohort}/?sort=progress&order=desc"))
    order = [page.index(name) for name in ("Dace Done", "Hugo Half", "Nina New")]
    assert order == sorted(order)
    assert "Nina New" in text(client.get(f"/cohorts/{busy_cohort}/?q=nina")) and "Dace Done" not in text(
        client.get(f"/cohorts/{busy_cohort}/?q=nina")
    )

    response = client.get(f"/cohorts/{busy_cohort}/export.csv?sort=progress&order=desc")
    body = response.get_data()
    assert body.startswith("\ufeff".encode()) and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Name", "Email address", "Joined", "Last activity", "Completion (%)", "Modules done"]
    assert [r[0] for r in rows[1:]] == ["Dace Done", "Hugo Half", "Ivo Idle", "Nina New"][:1] + [r[0] for r in rows[2:]]
    assert rows[1][4] == "100.0" and rows[1][5] == "2" and rows[1][-1].startswith("http")
    assert rows[1][0] == "Dace Done"

    response = client.get(f"/cohorts/{busy_cohort}/export.xlsx?status=inactive")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.values)
    assert [v[0] for v in values[1:]] == ["Ivo Idle"]
    assert values[1][4] == 20 and values[1][5] == 0  # numbers stay numbers: 1 of 5 units, no module
    assert isinstance(values[1][2], date)  # dates are dates
    assert client.get(f"/cohorts/{busy_cohort}/export.pdf").status_code == 404


def test_the_dashboard_runs_the_same_queries_for_4_and_40_learners(app, busy_cohort, lead, make_user, count_queries):
    # The clock stands still: the session's once-a-minute "last seen" write and the one-minute
    # cache cannot fall inside one count and not the other, however slow the machine.
    with time_machine.travel(datetime.now(UTC), tick=False):
        client = app.test_client()
        sign_in(client, lead)
        client.get(f"/cohorts/{busy_cohort}/")
        with app.app_context():
            cache.clear()  # compare the work without the one-minute cache of members' totals
        with count_queries() as few:
            assert client.get(f"/cohorts/{busy_cohort}/").status_code == 200
        for n in range(36):
            make_user(f"extra{n}@example.org")
            join(app, f"extra{n}@example.org", busy_cohort)
            if n % 3 == 0:
                work(app, f"extra{n}@example.org", lessons=[("one", "lesson")], quizzes=[("one", n % 2 == 0)])
        with app.app_context():
            cache.clear()
        with count_queries() as many:
            page = text(client.get(f"/cohorts/{busy_cohort}/"))
        assert "40 learners" in page
        assert many.count == few.count, (few.statements, many.statements)
        with count_queries() as cached:  # within the minute: totals and funnel from the cache
            assert "40 learners" in text(client.get(f"/cohorts/{busy_cohort}/"))
        assert cached.count == few.count - 3
        assert few.count == 13, "\n".join(s.split("\n")[0][:120] for s in few.statements)


# ---------------------------------------------------------------- reminders


def test_reminders_preview_in_each_language_send_and_log(client, app, busy_cohort, lead, mailbox):
    sign_in(client, lead)
    page = text(client.get(f"/cohorts/{busy_cohort}/reminders"))
    assert "Dace Done" not in page  # finished: nothing to remind
    with app.app_context():
        ids = {u.email: u.id for u in db.session.scalars(select(User))}
    idle = page.index(f'value="{ids["idle@example.org"]}"')
    checked = page[idle - 80 : idle + 40]
    assert "checked" in checked  # the inactive learner is chosen for the lead
    data = {"csrf_token": csrf_from(page), "learners": [ids["idle@example.org"], ids["half@example.org"]]}
    page = text(client.post(f"/cohorts/{busy_cohort}/reminders", data={**data, "preview": "Preview"}))
    assert 'lang="lv"' in page and 'lang="en"' in page
    assert "We have not seen you in the course" in page  # the English preview
    assert mailbox.messages == []
    response = client.post(f"/cohorts/{busy_cohort}/reminders", data={**data, "send": "Send reminders"})
    assert response.status_code == 302
    assert len(mailbox.messages) == 2
    english = mailbox.last_to("half@example.org").get_body(("plain",)).get_content()
    latvian = mailbox.last_to("idle@example.org").get_body(("plain",)).get_content()
    assert "Hugo Half" in english and "We have not seen you" in english and "We have not seen you" not in latvian
    assert count(app, Reminder) == 2
    assert "Reminders sent" in text(client.get(f"/cohorts/{busy_cohort}/reminders"))


def test_reminders_only_reach_members_and_are_rate_limited(client, app, busy_cohort, lead, mailbox, make_user):
    outsider = make_user("outsider@example.org")
    sign_in(client, lead)
    page = text(client.get(f"/cohorts/{busy_cohort}/reminders"))
    response = client.post(
        f"/cohorts/{busy_cohort}/reminders", data={"csrf_token": csrf_from(page), "learners": [outsider], "send": "1"}
    )
    assert response.status_code == 200 and mailbox.messages == []  # not a choice: refused by the form
    statuses = [
        client.post(
            f"/cohorts/{busy_cohort}/reminders", data={"csrf_token": csrf_from(page), "learners": [], "send": "1"}
        ).status_code
        for _ in range(10)
    ]
    assert statuses[-1] == 429


# ---------------------------------------------------------------- who sees what


def test_leads_see_only_their_cohorts_and_partner_admins_read_their_versions(app, course, lead, make_user):
    mine = make_cohort(app, lead)
    make_user("other@example.org", roles=("cohort_lead",))
    theirs = make_cohort(app, "other@example.org", name="Other", variant=None)
    make_user("lv-admin@example.org", roles=("partner_admin",))
    with app.app_context():
        from elearn.auth.models import RoleGrant

        db.session.scalar(select(RoleGrant).where(RoleGrant.role == "partner_admin")).scope = "lv-LV"
        db.session.commit()
    client = app.test_client()
    sign_in(client, lead)
    assert client.get(f"/cohorts/{theirs}/").status_code == 404
    assert client.get(f"/cohorts/{theirs}/export.csv").status_code == 404
    assert client.get(f"/cohorts/{theirs}/invite").status_code == 404
    index = text(client.get("/cohorts/"))
    assert "Riga workshop" in index and "Other" not in index
    partner = app.test_client()
    sign_in(partner, "lv-admin@example.org")
    assert partner.get(f"/cohorts/{mine}/").status_code == 200
    assert partner.get(f"/cohorts/{theirs}/").status_code == 404
    assert partner.get(f"/cohorts/{mine}/invite").status_code == 403  # read only
    assert "Invite learners" not in text(partner.get(f"/cohorts/{mine}/"))
    learner = app.test_client()
    make_user("learner@example.org")
    sign_in(learner, "learner@example.org")
    assert learner.get("/cohorts/").status_code == 403
    admin = app.test_client()
    make_user("admin@example.org", roles=("admin",))
    sign_in(admin, "admin@example.org")
    assert admin.get(f"/cohorts/{theirs}/invite").status_code == 200


def test_a_cohort_lead_revokes_a_certificate_of_their_cohort_only(app, busy_cohort, lead, make_user):
    from elearn.certificates.models import Certificate

    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    make_user("other@example.org", roles=("cohort_lead",))
    other = app.test_client()
    sign_in(other, "other@example.org")
    page = text(other.get(f"/certificates/{certificate_id}"))
    assert "Revoke this certificate" not in page
    assert (
        other.post(
            f"/certificates/{certificate_id}/revoke",
            data={"csrf_token": csrf_from(text(other.get("/me/"))), "reason": "x"},
        ).status_code
        == 403
    )
    client = app.test_client()
    sign_in(client, lead)
    page = text(client.get(f"/certificates/{certificate_id}"))
    assert "Revoke this certificate" in page
    client.post(
        f"/certificates/{certificate_id}/revoke",
        data={"csrf_token": csrf_from(page), "reason": "Attended two of ten sessions"},
    )
    page = text(app.test_client().get(f"/certificates/{certificate_id}"))
    assert "Attended two of ten sessions" in page
    status = app.test_client().get(f"/certificates/{certificate_id}/status").get_json()
    assert "revoked" in str(status).lower()


# ---------------------------------------------------------------- the programme report


def test_the_programme_report_counts_a_period_per_version(app, busy_cohort, make_user):
    make_user("admin@example.org", roles=("admin",))
    with app.app_context():  # Dace enrolled ten days before completing
        from elearn.learning.models import CourseCompletion

        dace = db.session.scalar(select(User).where(User.email == "done@example.org"))
        completed_at = db.session.scalar(select(CourseCompletion.completed_at))
        db.session.execute(
            Enrolment.__table__.update()
            .where(Enrolment.user_id == dace.id)
            .values(enrolled_at=completed_at - timedelta(days=10))
        )
        db.session.commit()
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    today = date.today()
    period = {"start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat()}
    page = text(admin.get("/cohorts/report", query_string=period))
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    cells = [c.split("<")[0] for c in row.split('<td class="number">')[1:]]
    assert cells == ["4", "3", "1", "1", "10.0"]  # enrolled, active, completed, certificates, median days
    assert "Riga workshop" in page
    rows = list(
        csv.reader(io.StringIO(admin.get("/cohorts/report.csv", query_string=period).get_data().decode("utf-8-sig")))
    )
    assert rows[0][-5:] == ["Enrolled", "Active", "Completed", "Certificates", "Median days to complete"]
    assert rows[1][-5:] == ["4", "3", "1", "1", "10.0"] and rows[1][2] == "Latvia"
    sheet = load_workbook(io.BytesIO(admin.get("/cohorts/report.xlsx", query_string=period).get_data())).active
    assert list(sheet.values)[1][-5:] == (4, 3, 1, 1, 10)

    before = {"start": "2020-01-01", "end": "2020-12-31"}
    assert "No learning activity in this period." in text(admin.get("/cohorts/report", query_string=before))
    wrong = text(admin.get("/cohorts/report", query_string={"start": "2021-01-01", "end": "2020-01-01"}))
    assert "The period must end on or after its first day." in wrong


def test_partner_admins_report_only_their_versions(app, busy_cohort, make_user):
    from elearn.auth.models import RoleGrant

    make_user("pl-admin@example.org", roles=("partner_admin",))
    with app.app_context():
        db.session.scalar(select(RoleGrant).where(RoleGrant.role == "partner_admin")).scope = "pl-PL"
        db.session.commit()
    client = app.test_client()
    sign_in(client, "pl-admin@example.org")
    page = text(client.get("/cohorts/report"))
    assert "No learning activity in this period." in page and "Riga workshop" not in page
    assert "Riga workshop" not in text(client.get("/cohorts/"))
