"""Every board and moderation page at 1280 and 360 px, in Latvian (the longest labels): axe-core finds no
WCAG 2.1 AA violation, nothing scrolls sideways, and a screenshot of each is kept for people to look at.

Screenshots go to ``$BOARD_SCREENSHOTS`` when it is set (a folder), else to pytest's temporary folder.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from elearn.core.transaction import unit_of_work
from tests.browser.conftest import NARROW, WIDE, axe_violations, new_context
from tests.browser.test_pages import WIDEST_ELEMENTS

MODERATOR = "board.moderator@example.org"  # partner admin of lv-LV: moderates Latvia, speaks Latvian
MEMBER = "board.member@example.org"  # declared an organisation, wrote posts, speaks Latvian


@dataclass
class BoardScene:
    post_id: int
    event_id: int
    declaration_id: int
    organisation_slug: str
    message_id: int
    reply_id: int
    unsubscribe_token: str


@pytest.fixture(scope="module")
def board(live_server, scenery):
    from elearn.auth.services import find_user
    from elearn.board import logos, moderation, organisations, posts, relay, saved_filters
    from elearn.board.demo import load_demo
    from elearn.board.filters import BoardFilter
    from elearn.board.models import Organisation
    from elearn.extensions import db

    live_server.make_user(MODERATOR, roles=("partner_admin",), scope="lv-LV", name="Inese Kalniņa", language="lv")
    live_server.make_user(MEMBER, name="Mārtiņš Ozoliņš-Bērziņš", language="lv")
    app = live_server.app
    with app.test_request_context(), unit_of_work():
        load_demo()
        member, moderator = find_user(MEMBER), find_user(MODERATOR)
        organisation = organisations.declare_organisation(
            member,
            organisations.OrganisationFields(
                name="Biedrība „Līvānu sociālās uzņēmējdarbības atbalsta centrs”",
                legal_form="social_enterprise",
                country="LV",
                region="Līvānu novads",
                website="https://livanu-atbalsta-centrs.example.lv/par-mums/sociala-uznemejdarbiba",
                areas=["work_practice", "care_employment", "eu_projects"],
                description="Mēs piedāvājam **darba praksi** un apmācības cilvēkiem ar invaliditāti.",
            ),
            organisations.DeclarationFields(
                address="Rīgas iela 77, Līvāni, Līvānu novads, LV-5316",
                tax_number="40008123456",
                responsible_person="Mārtiņš Ozoliņš-Bērziņš",
                responsible_function="valdes priekšsēdētāja vietnieks sadarbības jautājumos",
                primary_area="care_employment",
            ),
        )
        declaration_id = db.session.scalar(
            db.select(organisations.JoinDeclaration.id).where(
                organisations.JoinDeclaration.organisation_id == organisation.id
            )
        )
        demo_lv = db.session.scalar(db.select(Organisation).where(Organisation.country == "LV"))
        post = posts.create_post(
            member,
            posts.PostFields(
                kind="offer",
                title="Auduma maisiņi no otrreizējām izejvielām sociālajiem uzņēmumiem",
                body="Šujam iepirkumu maisiņus. Pasūtījumi no 50 gabaliem.",
                country="LV",
                region="Līvāni",
                language="lv",
                tags="maisiņi, otrreizējā-pārstrāde",
            ),
        )
        post.status = "published"
        reply = posts.add_reply(moderator, post, "Paldies, nododu tālāk mūsu kopienai.")
        event = next(p for p in db.session.scalars(db.select(posts.Post)) if p.kind == "event")
        message = relay.contact(moderator, post, "Vai varat piegādāt 200 maisiņus līdz maijam?", False)
        moderation.report(moderator, event, "Pasākuma datums, šķiet, ir nepareizs; lūdzu pārbaudiet.")
        moderation.moderate(moderator, "hide", event, "Nepareizs datums: autors lūgts to izlabot un publicēt vēlreiz.")
        moderation.moderate(moderator, "restore", event, "Autors izlaboja datumu.")
        logo = io.BytesIO()
        Image.new("RGB", (640, 320), (11, 92, 173)).save(logo, "PNG")
        logo.seek(0)
        logos.set_logo(moderator, demo_lv, FileStorage(logo, filename="logo.png"))
        saved = saved_filters.save_filter(
            member, "Darba prakse Latvijā", BoardFilter(kind="job", country="LV"), "weekly"
        )
        db.session.flush()
        token = saved_filters.unsubscribe_token(saved)
        scene = BoardScene(post.id, event.id, declaration_id, demo_lv.slug, message.id, reply.id, token)
    return scene


def _pages(scene: BoardScene) -> list[tuple[str, str | None, str]]:
    """(name, who, path) of every board page a person can open."""
    return [
        ("board", None, "/board/"),
        ("board, signed in", MEMBER, "/board/"),
        ("board, filtered", MEMBER, "/board/?country=LV&kind=offer&q=maisiņš"),
        ("post", None, f"/board/posts/{scene.post_id}"),
        ("post, author", MEMBER, f"/board/posts/{scene.post_id}"),
        ("event", None, f"/board/posts/{scene.event_id}"),
        ("new post", MEMBER, "/board/posts/new"),
        ("edit post", MEMBER, f"/board/posts/{scene.post_id}/edit"),
        ("report a post", MODERATOR, f"/board/posts/{scene.post_id}/report"),
        ("report a reply", MEMBER, f"/board/replies/{scene.reply_id}/report"),
        ("contact the author", MODERATOR, f"/board/posts/{scene.post_id}/contact"),
        ("message", MEMBER, f"/board/messages/{scene.message_id}"),
        ("organisations", None, "/board/organisations/"),
        ("organisation", None, f"/board/organisations/{scene.organisation_slug}"),
        ("edit organisation with logo", MODERATOR, f"/board/organisations/{scene.organisation_slug}/edit"),
        ("join declaration form", MEMBER, "/board/organisations/join"),
        ("moderation queue", MODERATOR, "/board/moderation/"),
        ("audit log", MODERATOR, "/board/moderation/log"),
        ("declaration review", MODERATOR, f"/board/moderation/organisations/{scene.declaration_id}"),
        ("hide a post", MODERATOR, f"/board/moderation/posts/{scene.post_id}/hide"),
        ("my saved filters", MEMBER, "/board/me/filters"),
        ("my posts", MEMBER, "/board/me/posts"),
        ("unsubscribe from a digest", None, f"/board/unsubscribe/{scene.unsubscribe_token}"),
        ("messages, received", MEMBER, "/board/me/messages"),
        ("messages, sent", MODERATOR, "/board/me/messages"),
    ]


PAGE_NAMES = [name for name, _who, _path in _pages(BoardScene(0, 0, 0, "", 0, 0, ""))]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("BOARD_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("board-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_board_page_at_1280_and_360_px(name, browser, live_server, scenery, board, axe, shots):
    who, path = next((w, p) for n, w, p in _pages(board) if n == name)
    context = new_context(browser, live_server, storage_state=scenery.state(who))
    try:
        page = context.new_page()
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        assert page.locator("main h1").count() == 1, "one h1 in main"
        wide = axe_violations(axe, page)
        slug = name.replace(" ", "-").replace(",", "")
        page.screenshot(path=str(shots / f"{slug}-1280.png"), full_page=True)
        page.set_viewport_size(NARROW)
        narrow = axe_violations(axe, page)
        page.screenshot(path=str(shots / f"{slug}-360.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        culprits = [] if overflow <= NARROW["width"] else page.evaluate(WIDEST_ELEMENTS, NARROW["width"])
    finally:
        context.close()
    assert not wide, "at 1280 px:\n" + "\n".join(wide)
    assert not narrow, "at 360 px:\n" + "\n".join(narrow)
    assert overflow <= NARROW["width"], f"{overflow} px wide at 360 px; too wide: {culprits}"
    assert not context.requests.foreign, f"requests to other hosts: {context.requests.foreign}"


def test_the_declaration_shows_each_label_above_its_value_at_360_px(browser, live_server, scenery, board):
    context = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(MODERATOR))
    try:
        page = context.new_page()
        page.goto(f"/board/moderation/organisations/{board.declaration_id}")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.facts dt')].map(dt => {
                 const dd = dt.nextElementSibling, a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
                 return [a.top, a.bottom, b.top, b.width];
               })"""
        )
        height = page.evaluate("document.documentElement.scrollHeight")
    finally:
        context.close()
    assert boxes
    for _label_top, label_bottom, value_top, value_width in boxes:
        assert value_top >= label_bottom - 1, "the value sits under its label"
        assert value_width > 250, "the value has the width of the screen"
    assert height < 2500, f"the Latvian declaration is {height} px tall at 360 px"


