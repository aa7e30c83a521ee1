"""Search and every filter of /board/, on the database the suite runs on (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import html
import re
from datetime import date, time, timedelta

import pytest

from elearn.board import posts, reading, search
from elearn.board.filters import BoardFilter
from elearn.board.models import Organisation, OrganisationArea, Post
from elearn.extensions import db
from tests.board.conftest import user_by


def titles(client, query: str = "") -> list[str]:
    response = client.get("/board/" + query)
    assert response.status_code == 200, response.status_code
    found = re.findall(r'<h2><a href="/board/posts/\d+" lang="\w+">([^<]+)</a></h2>', response.get_data(as_text=True))
    return [html.unescape(title) for title in found]


@pytest.fixture
def corpus(app, people, write_post):
    with app.app_context():
        org = Organisation(
            slug="cpu",
            name="CPU d.o.o., so.p.",
            legal_form="social_enterprise",
            country="SI",
            status="approved",
            area_rows=[OrganisationArea(area="work_practice")],
        )
        ngo = Organisation(
            slug="sic",
            name="Sociālās inovācijas centrs",
            legal_form="ngo",
            country="LV",
            status="approved",
            area_rows=[OrganisationArea(area="eu_projects")],
        )
        db.session.add_all([org, ngo])
        db.session.commit()
        org_id, ngo_id = org.id, ngo.id
    member = people["member"]
    write_post(
        member,
        "Reuse centre hosts work practice",
        body="Repairing furniture and textiles.",
        country="SI",
        language="sl",
        tags="reuse, work-practice",
        kind="job",
        organisation_id=None,
    )
    write_post(
        member,
        "Ķekavas sociālais uzņēmums meklē partnerus",
        body="Sadarbība ar pašvaldību.",
        country="LV",
        language="lv",
        tags="partners",
        kind="partner_search",
    )
    write_post(
        member,
        "Cooperative catering offers lunches",
        body="Healthy food, cooked by our members.",
        country="PL",
        language="pl",
        kind="offer",
        tags="catering",
    )
    write_post(
        member,
        "Conference on social activation",
        body="Hidden labour market.",
        country="SI",
        language="sl",
        kind="event",
        event_date=date.today() + timedelta(days=10),
        event_start=time(9),
        event_place="Ptuj",
        tags="conference",
    )
    write_post(
        member,
        "Last year's fair",
        body="Open day of social enterprises.",
        country="SI",
        language="sl",
        kind="event",
        event_date=date.today() - timedelta(days=30),
        event_start=time(9),
        event_place="Ptuj",
    )
    with app.app_context():  # posts on behalf of organisations (set directly: memberships have their own tests)
        from elearn.board.models import Post

        for title, organisation_id in (
            ("Reuse centre hosts work practice", org_id),
            ("Ķekavas sociālais uzņēmums meklē partnerus", ngo_id),
        ):
            post = db.session.scalar(db.select(Post).where(Post.title == title))
            post.organisation_id = organisation_id
            db.session.flush()
            post.organisation = db.session.get(Organisation, organisation_id)
            posts._render_post(post)
        db.session.commit()


def test_full_text_search_finds_words_prefixes_and_folded_accents(client, corpus):
    assert titles(client, "?q=reuse") == ["Reuse centre hosts work practice"]
    assert titles(client, "?q=furnit") == ["Reuse centre hosts work practice"]  # a prefix, in the body
    assert titles(client, "?q=KEKAVAS") == ["Ķekavas sociālais uzņēmums meklē partnerus"]  # accents folded
    assert titles(client, "?q=sociālais+partnerus") == ["Ķekavas sociālais uzņēmums meklē partnerus"]
    assert titles(client, "?q=reuse+catering") == []  # every word must match
    assert titles(client, "?q=catering") == ["Cooperative catering offers lunches"]  # a tag is searched
    assert titles(client, "?q=inovacijas") == ["Ķekavas sociālais uzņēmums meklē partnerus"]  # organisation name
    assert titles(client, "?q=nothinglikethis") == []


INJECTIONS = [
    '"',
    '""',
    "'",
    'reuse"',
    "reuse AND",
    "AND",
    "OR reuse",
    "NOT",
    "NEAR(reuse catering)",
    "reuse*",
    "*",
    "(",
    "reuse)",
    "((reuse",
    "title:reuse",
    "reuse^",
    "-reuse",
    "+reuse",
    "a & b | !c",
    "reuse:*",
    "<->",
    "\\",
    "%",
    "_",
    "'; DROP TABLE board_post; --",
    "\x00",
    "🙂",
    "ü" * 300,
    " ".join(["word"] * 50),
    "reuse OR catering",
    "{reuse}",
    "[x]",
    "reuse - centre",
]


def test_search_syntax_cannot_break_the_query(client, corpus):
    for query in INJECTIONS:
        for url in ("/board/", "/board/feed.atom", "/board/events.ics"):
            response = client.get(url, query_string={"q": query})
            # a NUL byte is refused before any view (elearn.core.uploads.refuse_nul_bytes)
            assert response.status_code == (400 if "\x00" in query else 200), (url, query)


def test_operators_are_plain_words(client, corpus):
    assert titles(client, "?q=reuse+OR+catering") == []  # OR is a word here, not an operator
    assert titles(client, '?q="reuse"') == ["Reuse centre hosts work practice"]
    assert titles(client, "?q=reuse*") == ["Reuse centre hosts work practice"]


def test_terms_and_folding():
    assert search.fold("Ķekava Šibenik ŽELVA") == "kekava sibenik zelva"
    assert search.terms('"NEAR(a b)" OR a* a') == ["near", "a", "b", "or"]
    assert len(search.terms(" ".join(f"w{n}" for n in range(30)))) == search.MAX_TERMS
    assert search.index_text("www.socialenterprisebsr.net", "2018.gada") == "www socialenterprisebsr net 2018 gada"


def test_each_filter(client, corpus):
    assert titles(client, "?kind=job") == ["Reuse centre hosts work practice"]
    assert titles(client, "?kind=partner_search") == ["Ķekavas sociālais uzņēmums meklē partnerus"]
    assert set(titles(client, "?country=SI")) == {
        "Reuse centre hosts work practice",
        "Conference on social activation",
        "Last year's fair",
    }
    assert titles(client, "?country=pl") == ["Cooperative catering offers lunches"]  # case-insensitive
    assert titles(client, "?language=lv") == ["Ķekavas sociālais uzņēmums meklē partnerus"]
    assert titles(client, "?legal_form=social_enterprise") == ["Reuse centre hosts work practice"]
    assert titles(client, "?legal_form=ngo") == ["Ķekavas sociālais uzņēmums meklē partnerus"]
    assert titles(client, "?area=eu_projects") == ["Ķekavas sociālais uzņēmums meklē partnerus"]
    assert titles(client, "?area=ethical_investment") == []
    assert titles(client, "?tag=reuse") == ["Reuse centre hosts work practice"]
    assert titles(client, "?upcoming=1") == ["Conference on social activation"]
    assert titles(client, "?kind=event&country=SI&q=conference") == ["Conference on social activation"]
    # unknown values are dropped, not errors
    assert len(titles(client, "?kind=spam&country=Latvia&legal_form=x&area=y&language=English")) == 5


def test_newest_first_and_pagination_with_a_fixed_number_of_queries(app, client, people, write_post, count_queries):
    for number in range(45):
        write_post(people["member"], f"Post number {number:02d}", tags="a, b", country="LV")
    first = titles(client, "?country=LV")
    assert first[0] == "Post number 44" and len(first) == reading.PER_PAGE
    page3 = titles(client, "?country=LV&page=3")
    assert page3 == [f"Post number {n:02d}" for n in range(4, -1, -1)]
    assert 'rel="next"' in client.get("/board/?country=LV").get_data(as_text=True)
    assert titles(client, "?page=99") == [] and titles(client, "?page=abc")[0] == "Post number 44"
    with count_queries() as few:
        client.get("/board/?country=LV&page=3")
    with count_queries() as many:
        client.get("/board/?country=LV")
    assert many.count == few.count <= 6, many.statements


def test_search_function_over_both_dialects_agrees_with_the_page(app, corpus):
    with app.test_request_context():
        page = reading.list_posts(BoardFilter.from_args({"q": "social", "country": "SI"}))
        assert sorted(p.title for p in page.items) == ["Conference on social activation", "Last year's fair"]


def test_edits_and_deletes_keep_the_index_in_sync(app, client, people, write_post):
    post_id = write_post(people["member"], "Bakery looks for apprentices", body="Bread.")
    with app.app_context():
        author = user_by(people["member"])
        post = db.session.get(Post, post_id)
        posts.update_post(
            author,
            post,
            posts.PostFields(
                kind="job",
                title="Carpentry looks for apprentices",
                body="Wood.",
                country="LV",
                region="",
                language="en",
                tags="",
            ),
        )
        db.session.commit()  # as the request editing it would
    assert titles(client, "?q=bakery") == []
    assert titles(client, "?q=carpentry") == ["Carpentry looks for apprentices"]
    with app.app_context():
        posts.delete_post(user_by(people["member"]), db.session.get(Post, post_id))
        db.session.commit()
    assert titles(client, "?q=carpentry") == []
