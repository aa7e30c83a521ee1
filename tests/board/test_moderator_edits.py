"""A moderator's edit of someone else's post needs a reason and is written to the audit log, like hiding."""

from __future__ import annotations

from sqlalchemy import select

from elearn.board.models import ModerationAction, Post
from elearn.extensions import db
from tests.board.conftest import client_for
from tests.board.test_moderation import NEW_POST
from tests.conftest import post_form


def log_entries(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)).all()
        return [(row.action, row.title, row.reason) for row in rows]


def title_of(app, post_id: int) -> str:
    with app.app_context():
        return db.session.get(Post, post_id).title


def test_a_moderator_says_why_they_edit_someone_elses_post(app, trusted, write_post):
    post_id = write_post(trusted["member"], "Call 20000000 for cheap soap", country="LV")
    edit = f"/board/posts/{post_id}/edit"
    moderator = client_for(app, trusted["mod_lv"])
    assert 'name="edit_reason"' in moderator.get(edit).get_data(as_text=True)

    refused = post_form(moderator, edit, {**NEW_POST, "title": "Cheap soap"})
    assert refused.status_code == 400
    assert "Say why you change someone else&#39;s post." in refused.get_data(as_text=True)
    assert title_of(app, post_id) == "Call 20000000 for cheap soap" and log_entries(app) == []

    saved = post_form(moderator, edit, {**NEW_POST, "title": "Cheap soap", "edit_reason": "  Removed a phone number. "})
    assert saved.status_code == 302
    assert title_of(app, post_id) == "Cheap soap"
    assert log_entries(app) == [("edit", "Cheap soap", "Removed a phone number.")]
    with app.app_context():
        entry = db.session.scalar(select(ModerationAction))
        assert (entry.target, entry.post_id, entry.country, entry.actor.email) == (
            "post",
            post_id,
            "LV",
            trusted["mod_lv"],
        )

    page = client_for(app, trusted["admin"]).get("/board/moderation/log").get_data(as_text=True)
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "edited" in row and "Cheap soap" in row and "Removed a phone number." in row


def test_authors_edit_their_own_posts_without_a_reason_or_a_log_entry(app, trusted, write_post):
    post_id = write_post(trusted["mod_lv"], "A moderator's own offer", country="LV")
    edit = f"/board/posts/{post_id}/edit"
    author = client_for(app, trusted["mod_lv"])
    assert 'name="edit_reason"' not in author.get(edit).get_data(as_text=True)
    assert post_form(author, edit, {**NEW_POST, "title": "A better offer"}).status_code == 302
    assert title_of(app, post_id) == "A better offer" and log_entries(app) == []
