"""Contacting an author through the relay, and the mailed digest of saved filters with its unsubscribe link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from elearn.board import saved_filters
from elearn.board import views as board_views
from elearn.board.filters import BoardFilter
from elearn.board.models import ContactMessage, SavedFilter
from elearn.core import mail, outbox
from elearn.core.models import utcnow
from elearn.core.outbox import OutgoingMail
from elearn.extensions import db
from tests.board.conftest import client_for, user_by
from tests.conftest import csrf_from, post_form


def test_contact_the_author_without_exposing_addresses(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "We host work practice", country="LV")
    reader = client_for(app, trusted["reader"])
    for url in (f"/board/posts/{post_id}", "/board/", f"/board/posts/{post_id}/contact", "/board/feed.atom"):
        for client in (reader, app.test_client()):
            assert trusted["member"] not in client.get(url).get_data(as_text=True)
    assert app.test_client().get(f"/board/posts/{post_id}/contact").status_code == 302  # sign in first

    response = post_form(reader, f"/board/posts/{post_id}/contact", {"body": "Could we send two participants in May?"})
    assert response.status_code == 302
    mail = mailbox.last_to(trusted["member"])
    assert "Could we send two participants in May?" in mail.get_body(("plain",)).get_content()
    assert mail["Reply-To"] is None and trusted["reader"] not in mail.as_string()
    answer_url = re.search(r"http://localhost(/board/messages/\d+)", mail.get_body(("plain",)).get_content()).group(1)

    author = client_for(app, trusted["member"])
    assert trusted["reader"] not in author.get(answer_url).get_data(as_text=True)
    assert client_for(app, trusted["newcomer"]).get(answer_url).status_code == 404  # not theirs
    assert post_form(author, answer_url, {"body": "Yes, from the 5th. Welcome!"}).status_code == 302
    back = mailbox.last_to(trusted["reader"])
    assert "Yes, from the 5th." in back.get_body(("plain",)).get_content()
    assert trusted["member"] not in back.as_string()

    # with consent, the sender's address becomes the Reply-To, and only then
    post_form(reader, f"/board/posts/{post_id}/contact", {"body": "Here is my address too.", "share_email": "y"})
    assert trusted["reader"] in mailbox.last_to(trusted["member"])["Reply-To"]


def test_contacting_is_rate_limited(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "We host work practice", country="LV")
    reader = client_for(app, trusted["reader"])
    statuses = [
        post_form(reader, f"/board/posts/{post_id}/contact", {"body": f"Message number {n}."}).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_digest_of_a_saved_filter_and_one_click_unsubscribe(app, trusted, write_post, mailbox, runner):
    reader = client_for(app, trusted["reader"])
    response = post_form(
        reader,
        "/board/me/filters",
        {"name": "Slovenian jobs", "frequency": "daily", "query": "country=SI&kind=job"},
        page_url="/board/",
    )
    assert response.status_code == 302
    assert "Slovenian jobs" in reader.get("/board/me/filters").get_data(as_text=True)
    with app.app_context():  # the filter was saved a day ago
        saved = db.session.scalar(select(SavedFilter))
        assert saved.query == "kind=job&country=SI"
        saved.last_sent_at = utcnow() - timedelta(days=1)
        db.session.commit()
    write_post(trusted["member"], "Work practice in Ptuj", country="SI", kind="job")
    write_post(trusted["member"], "An offer in Ptuj", country="SI", kind="offer")
    write_post(trusted["member"], "A job in Riga", country="LV", kind="job")

    result = runner.invoke(args=["board", "digest", "--url", "http://localhost"])
    assert result.exit_code == 0 and "Sent 1 digest(s)." in result.output
    mail = mailbox.last_to(trusted["reader"])
    text = mail.get_body(("plain",)).get_content()
    assert "Work practice in Ptuj" in text and "An offer in Ptuj" not in text and "A job in Riga" not in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.match(r"<(.+)>", mail["List-Unsubscribe"]).group(1)
    assert link in text
    # nothing new, not due
    assert "Sent 0 digest(s)." in runner.invoke(args=["board", "digest", "--url", "http://localhost"]).output

    anonymous = app.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Slovenian jobs" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SavedFilter.frequency)) == "daily"  # GET changes nothing
    one_click = anonymous.post(link, data={"List-Unsubscribe": "One-Click"})  # as a mail program does: no CSRF
    assert one_click.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(SavedFilter.frequency)) == "off"
    assert anonymous.get(link.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404
    assert anonymous.post(link[:-3] + "abc").status_code == 404


def test_saved_filters_belong_to_their_owner(app, trusted):
    reader = client_for(app, trusted["reader"])
    post_form(
        reader, "/board/me/filters", {"name": "Mine", "frequency": "weekly", "query": "q=reuse"}, page_url="/board/"
    )
    with app.app_context():
        filter_id = db.session.scalar(select(SavedFilter.id))
    other = client_for(app, trusted["member"])
    page = other.get("/board/me/filters").get_data(as_text=True)
    assert "Mine" not in page
    token = csrf_from(other.get("/board/").get_data(as_text=True))
    assert other.post(f"/board/me/filters/{filter_id}/delete", data={"csrf_token": token}).status_code == 404
    assert (
        post_form(reader, f"/board/me/filters/{filter_id}/delete", {}, page_url="/board/me/filters").status_code == 302
    )


def test_no_mail_leaves_when_the_request_fails_after_the_relay(app, trusted, write_post, mailbox, monkeypatch):
    post_id = write_post(trusted["member"], "We host work practice", country="LV")
    reader = client_for(app, trusted["reader"])
    page = reader.get(f"/board/posts/{post_id}/contact").get_data(as_text=True)

    def failing_flash(*_args, **_kwargs):
        raise RuntimeError("the view fails after the message was written")

    monkeypatch.setattr(board_views, "flash", failing_flash)
    with pytest.raises(RuntimeError, match="after the message was written"):
        reader.post(
            f"/board/posts/{post_id}/contact",
            data={"csrf_token": csrf_from(page), "body": "Could we send two participants in May?"},
        )
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 0

    monkeypatch.undo()  # the same request, succeeding: one message, one mail
    response = post_form(reader, f"/board/posts/{post_id}/contact", {"body": "Could we send two participants?"})
    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == [trusted["member"]]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1


def test_a_failing_digest_keeps_its_filter_due_and_the_others_go(
    app, trusted, write_post, mailbox, runner, monkeypatch
):
    with app.app_context():
        for role in ("reader", "newcomer"):
            saved = saved_filters.save_filter(user_by(trusted[role]), role, BoardFilter.from_args({}), "daily")
            saved.last_sent_at = utcnow() - timedelta(days=1)
        db.session.commit()
    write_post(trusted["member"], "Work practice in Ptuj", country="SI", kind="job")

    composed = mail.compose

    def failing(to, *args, **kwargs):
        if to == trusted["reader"]:
            raise RuntimeError("a template failed")
        return composed(to, *args, **kwargs)

    monkeypatch.setattr(mail, "compose", failing)
    result = runner.invoke(args=["board", "digest", "--url", "http://localhost"])
    assert result.exit_code == 1 and "Sent 1 digest(s)." in result.output and "1 digest(s) failed" in result.output
    assert [m["To"] for m in mailbox.messages] == [trusted["newcomer"]]
    with app.app_context():
        sent = dict(db.session.execute(select(SavedFilter.name, SavedFilter.last_sent_at)).all())
        assert sent["newcomer"] > sent["reader"]  # the newcomer's window moved on, the reader's did not

    monkeypatch.undo()  # the next run sends the reader the digest they missed, and nothing twice
    result = runner.invoke(args=["board", "digest", "--url", "http://localhost"])
    assert result.exit_code == 0 and "Sent 1 digest(s)." in result.output
    assert [m["To"] for m in mailbox.messages] == [trusted["newcomer"], trusted["reader"]]
    assert "Work practice in Ptuj" in mailbox.last_to(trusted["reader"]).get_body(("plain",)).get_content()


def test_a_digest_the_mail_server_turns_away_for_a_while_arrives_once(app, trusted, write_post, mailbox, runner):
    """The digest and its filter's new window commit together; the outbox retries the mail."""
    with app.app_context():
        saved = saved_filters.save_filter(user_by(trusted["reader"]), "reader", BoardFilter.from_args({}), "daily")
        saved.last_sent_at = utcnow() - timedelta(days=1)
        db.session.commit()
    write_post(trusted["member"], "Work practice in Ptuj", country="SI", kind="job")

    async def busy(_server, _session, _envelope, address, _options):
        return "451 try again later"

    mailbox.handle_RCPT = busy
    result = runner.invoke(args=["board", "digest", "--url", "http://localhost"])
    assert result.exit_code == 0 and "Sent 1 digest(s)." in result.output
    assert mailbox.messages == []
    with app.app_context():
        queued = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "digest"))
        assert (queued.status, queued.attempts, queued.recipient) == ("queued", 1, trusted["reader"])
        assert "451" in queued.last_error

    del mailbox.handle_RCPT
    assert "Sent 0 digest(s)." in runner.invoke(args=["board", "digest", "--url", "http://localhost"]).output
    with time_machine.travel(utcnow() + timedelta(minutes=2)), app.app_context():
        assert outbox.retry_due() == 1
        db.session.commit()
    assert [m["To"] for m in mailbox.messages] == [trusted["reader"]]
    assert "Work practice in Ptuj" in mailbox.last_to(trusted["reader"]).get_body(("plain",)).get_content()


def test_the_daily_digest_job_mails_what_the_command_would(app, trusted, write_post, mailbox, runner):
    """The worker's scheduler runs the digests (elearn.board.tasks); links use ELEARN_BASE_URL."""
    app.config["BASE_URL"] = "https://learn.example.org"
    with app.app_context():
        saved = saved_filters.save_filter(user_by(trusted["reader"]), "reader", BoardFilter.from_args({}), "daily")
        saved.last_sent_at = utcnow() - timedelta(days=1)
        db.session.commit()
    write_post(trusted["member"], "Work practice in Ptuj", country="SI", kind="job")
    result = runner.invoke(args=["jobs", "run", "send_digests"])
    assert result.exit_code == 0 and "send_digests: (1, 0)" in result.output
    body = mailbox.last_to(trusted["reader"]).get_body(("plain",)).get_content()
    assert "Work practice in Ptuj" in body and "https://learn.example.org/board/" in body
    assert "send_digests: (0, 0)" in runner.invoke(args=["jobs", "run", "send_digests"]).output  # sent once
