"""The moderation flow, the rights of each role on posts, rate limits and the honeypot."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.board.models import ModerationAction, Post, Report
from elearn.extensions import db
from tests.board.conftest import client_for
from tests.conftest import csrf_from, post_form

NEW_POST = {
    "kind": "offer",
    "title": "Handmade soap from our workshop",
    "body": "We sell *soap*.",
    "country": "LV",
    "region": "Salaspils",
    "language": "lv",
    "tags": "crafts, soap",
    "organisation_id": "0",
}


def post_id_from(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/board/posts/(\d+)", response.headers["Location"]).group(1))


def test_first_post_waits_for_a_moderator_of_its_country_then_publishes(app, people):
    newcomer = client_for(app, people["newcomer"])
    post_id = post_id_from(post_form(newcomer, "/board/posts/new", NEW_POST))
    page = newcomer.get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert "waits for a moderator" in page
    anonymous = app.test_client()
    assert anonymous.get(f"/board/posts/{post_id}").status_code == 404
    assert "Handmade soap" not in anonymous.get("/board/").get_data(as_text=True)

    slovenian = client_for(app, people["mod_si"])  # moderates SI only
    assert "Handmade soap" not in slovenian.get("/board/moderation/").get_data(as_text=True)
    assert slovenian.get(f"/board/moderation/posts/{post_id}/approve").status_code == 403
    assert slovenian.get(f"/board/posts/{post_id}").status_code == 404

    latvian = client_for(app, people["mod_lv"])
    assert "Handmade soap" in latvian.get("/board/moderation/").get_data(as_text=True)
    response = post_form(latvian, f"/board/moderation/posts/{post_id}/approve", {"reason": ""})
    assert response.status_code == 302
    assert anonymous.get(f"/board/posts/{post_id}").status_code == 200
    assert "Handmade soap" in anonymous.get("/board/").get_data(as_text=True)

    # trusted now: the next post is published at once
    second = post_id_from(post_form(newcomer, "/board/posts/new", {**NEW_POST, "title": "More soap"}))
    assert anonymous.get(f"/board/posts/{second}").status_code == 200


def test_report_hide_with_reason_restore_and_the_audit_log(app, trusted, write_post):
    post_id = write_post(trusted["member"], "Cheap loans, guaranteed!!!", country="LV")
    reader = client_for(app, trusted["reader"])
    response = post_form(reader, f"/board/posts/{post_id}/report", {"reason": "Looks like a scam."})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Report.reason)) == "Looks like a scam."

    moderator = client_for(app, trusted["mod_lv"])
    queue = moderator.get("/board/moderation/").get_data(as_text=True)
    assert "Cheap loans" in queue and "Looks like a scam." in queue
    hide_url = f"/board/moderation/posts/{post_id}/hide"
    refused = post_form(moderator, hide_url, {"reason": ""})
    assert refused.status_code == 400 and "Please give a reason" in refused.get_data(as_text=True)
    assert post_form(moderator, hide_url, {"reason": "Spam: a loan offer."}).status_code == 302

    assert app.test_client().get(f"/board/posts/{post_id}").status_code == 404
    author = client_for(app, trusted["member"])
    assert "Spam: a loan offer." in author.get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert "Looks like a scam." not in moderator.get("/board/moderation/").get_data(as_text=True)  # resolved

    assert (
        post_form(
            moderator, f"/board/moderation/posts/{post_id}/restore", {"reason": "The author explained it."}
        ).status_code
        == 302
    )
    assert app.test_client().get(f"/board/posts/{post_id}").status_code == 200
    log = moderator.get("/board/moderation/log").get_data(as_text=True)
    assert "Spam: a loan offer." in log and "The author explained it." in log
    with app.app_context():
        assert [a.action for a in db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))] == [
            "hide",
            "restore",
        ]
    # the Slovenian partner admin sees none of it
    slovenian = client_for(app, trusted["mod_si"])
    assert "Spam: a loan offer." not in slovenian.get("/board/moderation/log").get_data(as_text=True)
    assert slovenian.get(hide_url).status_code == 403


def test_replies_wait_for_newcomers_and_can_be_hidden(app, trusted, write_post):
    post_id = write_post(trusted["member"], "Who runs a reuse centre?")
    newcomer = client_for(app, trusted["newcomer"])
    response = post_form(
        newcomer, f"/board/posts/{post_id}/replies", {"body": "We do, in Ptuj."}, page_url=f"/board/posts/{post_id}"
    )
    assert response.status_code == 302
    assert "We do, in Ptuj." not in app.test_client().get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert "We do, in Ptuj." in newcomer.get(f"/board/posts/{post_id}").get_data(as_text=True)
    moderator = client_for(app, trusted["admin"])
    reply_id = int(
        re.search(r'id="reply-(\d+)"', moderator.get(f"/board/posts/{post_id}").get_data(as_text=True)).group(1)
    )
    assert post_form(moderator, f"/board/moderation/replies/{reply_id}/approve", {}).status_code == 302
    page = app.test_client().get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert "We do, in Ptuj." in page and "1 reply" in app.test_client().get("/board/").get_data(as_text=True)
    assert (
        post_form(moderator, f"/board/moderation/replies/{reply_id}/hide", {"reason": "Off topic."}).status_code == 302
    )
    assert "We do, in Ptuj." not in app.test_client().get(f"/board/posts/{post_id}").get_data(as_text=True)


def test_who_may_edit_and_delete_a_post(app, trusted, write_post):
    post_id = write_post(trusted["member"], "Our offer", country="LV")
    edit = f"/board/posts/{post_id}/edit"
    assert client_for(app, trusted["reader"]).get(edit).status_code == 403
    assert client_for(app, trusted["mod_si"]).get(edit).status_code == 403
    assert client_for(app, trusted["mod_lv"]).get(edit).status_code == 200
    assert client_for(app, trusted["admin"]).get(edit).status_code == 200
    author = client_for(app, trusted["member"])
    response = post_form(author, edit, {**NEW_POST, "title": "Our better offer"})
    assert response.status_code == 302
    assert "Our better offer" in app.test_client().get(f"/board/posts/{post_id}").get_data(as_text=True)
    other = client_for(app, trusted["reader"])
    page = other.get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert other.post(f"/board/posts/{post_id}/delete", data={"csrf_token": csrf_from(page)}).status_code == 403
    page = author.get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert author.post(f"/board/posts/{post_id}/delete", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert app.test_client().get(f"/board/posts/{post_id}").status_code == 404


def test_moderation_pages_need_a_moderator(app, people):
    assert app.test_client().get("/board/moderation/").status_code == 302  # to sign in
    assert client_for(app, people["member"]).get("/board/moderation/").status_code == 403
    assert client_for(app, people["mod_lv"]).get("/board/moderation/").status_code == 200
    assert client_for(app, people["admin"]).get("/board/moderation/log").status_code == 200


def test_event_posts_need_date_time_and_place(app, trusted):
    member = client_for(app, trusted["member"])
    response = post_form(member, "/board/posts/new", {**NEW_POST, "kind": "event"})
    assert response.status_code == 400 and "An event needs a date." in response.get_data(as_text=True)
    assert 'value="Handmade soap from our workshop"' in response.get_data(as_text=True)  # input kept
    response = post_form(
        member,
        "/board/posts/new",
        {
            **NEW_POST,
            "kind": "event",
            "event_date": "2031-05-14",
            "event_start": "10:00",
            "event_end": "09:00",
            "event_place": "Riga",
        },
    )
    assert "The event must end after it starts." in response.get_data(as_text=True)
    ok = post_form(
        member,
        "/board/posts/new",
        {**NEW_POST, "kind": "event", "event_date": "2031-05-14", "event_start": "10:00", "event_place": "Riga"},
    )
    assert ok.status_code == 302


def test_the_honeypot_stops_simple_bots(app, trusted):
    member = client_for(app, trusted["member"])
    response = post_form(member, "/board/posts/new", {**NEW_POST, "homepage": "http://spam.example"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.title == NEW_POST["title"])) is None
    assert 'class="board-hp" aria-hidden="true"' in member.get("/board/posts/new").get_data(as_text=True)


def test_posting_is_rate_limited_per_account(app, trusted):
    member = client_for(app, trusted["member"])
    statuses = [post_form(member, "/board/posts/new", {**NEW_POST, "title": f"Post {n}"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


def test_a_bad_tag_is_refused_with_a_message(app, trusted):
    member = client_for(app, trusted["member"])
    response = post_form(member, "/board/posts/new", {**NEW_POST, "tags": "good, <bad>"})
    assert response.status_code == 400 and "is not." in response.get_data(as_text=True)


def test_a_post_page_runs_the_same_queries_whatever_its_replies(app, trusted, write_post, count_queries):
    from elearn.board import posts

    post_id = write_post(trusted["member"], "A busy thread", tags="a, b, c")
    reader = client_for(app, trusted["reader"])

    def add_replies(count: int) -> None:
        with app.app_context():
            from tests.board.conftest import user_by

            author = user_by(trusted["member"])
            post = db.session.get(Post, post_id)
            for number in range(count):
                posts.add_reply(author, post, f"Reply {number}")
            db.session.commit()  # as the requests writing them would

    add_replies(2)
    with count_queries() as few:
        assert reader.get(f"/board/posts/{post_id}").status_code == 200
    add_replies(10)
    with count_queries() as many:
        page = reader.get(f"/board/posts/{post_id}").get_data(as_text=True)
    assert page.count("<p>Reply ") == 12
    assert many.count == few.count <= 10, many.statements
