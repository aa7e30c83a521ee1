"""Joining the network by declaration, moderators deciding by country, members, posting on behalf."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from elearn.board import views as board_views
from elearn.board.models import JoinDeclaration, ModerationAction, Organisation
from elearn.extensions import db
from tests.board.conftest import client_for
from tests.conftest import csrf_from, post_form

DECLARATION = {
    "name": "EKO Prlekija d.o.o., so.p.",
    "legal_form": "social_enterprise",
    "country": "SI",
    "region": "Ivanjkovci",
    "website": "https://eko-prlekija.example",
    "areas": ["work_practice"],
    "description": "We host **work practice**.",
    "address": "Mali Brebrovnik 58, 2259 Ivanjkovci",
    "tax_number": "41214692",
    "responsible_person": "Ana Novak",
    "responsible_function": "procurator",
    "primary_area": "work_practice",
    "agree": "y",
}


def test_join_declaration_approved_by_a_moderator_of_its_country(app, people, mailbox):
    member = client_for(app, people["member"])
    refused = post_form(member, "/board/organisations/join", {**DECLARATION, "agree": ""})
    assert refused.status_code == 400 and "Please confirm the declaration." in refused.get_data(as_text=True)
    response = post_form(member, "/board/organisations/join", DECLARATION)
    assert response.status_code == 302
    profile = response.headers["Location"]
    assert "waits for a moderator" in member.get(profile).get_data(as_text=True)
    assert app.test_client().get(profile).status_code == 404  # not public yet
    assert "EKO Prlekija" not in app.test_client().get("/board/organisations/").get_data(as_text=True)

    latvian = client_for(app, people["mod_lv"])
    assert "EKO Prlekija" not in latvian.get("/board/moderation/").get_data(as_text=True)
    slovenian = client_for(app, people["mod_si"])
    queue = slovenian.get("/board/moderation/").get_data(as_text=True)
    url = re.search(r'href="(/board/moderation/organisations/\d+)"', queue).group(1)
    assert latvian.get(url).status_code == 403
    page = slovenian.get(url).get_data(as_text=True)
    assert "41214692" in page and "Mali Brebrovnik 58" in page
    declined = post_form(slovenian, url, {"reason": "", "reject": "Decline"})
    assert declined.status_code == 400 and "Please give a reason" in declined.get_data(as_text=True)
    assert post_form(slovenian, url, {"reason": "Welcome!", "approve": "Approve"}).status_code == 302
    assert "is now a member of the network" in mailbox.last_to(people["member"]).get_body(("plain",)).get_content()

    public = app.test_client().get(profile).get_data(as_text=True)
    assert "EKO Prlekija" in public and "<strong>work practice</strong>" in public
    assert "41214692" not in public and "Mali Brebrovnik" not in public  # the declaration stays with moderators
    assert "EKO Prlekija" in app.test_client().get(
        "/board/organisations/?country=SI&legal_form=social_enterprise&area=work_practice"
    ).get_data(as_text=True)
    assert "EKO Prlekija" not in app.test_client().get("/board/organisations/?area=eu_projects").get_data(as_text=True)
    assert "audit" not in public and "Welcome!" in slovenian.get("/board/moderation/log").get_data(as_text=True)


def test_a_decision_that_fails_after_the_service_mails_nothing_and_decides_nothing(app, people, mailbox, monkeypatch):
    assert post_form(client_for(app, people["member"]), "/board/organisations/join", DECLARATION).status_code == 302
    slovenian = client_for(app, people["mod_si"])
    queue = slovenian.get("/board/moderation/").get_data(as_text=True)
    url = re.search(r'href="(/board/moderation/organisations/\d+)"', queue).group(1)
    page = slovenian.get(url).get_data(as_text=True)

    def failing_flash(*_args, **_kwargs):
        raise RuntimeError("the view fails after the decision was written")

    monkeypatch.setattr(board_views, "flash", failing_flash)
    with pytest.raises(RuntimeError, match="after the decision was written"):
        slovenian.post(url, data={"csrf_token": csrf_from(page), "reason": "Welcome!", "approve": "Approve"})
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(JoinDeclaration.decision)) == "pending"
        assert db.session.scalar(select(Organisation.status)) == "pending"
        assert db.session.scalar(select(ModerationAction.id)) is None  # no audit entry either

    monkeypatch.undo()
    assert post_form(slovenian, url, {"reason": "Welcome!", "approve": "Approve"}).status_code == 302
    assert [m["To"] for m in mailbox.messages] == [people["member"]]


def test_members_join_and_post_on_behalf(app, people, mailbox):
    founder = client_for(app, people["member"])
    profile = post_form(founder, "/board/organisations/join", DECLARATION).headers["Location"]
    admin = client_for(app, people["admin"])
    url = re.search(
        r'href="(/board/moderation/organisations/\d+)"', admin.get("/board/moderation/").get_data(as_text=True)
    ).group(1)
    post_form(admin, url, {"approve": "Approve"})

    colleague = client_for(app, people["reader"])
    assert post_form(colleague, profile + "/membership", {}, page_url=profile).status_code == 302
    assert "EKO Prlekija" not in colleague.get("/board/posts/new").get_data(as_text=True)  # not accepted yet
    assert colleague.get(profile + "/edit").status_code == 403

    page = founder.get(profile).get_data(as_text=True)
    member_url = re.search(
        r'action="(/board/organisations/[\w-]+/members/\d+)"[^>]*>\s*<input[^>]*>\s*<button '
        r'type="submit" name="action" value="accept"',
        page,
    ).group(1)
    assert post_form(founder, member_url, {"action": "accept"}, page_url=profile).status_code == 302
    form = colleague.get("/board/posts/new").get_data(as_text=True)
    organisation_id = re.search(r"<option[^>]*value=\"(\d+)\"[^>]*>EKO Prlekija", form).group(1)
    response = post_form(
        colleague,
        "/board/posts/new",
        {
            "kind": "job",
            "title": "Work practice in Prlekija",
            "body": "Two places.",
            "country": "SI",
            "language": "sl",
            "organisation_id": organisation_id,
        },
    )
    assert response.status_code == 302  # the colleague's first post: it waits for a moderator
    post_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Work practice in Prlekija" not in app.test_client().get("/board/").get_data(as_text=True)
    assert post_form(admin, f"/board/moderation/posts/{post_id}/approve", {}).status_code == 302
    listed = app.test_client().get("/board/?legal_form=social_enterprise&area=work_practice").get_data(as_text=True)
    assert "Work practice in Prlekija" in listed and "EKO Prlekija" in listed
    assert post_form(founder, profile + "/edit", {**DECLARATION, "region": "Ormož"}).status_code == 302
    assert "Ormož" in app.test_client().get(profile).get_data(as_text=True)


def test_cannot_post_for_an_organisation_one_does_not_belong_to(app, trusted):
    with app.app_context():
        org = Organisation(slug="other", name="Other org", legal_form="ngo", country="LV", status="approved")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    member = client_for(app, trusted["member"])
    response = post_form(
        member,
        "/board/posts/new",
        {
            "kind": "offer",
            "title": "Pretending",
            "body": "x",
            "country": "LV",
            "language": "en",
            "organisation_id": str(org_id),
        },
    )
    assert response.status_code == 400
