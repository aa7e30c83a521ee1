"""My posts (every state, with the moderators' reason) and the messages inbox (relayed mail kept in the platform)."""

from __future__ import annotations

import re

from elearn.board import moderation
from elearn.board.models import Post
from elearn.extensions import db
from tests.board.conftest import client_for, user_by
from tests.conftest import post_form


def test_my_posts_lists_every_state_with_the_reason_and_only_mine(app, people, write_post, count_queries):
    member = people["member"]
    waiting = write_post(member, "My first post waits", publish=False)
    published = write_post(member, "A published post")
    hidden = write_post(member, "A hidden post")
    write_post(people["newcomer"], "Someone else's post")
    with app.app_context():
        moderation.moderate(
            user_by(people["admin"]), "hide", db.session.get(Post, hidden), "Contact details in the text."
        )
        db.session.commit()
    client = client_for(app, member)
    page = client.get("/board/me/posts").get_data(as_text=True)
    assert "Someone else" not in page and "3 posts." in page
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip() for card in cards]
    assert [t.split(" Waiting")[0].split(" Published")[0].split(" Hidden")[0] for t in text] == [
        "A hidden post",
        "A published post",
        "My first post waits",
    ]
    assert "Hidden by the moderators" in text[0] and "Why: Contact details in the text." in text[0]
    assert "Published · shown until" in text[1] and "0 replies" in text[1] and "Waiting for a moderator" in text[2]
    assert f'href="/board/posts/{waiting}/edit"' in page and f'href="/board/posts/{published}/edit"' in page
    for number in range(25):
        write_post(member, f"More {number}")
    with count_queries() as short:
        client.get("/board/me/posts?page=2")
    with count_queries() as full:
        client.get("/board/me/posts")
    assert short.count == full.count, full.statements


def test_relayed_messages_and_their_answers_are_kept_in_the_inbox(app, trusted, write_post, mailbox, count_queries):
    post_id = write_post(trusted["member"], "We host work practice")
    reader = client_for(app, trusted["reader"])
    post_form(reader, f"/board/posts/{post_id}/contact", {"body": "Could we send two participants in May?"})
    author = client_for(app, trusted["member"])
    inbox = author.get("/board/me/messages").get_data(as_text=True)
    assert "From Reader" in inbox and "Could we send two participants in May?" in inbox
    assert "About We host work practice" in re.sub(r"<[^>]+>", "", inbox)
    message_url = re.search(r'href="(/board/messages/\d+)"', inbox).group(1)
    assert post_form(author, message_url, {"body": "Yes, from the 5th. Welcome!"}).status_code == 302

    thread = author.get(message_url).get_data(as_text=True)
    assert "Answers" in thread and "Yes, from the 5th. Welcome!" in thread  # the answer under the message
    sent = reader.get("/board/me/messages").get_data(as_text=True)
    assert "To Marta Member" in sent and "From Marta Member" in sent  # what they wrote, and the answer
    answer_url = re.findall(r'href="(/board/messages/\d+)"', sent)[0]
    assert "The message this answers" in reader.get(answer_url).get_data(as_text=True)
    assert trusted["member"] not in sent and trusted["reader"] not in inbox  # still no addresses
    assert (
        client_for(app, trusted["newcomer"]).get("/board/me/messages").get_data(as_text=True).count('class="card"') == 0
    )
    with count_queries() as counted:
        reader.get("/board/me/messages")
    for _ in range(3):
        post_form(reader, f"/board/posts/{post_id}/contact", {"body": "One more question about May."})
    with count_queries() as more:
        reader.get("/board/me/messages")
    assert more.count == counted.count, more.statements
