"""Several app instances (gunicorn workers, machines) share Redis: the cache, and sign-outs.

The cache holds certificate PDFs (~80 ms to render, well under 1 ms from Redis). Sign-in
sessions are rows in the database every instance shares (elearn/auth/sessions.py), so
signing out on one instance signs out on all of them; Redis holds no session state.
"""

from __future__ import annotations

import logging

import pytest
import redis

from elearn import create_app
from elearn.certificates import pdf as certificate_pdf
from elearn.config import cache_settings, rate_limit_settings
from elearn.extensions import db
from tests.conftest import post_form, sign_in
from tests.deploy.conftest import REDIS_TEST_URL

# the instances' own connections read what the tests commit
pytestmark = pytest.mark.real_commits


@pytest.fixture
def instances(app, redis_prefix, signing_key_pem):
    """Two app instances on the test database, sharing Redis for the cache and rate limits."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SIGNING_KEY": signing_key_pem,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_TEST_URL,
        **rate_limit_settings(REDIS_TEST_URL),
        "RATELIMIT_KEY_PREFIX": redis_prefix + "limits",
        **cache_settings(REDIS_TEST_URL),
        "CACHE_KEY_PREFIX": redis_prefix,
    }
    made = [create_app(config), create_app(config)]
    yield made
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


@pytest.fixture
def renders(monkeypatch):
    """How many certificate PDFs were really rendered."""
    calls = []
    real = certificate_pdf.render_pdf

    def counting(text):
        calls.append(text.certificate_id)
        return real(text)

    monkeypatch.setattr(certificate_pdf, "render_pdf", counting)
    return calls


def test_a_pdf_rendered_by_one_instance_is_served_from_redis_by_the_other(instances, completed, renders, redis_prefix):
    first, second = (instance.test_client() for instance in instances)
    made = first.get(f"/certificates/{completed}.pdf")
    assert made.status_code == 200 and renders == [completed]
    keys = [key.decode() for key in redis.Redis.from_url(REDIS_TEST_URL).scan_iter(match=f"{redis_prefix}*")]
    assert [key for key in keys if key.startswith(f"{redis_prefix}certificate-pdf:")], keys
    served = second.get(f"/certificates/{completed}.pdf")
    assert served.status_code == 200 and served.data == made.data
    assert renders == [completed]  # the second instance did not render it again


def test_a_changed_certificate_is_a_new_cache_entry(instances, completed, renders):
    from elearn.certificates.models import Certificate

    client = instances[0].test_client()
    client.get(f"/certificates/{completed}.pdf")
    with instances[1].app_context():  # e.g. the learner's name corrected by an admin
        db.session.get(Certificate, completed).learner_name = "Jānis Ozols"
        db.session.commit()
    changed = instances[1].test_client().get(f"/certificates/{completed}.pdf")
    assert renders == [completed, completed] and changed.status_code == 200


def test_without_redis_the_pdf_is_still_served(app, completed, renders, signing_key_pem, caplog):
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SIGNING_KEY": signing_key_pem,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            **cache_settings("redis://127.0.0.1:1/0"),  # nothing listens
        }
    )
    with caplog.at_level(logging.WARNING, logger="elearn.core.cache"):
        response = broken.test_client().get(f"/certificates/{completed}.pdf")
        again = broken.test_client().get(f"/certificates/{completed}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF") and again.data == response.data
    assert renders == [completed, completed]  # nothing was kept: no cache, not an error
    lines = [r.getMessage() for r in caplog.records if r.name == "elearn.core.cache"]
    assert len(lines) == 1 and lines[0].startswith("cache unavailable"), lines  # one line, not one per call
    with broken.app_context():
        db.engine.dispose()


def test_without_redis_url_the_cache_is_per_process(app):
    assert app.config["CACHE_TYPE"] == "SimpleCache" and not app.config.get("REDIS_URL")


def test_signing_out_on_one_instance_signs_out_on_the_other(instances, make_user):
    make_user("ana@example.org")
    first, second = (instance.test_client() for instance in instances)
    sign_in(first, "ana@example.org")
    cookie = first.get_cookie("session")
    second.set_cookie("session", cookie.value)  # the browser's next request lands on the other worker
    assert second.get("/me/profile").status_code == 200
    post_form(first, "/logout", page_url="/me/profile")
    response = second.get("/me/profile")  # the same, now stale, cookie
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_rate_limits_count_across_instances(instances, make_user):
    make_user("bo@example.org")
    clients = [instance.test_client() for instance in instances]
    statuses = [
        post_form(clients[i % 2], "/login", {"email": "bo@example.org", "password": "wrong"}).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
