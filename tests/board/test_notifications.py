"""Who hears about what on the board (elearn.board.notices → elearn.notifications), and moderation that flows.

Each rule through the requests people make, the real database and the real SMTP server:
moderators of the country hear of declarations, reports and held posts; authors hear that
theirs is published, hidden (with the reason) or replied to; approving an organisation
releases its members' first posts; a hidden post its author edits goes back to review.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.board.models import ModerationAction, Post, Reply
from elearn.extensions import db
from elearn.notifications.models import Notification
from tests.board.conftest import client_for, user_by
from tests.board.test_moderation import NEW_POST, post_id_from
from tests.board.test_organisations import DECLARATION
from tests.conftest import post_form


def _mailed_to(mailbox, email: str) -> list:
    return [message for message in mailbox.messages if email in message["To"]]


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def _unread(page: str) -> int:
    """The unread count the page header shows next to "Notifications" (0 when it shows none)."""
    match = re.search(r'Notifications <span class="count">(\d+)</span>', page)
    return int(match.group(1)) if match else 0


def _kinds(app, email: str) -> list[str]:
    with app.app_context():
        user = user_by(email)
        return list(
            db.session.scalars(
                select(Notification.kind).where(Notification.recipient_id == user.id).order_by(Notification.id)
            )
        )


def test_a_first_post_tells_the_moderators_of_its_country_in_the_header_list_and_mail(app, people, mailbox):
    newcomer = client_for(app, people["newcomer"])
    latvian, slovenian, admin = (client_for(app, people[key]) for key in ("mod_lv", "mod_si", "admin"))
    assert _unread(latvian.get("/board/").get_data(as_text=True)) == 0

    post_id = post_id_from(post_form(newcomer, "/board/posts/new", NEW_POST))

    message = _mailed_to(mailbox, people["mod_lv"])[0]
    assert message["Subject"] == "“Handmade soap from our workshop” waits for your approval"
    assert f"http://localhost/board/posts/{post_id}" in _body(message)
    unsubscribe = re.fullmatch(r"<(http://localhost/notifications/unsubscribe/\S+)>", message["List-Unsubscribe"])
    assert unsubscribe and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in _body(message)
    assert _mailed_to(mailbox, people["admin"])  # admins moderate every country
    assert not _mailed_to(mailbox, people["mod_si"]) and not _mailed_to(mailbox, people["newcomer"])
    assert _kinds(app, people["mod_si"]) == []

    page = latvian.get("/board/").get_data(as_text=True)
    assert _unread(page) == 1
    listed = latvian.get("/notifications/").get_data(as_text=True)
    assert f'<a href="/board/posts/{post_id}">“Handmade soap from our workshop” waits for your approval</a>' in listed
    assert _unread(slovenian.get("/board/").get_data(as_text=True)) == 0
    with app.app_context():
        notification_id = db.session.scalar(
            select(Notification.id).where(Notification.recipient_id == user_by(people["mod_lv"]).id)
        )
    assert latvian.post(f"/notifications/{notification_id}/read").status_code == 400  # no CSRF token
    assert post_form(admin, f"/notifications/{notification_id}/read", page_url="/notifications/").status_code == 404
    response = post_form(latvian, f"/notifications/{notification_id}/read", page_url="/notifications/")
    assert response.status_code == 302
    assert _unread(latvian.get("/notifications/").get_data(as_text=True)) == 0
    assert _unread(admin.get("/notifications/").get_data(as_text=True)) == 1


def test_declaration_to_moderators_then_approval_releases_the_members_first_post(app, people, mailbox):
    founder = client_for(app, people["newcomer"])
    slovenian = client_for(app, people["mod_si"])
    client_for(app, people["mod_lv"])
    held = post_id_from(post_form(founder, "/board/posts/new", {**NEW_POST, "country": "SI"}))
    profile = post_form(founder, "/board/organisations/join", DECLARATION).headers["Location"]

    assert _kinds(app, people["mod_si"]) == ["board.post_held", "board.declaration_submitted"]
    assert _kinds(app, people["mod_lv"]) == []  # the organisation and the post are Slovenian
    mail = _mailed_to(mailbox, people["mod_si"])[-1]
    assert mail["Subject"] == "EKO Prlekija d.o.o., so.p. asks to join the network"
    listed = slovenian.get("/notifications/").get_data(as_text=True)
    review = re.search(r'<a href="(/board/moderation/organisations/\d+)">EKO Prlekija', listed).group(1)

    form = slovenian.get(review).get_data(as_text=True)
    assert "Message to the organisation" in form and "hiding" not in form
    assert re.search(r'<input class="secondary" id="reject" name="reject" type="submit" value="Decline">', form)
    assert post_form(slovenian, review, {"approve": "Approve", "reason": ""}).status_code == 302

    assert founder.get(profile).status_code == 200
    assert app.test_client().get(f"/board/posts/{held}").status_code == 200  # released with the approval
    assert _kinds(app, people["newcomer"]) == ["board.post_approved"]
    assert "Your post “Handmade soap from our workshop” is published" in {m["Subject"] for m in mailbox.messages}
    with app.app_context():
        acts = db.session.execute(select(ModerationAction.action, ModerationAction.target)).all()
    assert ("approve", "organisation") in acts and ("approve", "post") in acts
    # trusted now: the next post publishes at once, and no moderator hears of it
    post_id_from(post_form(founder, "/board/posts/new", {**NEW_POST, "title": "More soap", "country": "SI"}))
    assert _kinds(app, people["mod_si"]) == ["board.post_held", "board.declaration_submitted"]


def test_report_to_moderators_then_hiding_tells_the_author_why_and_the_reporter_sees_it_hidden(
    app, trusted, write_post, mailbox
):
    post_id = write_post(trusted["member"], "Cheap loans, guaranteed!!!")
    reader = client_for(app, trusted["reader"])
    latvian = client_for(app, trusted["mod_lv"])
    post_form(reader, f"/board/posts/{post_id}/report", {"reason": "Looks like a scam."})

    mail = _mailed_to(mailbox, trusted["mod_lv"])[-1]
    assert mail["Subject"] == "A report on “Cheap loans, guaranteed!!!”"
    assert "Reason: Looks like a scam." in _body(mail) and "http://localhost/board/moderation/" in _body(mail)
    assert "Reader" not in _body(mail)  # the notification names no one

    queue = latvian.get("/board/moderation/").get_data(as_text=True)
    assert re.search(r"Reported by Reader on \w", queue)
    hide = re.search(r'<a class="button" href="([^"]+/hide[^"]*)">Hide</a>', queue).group(1).replace("&amp;", "&")
    assert '<button type="submit" class="secondary">Dismiss the report</button>' in queue
    assert "Shown to the author, and kept in the audit log." in latvian.get(hide).get_data(as_text=True)
    assert post_form(latvian, hide, {"reason": "Unlicensed lending."}).status_code == 302

    mail = _mailed_to(mailbox, trusted["member"])[-1]
    assert mail["Subject"] == "The moderators hid your post “Cheap loans, guaranteed!!!”"
    assert "Reason: Unlicensed lending." in _body(mail)
    hidden = reader.get(f"/board/posts/{post_id}")
    assert hidden.status_code == 200 and "Hidden by the moderators" in hidden.get_data(as_text=True)
    assert "Unlicensed lending" not in hidden.get_data(as_text=True)  # the reason is the author's
    assert app.test_client().get(f"/board/posts/{post_id}").status_code == 404
    assert client_for(app, trusted["newcomer"]).get(f"/board/posts/{post_id}").status_code == 404


def test_an_authors_edit_of_a_hidden_post_goes_back_to_review(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "Cheap loans")
    latvian = client_for(app, trusted["mod_lv"])
    post_form(latvian, f"/board/moderation/posts/{post_id}/hide", {"reason": "Unlicensed lending."})
    author = client_for(app, trusted["member"])
    edited = {**NEW_POST, "title": "Microloans from a licensed cooperative", "country": "LV"}
    assert post_form(author, f"/board/posts/{post_id}/edit", edited).status_code == 302

    with app.app_context():
        assert db.session.get(Post, post_id).status == "pending"
    assert _kinds(app, trusted["mod_lv"])[-1] == "board.post_held"
    assert (
        _mailed_to(mailbox, trusted["mod_lv"])[-1]["Subject"]
        == "“Microloans from a licensed cooperative”, hidden before, was edited and waits for your approval"
    )
    queue = latvian.get("/board/moderation/").get_data(as_text=True)
    assert "Hidden before for: Unlicensed lending." in queue
    form = latvian.get(f"/board/moderation/posts/{post_id}/approve").get_data(as_text=True)
    assert "Note for the audit log (optional)" in form and "hiding" not in form
    assert post_form(latvian, f"/board/moderation/posts/{post_id}/approve", {"reason": ""}).status_code == 302
    assert app.test_client().get(f"/board/posts/{post_id}").status_code == 200
    assert _kinds(app, trusted["member"])[-2:] == ["board.post_hidden", "board.post_approved"]


def test_a_reply_tells_the_posts_author_once_it_is_published(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "Looking for a partner in Ptuj")
    page = f"/board/posts/{post_id}"
    author, latvian = client_for(app, trusted["member"]), client_for(app, trusted["mod_lv"])
    post_form(author, f"{page}/replies", {"body": "More details soon."}, page_url=page)
    assert _kinds(app, trusted["member"]) == []  # not of their own reply

    newcomer = client_for(app, trusted["newcomer"])  # a first reply waits for a moderator
    post_form(newcomer, f"{page}/replies", {"body": "We are in Ptuj!"}, page_url=page)
    assert _kinds(app, trusted["member"]) == []
    assert _kinds(app, trusted["mod_lv"]) == ["board.post_held"]
    with app.app_context():
        reply_id = db.session.scalar(select(Notification.payload).where(Notification.kind == "board.post_held"))["url"]
    reply_id = int(reply_id.rsplit("-", 1)[1])
    post_form(latvian, f"/board/moderation/replies/{reply_id}/approve", {"reason": ""})

    assert _kinds(app, trusted["member"]) == ["board.reply"]
    assert _kinds(app, trusted["newcomer"]) == ["board.post_approved"]
    mail = _mailed_to(mailbox, trusted["member"])[-1]
    assert mail["Subject"] == "A new reply to your post “Looking for a partner in Ptuj”"
    assert f"http://localhost/board/posts/{post_id}#reply-{reply_id}" in _body(mail)

    post_form(newcomer, f"{page}/replies", {"body": "Trusted now: this one is published at once."}, page_url=page)
    assert _kinds(app, trusted["member"]) == ["board.reply", "board.reply"]


def test_the_report_queue_names_reporters_in_a_fixed_number_of_statements(app, trusted, write_post, count_queries):
    latvian = client_for(app, trusted["mod_lv"])
    reporters = [client_for(app, trusted[key]) for key in ("reader", "newcomer")]

    def report(count: int) -> None:
        for number in range(count):
            post_id = write_post(trusted["member"], f"Doubtful offer {number}")
            for reporter in reporters:
                post_form(reporter, f"/board/posts/{post_id}/report", {"reason": f"Spam {number}."})

    report(1)
    with count_queries() as few:
        assert latvian.get("/board/moderation/").status_code == 200
    report(6)
    with count_queries() as many:
        page = latvian.get("/board/moderation/").get_data(as_text=True)
    assert page.count("Reported by Reader on ") == 7 and page.count("Reported by Nils Newcomer on ") == 7
    assert many.count == few.count <= 8, many.statements


def test_moderators_of_a_country_are_its_partner_admins_and_every_admin(app, make_user):
    from elearn.auth.services import grant_role
    from elearn.board.permissions import moderators_of

    for email, scopes in {
        "lv@example.org": ["lv-LV"],
        "ru@example.org": ["ru-LV", "sl-SI"],
        "language@example.org": ["lv"],  # a language only: no country to moderate
        "si@example.org": ["sl-SI"],
    }.items():
        make_user(email)
        with app.app_context():
            for scope in scopes:
                grant_role(user_by(email), "partner_admin", scope, None)
            db.session.commit()
    make_user("admin@example.org", roles=("admin",))
    with app.app_context():
        assert sorted(u.email for u in moderators_of("LV")) == ["admin@example.org", "lv@example.org", "ru@example.org"]
        assert sorted(u.email for u in moderators_of("SI")) == ["admin@example.org", "ru@example.org", "si@example.org"]
        assert [u.email for u in moderators_of("EE")] == ["admin@example.org"]


def test_hiding_a_reply_tells_its_author_why(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "Looking for a partner in Ptuj")
    page = f"/board/posts/{post_id}"
    reader, moderator = client_for(app, trusted["reader"]), client_for(app, trusted["mod_lv"])
    post_form(client_for(app, trusted["member"]), f"{page}/replies", {"body": "Details soon."}, page_url=page)
    with app.app_context():
        post = db.session.get(Post, post_id)
        reply_id = max(reply.id for reply in db.session.scalars(select(Reply).where(Reply.post_id == post.id)))
    post_form(reader, f"/board/replies/{reply_id}/report", {"reason": "Off topic."})
    assert _kinds(app, trusted["mod_lv"]) == ["board.report_filed"]
    assert _mailed_to(mailbox, trusted["mod_lv"])[-1]["Subject"] == "A report on “Looking for a partner in Ptuj”"
    post_form(moderator, f"/board/moderation/replies/{reply_id}/hide", {"reason": "Off topic."})
    mail = _mailed_to(mailbox, trusted["member"])[-1]
    assert mail["Subject"] == "The moderators hid your reply to “Looking for a partner in Ptuj”"
    assert "Reason: Off topic." in _body(mail) and f"#reply-{reply_id}" in _body(mail)
