"""The signed-in user is made from one Core statement (auth.sessions.load_user), yet behaves as an ORM-loaded one."""

from __future__ import annotations

from sqlalchemy import inspect, select

from elearn.auth.models import User
from elearn.auth.sessions import load_user
from elearn.extensions import db
from tests.conftest import sign_in


def _token(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def test_the_loaded_user_has_every_column_and_grant_and_its_changes_are_saved(app, make_user, count_queries):
    user_id = make_user("lead@example.org", roles=("cohort_lead", "trainer"), language="lv", country="LT")
    client = app.test_client()
    sign_in(client, "lead@example.org")
    token = _token(client)
    with app.test_request_context("/"):
        expected = db.session.get(User, user_id)
        columns = {c.key: getattr(expected, c.key) for c in User.__table__.c}
        db.session.expunge_all()
        with count_queries() as counter:
            user = load_user(token)
            assert {c.key: getattr(user, c.key) for c in User.__table__.c} == columns
            assert user.roles == {"learner", "cohort_lead", "trainer"}
            assert all(grant.user is user for grant in user.grants)
        assert counter.count == 1  # nothing loaded again afterwards
        state = inspect(user)
        assert state.persistent and not state.expired_attributes and user not in db.session.dirty
        user.name = "Renamed"
        db.session.commit()
    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.id == user_id)) == "Renamed"


def test_a_user_already_in_the_session_is_the_one_returned(app, make_user):
    user_id = make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    token = _token(client)
    with app.test_request_context("/"):
        already = db.session.get(User, user_id)
        assert load_user(token) is already
        assert load_user("no such token") is None