def test_the_first_post_is_on_the_first_screen_at_360_px(browser, live_server, scenery, board):
    context = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(MEMBER))
    try:
        page = context.new_page()
        page.goto("/board/")
        first_post = page.locator(".cards > li").first.bounding_box()
        closed = page.evaluate("!document.querySelector('.board-filters details').open")
        page.goto("/board/?country=LV")
        open_when_chosen = page.evaluate("document.querySelector('.board-filters details').open")
    finally:
        context.close()
    assert closed, "the filters are folded away until someone opens them"
    assert first_post["y"] < NARROW["height"], f"the first post starts at {first_post['y']} px"
    assert open_when_chosen, "chosen filters stay in sight"


def test_the_audit_log_scrolls_in_a_labelled_focusable_region_at_360_px(browser, live_server, scenery, board):
    context = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(MODERATOR))
    try:
        page = context.new_page()
        page.goto("/board/moderation/log")
        region = page.locator(".table-scroll")
        label = region.get_attribute("aria-label")
        focusable = region.get_attribute("tabindex") == "0"
        scrolls = page.evaluate(
            "(() => { const r = document.querySelector('.table-scroll'); return r.scrollWidth > r.clientWidth; })()"
        )
    finally:
        context.close()
    assert label and focusable
    assert scrolls, "at 360 px the log is wider than the screen and scrolls inside its region"


assert WIDE["width"] == 1280
