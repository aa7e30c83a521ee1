"""Header and footer parts rendered once per worker (elearn.core.fragments) still fit each reader."""

from __future__ import annotations

from tests.conftest import csrf_from, sign_in


def test_the_kept_header_follows_language_and_roles_and_keeps_per_request_parts_out(app, make_user):
    make_user("learner@example.org", language="en")
    make_user("lead@example.org", roles=("cohort_lead",), language="en")
    make_user("admin@example.org", roles=("admin",), language="lv")
    anonymous, learner, lead, admin = (app.test_client() for _ in range(4))
    sign_in(learner, "learner@example.org")
    sign_in(lead, "lead@example.org")
    sign_in(admin, "admin@example.org")
    pages = {}
    for _round in range(2):  # the second round is served from what the first kept
        for name, client in {"anonymous": anonymous, "learner": learner, "lead": lead, "admin": admin}.items():
            pages[name] = client.get("/courses/?variant=x&q=<b>").get_data(as_text=True)
    assert 'href="/login"' in pages["anonymous"] and "Sign out" not in pages["anonymous"]
    assert "Sign out" in pages["learner"] and 'href="/cohorts/"' not in pages["learner"]
    assert 'href="/cohorts/"' in pages["lead"] and 'href="/admin/users/"' not in pages["lead"]
    assert 'href="/admin/users/"' in pages["admin"] and '<html lang="lv">' in pages["admin"]
    assert "Kursi" in pages["admin"] and ">Courses<" in pages["learner"]  # the nav in each one's language
    assert csrf_from(pages["learner"]) != csrf_from(pages["lead"])  # the sign-out token is each session's own
    for page in pages.values():  # the query string is kept for the language menu, escaped, every time
        assert '<input type="hidden" name="variant" value="x">' in page
        assert 'name="q" value="&lt;b&gt;"' in page
