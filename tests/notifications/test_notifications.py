"""Notifications through the real database and SMTP server: the list, read state, each person's
choice (mail at once, daily digest, no mail), the daily digest job, one-click unsubscribe (RFC 8058),
the fixed SQL of the pages and the header, and the person's data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.core import jobs, transaction
from elearn.extensions import db
from elearn.notifications import services
from elearn.notifications.models import Notification, NotificationSetting
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import PASSWORD

KIND = "board.post_hidden"  # a kind everyone sees on their settings page
FIELD = "kind_board__post_hidden"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def notify(app):
    """notify(email, …, n=1, title=…): n notifications of KIND for each person, as a request would commit them."""

    def send(*emails: str, n: int = 1, title: str = "Cheap loans", kind: str = KIND) -> None:
        with app.test_request_context("/"):
            for number in range(n):
                services.notify(
                    kind,
                    [_user(email) for email in emails],
                    {"title": f"{title} {number}" if n > 1 else title, "url": "/board/posts/1", "detail": "Spam."},
                )
            transaction.commit()  # as the request would: the mails leave after it

    return send


def _client(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def _unread(page: str) -> int:
    match = re.search(r'Notifications <span class="count">([\d+]+)</span>', page)
    return int(match.group(1).rstrip("+")) if match else 0


def _to(mailbox, email: str) -> list:
    return [message for message in mailbox.messages if email in message["To"]]


def _choose(client, choice: str):
    page = client.get("/notifications/settings").get_data(as_text=True)
    chosen = dict(re.findall(r'<input checked id="[^"]+" name="(kind_\w+)" required type="radio" value="(\w+)"', page))
    return client.post("/notifications/settings", data={**chosen, FIELD: choice, "csrf_token": csrf_from(page)})


def _digest(app) -> tuple[int, int]:
    with app.app_context():
        return jobs.PERIODIC["send_notification_digests"]()


def test_each_person_chooses_mail_at_once_a_daily_digest_or_no_mail(app, make_user, notify, mailbox):
    for name in ("ana", "ben", "cai"):
        make_user(f"{name}@example.org")
    ben, cai = _client(app, "ben@example.org"), _client(app, "cai@example.org")
    assert _choose(ben, "daily").status_code == 302
    assert _choose(cai, "off").status_code == 302
    assert f'<input checked id="{FIELD}-1"' in ben.get("/notifications/settings").get_data(as_text=True)

    notify("ana@example.org", "ben@example.org", "cai@example.org", title="Cheap loans")
    assert [m["Subject"] for m in mailbox.messages] == ["The moderators hid your post “Cheap loans”"]
    assert "ana@example.org" in mailbox.messages[0]["To"]
    for client in (ben, cai, _client(app, "ana@example.org")):  # every choice keeps the list
        assert "The moderators hid your post “Cheap loans”" in client.get("/notifications/").get_data(as_text=True)

    notify("ben@example.org", title="A second post")
    assert _digest(app) == (1, 0)
    digest = _to(mailbox, "ben@example.org")
    assert len(digest) == 1 and digest[0]["Subject"] == "Your notifications of the day"
    body = digest[0].get_body(("plain",)).get_content()
    assert "2 notifications of the day:" in body
    assert "The moderators hid your post “Cheap loans”" in body and "“A second post”" in body
    assert "Reason: Spam." in body and "http://127.0.0.1:5000/board/posts/1" in body
    assert _digest(app) == (0, 0)  # each notification goes into one digest
    assert not _to(mailbox, "cai@example.org")

    link = re.fullmatch(r"<(\S+)>", digest[0]["List-Unsubscribe"]).group(1)
    anonymous = app.test_client()
    path = link.removeprefix("http://127.0.0.1:5000")
    response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no daily digest any more" in response.get_data(as_text=True)
    with app.app_context():
        assert services.choices_of(_user("ben@example.org"))[KIND] == "off"


def test_one_click_unsubscribe_for_one_kind_without_signing_in(app, make_user, notify, mailbox):
    make_user("ana@example.org")
    notify("ana@example.org")
    message = _to(mailbox, "ana@example.org")[0]
    link = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_body(("plain",)).get_content()
    path = link.removeprefix("http://localhost")
    anonymous = app.test_client()

    page = anonymous.get(path)
    assert page.status_code == 200 and "The moderators hide my post or reply" in page.get_data(as_text=True)
    with app.app_context():  # opening the link changes nothing: only the POST does (mail scanners open links)
        assert services.choices_of(_user("ana@example.org"))[KIND] == "mail"
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert services.choices_of(_user("ana@example.org"))[KIND] == "off"
    notify("ana@example.org")
    assert len(_to(mailbox, "ana@example.org")) == 1

    forged = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert anonymous.post(forged).status_code == 404
    assert anonymous.get("/notifications/unsubscribe/not-a-token").status_code == 404


def test_settings_show_moderators_kinds_to_moderators_only_and_refuse_a_bad_choice(app, make_user):
    make_user("ana@example.org")
    make_user("mod@example.org", roles=("admin",))
    learner = _client(app, "ana@example.org").get("/notifications/settings").get_data(as_text=True)
    moderator = _client(app, "mod@example.org").get("/notifications/settings").get_data(as_text=True)
    assert "Someone reports a post or a reply (moderators)" in moderator
    assert "Someone reports a post or a reply" not in learner and "Someone replies to my post" in learner

    client = _client(app, "ana@example.org")
    response = _choose(client, "weekly")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationSetting)) == 0


def test_marking_all_read_and_the_header_count(app, make_user, notify):
    make_user("ana@example.org")
    notify("ana@example.org", n=3)
    client = _client(app, "ana@example.org")
    page = client.get("/courses/").get_data(as_text=True)
    assert _unread(page) == 3 and "(3 unread)" in page
    assert client.post("/notifications/read").status_code == 400  # no CSRF token
    response = post_form(client, "/notifications/read", page_url="/notifications/")
    assert response.status_code == 302
    assert _unread(client.get("/notifications/").get_data(as_text=True)) == 0
    notify("ana@example.org", n=120)
    assert _unread(client.get("/courses/").get_data(as_text=True)) == 99  # shown as 99+
    assert '<span class="count">99+</span>' in client.get("/courses/").get_data(as_text=True)


def test_the_list_is_paginated_newest_first(app, make_user, notify):
    make_user("ana@example.org")
    notify("ana@example.org", n=services.PER_PAGE + 5, title="Post")
    client = _client(app, "ana@example.org")
    first = client.get("/notifications/").get_data(as_text=True)
    assert f"“Post {services.PER_PAGE + 4}”" in first and "“Post 0”" not in first
    assert "Page 1 of 2" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert second.count('class="card unread"') == 5 and "“Post 0”" in second


def test_the_list_and_the_header_run_a_fixed_number_of_statements(app, make_user, notify, count_queries):
    make_user("ana@example.org")
    client = _client(app, "ana@example.org")
    client.get("/courses/")
    with count_queries() as none:
        client.get("/courses/")
    notify("ana@example.org", n=3)
    with count_queries() as few:
        assert client.get("/notifications/").status_code == 200
    with count_queries() as some:
        assert _unread(client.get("/courses/").get_data(as_text=True)) == 3
    assert some.count == none.count  # the unread count comes with the signed-in user's one statement
    notify("ana@example.org", n=25)
    with count_queries() as many:
        page = client.get("/notifications/").get_data(as_text=True)
    assert page.count('<li class="card unread">') == 28
    assert many.count == few.count <= 4, many.statements
    with count_queries() as settings:
        assert client.get("/notifications/settings").status_code == 200
    assert settings.count <= 2, settings.statements  # the user, their choices


def test_the_persons_notifications_are_in_their_data_and_go_with_the_account(app, make_user, notify):
    make_user("ana@example.org")
    notify("ana@example.org", title="Cheap loans")
    client = _client(app, "ana@example.org")
    _choose(client, "daily")
    exported = post_form(client, "/me/data", page_url="/me/profile")
    data = json.loads(exported.get_data(as_text=True))["notifications"]
    assert data["mail_settings"][KIND] == "daily"
    [notification] = data["notifications"]
    assert notification["text"] == "The moderators hid your post “Cheap loans”" and notification["read_at"] is None
    response = post_form(client, "/me/delete", {"password": PASSWORD}, page_url="/me/profile")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert db.session.scalar(select(func.count()).select_from(NotificationSetting)) == 0


def test_an_unknown_kind_is_refused(app, make_user):
    make_user("ana@example.org")
    with app.test_request_context("/"), pytest.raises(LookupError):
        services.notify("board.no_such_kind", [_user("ana@example.org")], {})
