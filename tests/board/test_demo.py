"""The demo content loader and the benchmark seeder."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.board.demo import load_demo, seed_posts
from elearn.board.models import Organisation, Post
from elearn.extensions import db


def test_demo_loads_once_flagged_and_browsable(app, runner, client):
    result = runner.invoke(args=["board", "demo"])
    assert result.exit_code == 0, result.output
    assert "25 organisation(s) and 28 post(s) added" in result.output
    again = runner.invoke(args=["board", "demo"])
    assert "0 organisation(s) and 0 post(s) added" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post).where(Post.is_demo.is_(False))) == 0
        assert (
            db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.is_demo.is_(False)))
            == 0
        )
    page = client.get("/board/?q=sociolab").get_data(as_text=True)
    assert "7 posts match" in page  # five information points, the award and the open day
    assert "demo" in page
    assert "Social Innovation Centre" in client.get("/board/organisations/?country=LV").get_data(as_text=True)
    assert "Humana Nova" in client.get("/board/organisations/humana-nova").get_data(as_text=True)
    assert "Ptuj" in client.get("/board/?upcoming=1&country=SI").get_data(as_text=True)


def test_seed_posts_for_benchmarks(app, client):
    with app.app_context():
        assert seed_posts(120) == 120
        assert db.session.scalar(select(func.count()).select_from(Post)) == 120
        db.session.commit()  # the benchmark commits what it seeded
    assert client.get("/board/?q=reuse").status_code == 200
    assert "120 posts." in client.get("/board/").get_data(as_text=True)
    with app.app_context():
        load_demo()  # the ids continue after the bulk insert
        assert db.session.scalar(select(func.count()).select_from(Post)) == 148
        db.session.commit()


def test_demo_data_with_an_unknown_value_is_refused_whole(app, runner, tmp_path):
    bad = tmp_path / "network.yaml"
    bad.write_text(
        "organisations:\n"
        "  - {slug: good-one, name: Good one, legal_form: ngo, country: LV, areas: [skills]}\n"
        "  - {slug: bad-one, name: Bad one, legal_form: guild, country: LV, areas: [skills]}\n"
        "posts: []\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["board", "demo", "--file", str(bad)])
    assert result.exit_code == 1 and "an unknown legal form" in result.output and "guild" in result.output
    assert "Traceback" not in result.output
    with app.app_context():  # the good organisation before it is not kept either
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
