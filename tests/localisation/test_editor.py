"""The unit translation editor as translators use it (issue #28): start from the original, what
changed in the original as a word diff, history with authors and times, "still correct", a save
from an outdated form refused with both texts, a quiz question by question, messages in the
editor's language. Each feature is asserted on the rendered page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.dates import format_datetime
from sqlalchemy import func, select, update

from elearn.courses.importer import sync_tree
from elearn.courses.models import TranslationRevision, UnitTranslation
from elearn.extensions import db
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import LESSON, LOCALISED_FILES, import_course

EDITOR = "/localise/demo/lv-LV/one/other/"  # "Another lesson": no translation yet
TRANSLATED = "/localise/demo/lv/one/lesson/"  # "A lesson": translated in the files (lv)
QUIZ = "/localise/demo/lv-LV/one/quiz/"


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


@pytest.fixture
def translator(client, make_user):
    make_user("ilze@example.org", name="Ilze Ozola", roles=("admin",))
    sign_in(client, "ilze@example.org")
    return client


def change_source(app, course, text: str, path: str = "demo/01-one/01-lesson.md", original: str = LESSON) -> None:
    """The trainer edits a source file and imports the course again."""
    (course / path).write_text(original.replace("Text.", text), encoding="utf-8")
    with app.app_context():
        assert sync_tree(course).ok
        db.session.commit()


def save(client, url: str, title: str, body: str, **extra):
    return post_form(client, url, {"title": title, "body": body, "action": "save", **extra})


def revisions(app) -> int:
    """Versions saved in the browser."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(TranslationRevision).where(TranslationRevision.origin == "browser")
        )


def row_state(page: str, unit_title: str) -> str:
    """The state class of the status page's row for a unit (state-up-to-date, state-outdated …)."""
    rows = re.findall(r'<tr class="(state-[a-z-]+)">(.*?)</tr>', page, re.S)
    return next(state for state, cells in rows if f">{unit_title}</a>" in cells)


# ---------------------------------------------------------------- the original, one click away


def test_a_new_translation_starts_from_the_original_in_one_click_and_nothing_is_saved(app, course, translator):
    page = translator.get(EDITOR).get_data(as_text=True)
    assert "Start from the original" in page
    assert '<p class="saved-title">Another lesson</p>' in page  # the original beside the editor
    assert re.search(r'<textarea id="body"[^>]*></textarea>', page)  # empty until asked
    started = post_form(translator, EDITOR, {"action": "start"}).get_data(as_text=True)
    assert '<input id="title" name="title" value="Another lesson"' in started
    assert re.search(r'<textarea id="body"[^>]*>Text.\n</textarea>', started)
    assert "data-unsaved" in started.split('<form method="post" data-live-preview')[1].split(">")[0]
    assert "Start from the original" not in started
    assert revisions(app) == 0


def test_a_saved_translation_has_no_start_button(course, translator):
    assert "Start from the original" not in translator.get(TRANSLATED).get_data(as_text=True)


# ---------------------------------------------------------------- what changed in the original


def test_the_outdated_notice_shows_the_words_that_changed_in_the_original(app, course, translator):
    change_source(app, course, "Words, now <b>longer</b>.")
    page = translator.get(TRANSLATED).get_data(as_text=True)
    notice = page.split('<section class="notice"')[1].split("</section>")[0]
    assert "The original changed since this translation was made" in notice
    assert "between revision 1, which this translation translates, and revision 2" in notice
    assert '<del><span class="visually-hidden">[removed: </span>Text<span class="visually-hidden">]</span>' in notice
    assert (
        '<ins><span class="visually-hidden">[added: </span>Words, now &lt;b&gt;longer&lt;/b&gt;'
        '<span class="visually-hidden">]</span></ins>' in notice
    )
    assert "<b>longer</b>" not in notice  # escaped: the diff shows the markdown as written
    assert "struck through" in notice and "underlined" in notice  # the legend: not colour alone
    assert '<link rel="stylesheet" href="/static/editor.css">' in page


def test_a_changed_title_of_the_original_is_shown_too(app, course, translator):
    (course / "demo/01-one/01-lesson.md").write_text(LESSON.replace("A lesson", "A first lesson"), encoding="utf-8")
    with app.app_context():
        assert sync_tree(course).ok
        db.session.commit()
    notice = translator.get(TRANSLATED).get_data(as_text=True).split('<section class="notice"')[1]
    title = notice.split('<p class="diff-caption">Title</p><div class="diff">')[1].split("</div>")[0]
    hidden = '<span class="visually-hidden">'
    assert title == f"A <ins>{hidden}[added: </span>first {hidden}]</span></ins>lesson"

    assert '<p class="diff-caption">Text</p>' not in notice


# ---------------------------------------------------------------- history


def test_history_shows_each_versions_words_changed_its_author_and_its_time(app, course, translator, make_user):
    save(translator, EDITOR, "Cita nodarbība", "Pirmā versija ar vārdiem.\n")
    save(translator, EDITOR, "Cita nodarbība", "Otrā versija ar vārdiem.\n")
    with app.app_context():  # saved at a known time
        db.session.execute(
            update(TranslationRevision)
            .where(TranslationRevision.title == "Cita nodarbība", TranslationRevision.number == 2)
            .values(created_at=datetime(2025, 3, 15, 16, 5, tzinfo=UTC))
        )
        db.session.commit()
    page = translator.get(f"{EDITOR}history").get_data(as_text=True)
    newest = page.split('<article aria-labelledby="version-2">')[1].split("</article>")[0]
    assert "Version 2" in newest and "By Ilze Ozola" in newest
    when = format_datetime(datetime(2025, 3, 15, 16, 5, tzinfo=UTC), "medium", tzinfo=UTC, locale="en")
    assert f">{when}</time>" in newest and 'datetime="2025-03-15T16:05:00' in newest
    assert "[removed: </span>Pirmā<span" in newest and "[added: </span>Otrā<span" in newest
    assert "ar vārdiem." in newest
    first = page.split('<article aria-labelledby="version-1">')[1].split("</article>")[0]
    assert "Pirmā versija ar vārdiem." in first and "Bring back this version" in first
    assert "<ol" not in page  # no list number beside "Version 2" ("2. 2. versija" in Latvian)


def test_history_names_file_versions_and_deleted_accounts(app, course, translator):
    save(translator, TRANSLATED, "Nodarbība", "Teksts no pārlūka.\n")
    with app.app_context():
        db.session.execute(update(TranslationRevision).values(author_id=None))  # the account was deleted
        db.session.commit()
    page = translator.get(f"{TRANSLATED}history").get_data(as_text=True)
    versions = re.findall(r'<p class="hint">\s*((?:By|From)[^<·]*?)\s+·', page)
    assert versions == ["By a deleted account", "From the course files"]


def test_the_interface_in_latvian_numbers_versions_once(app, course, client, make_user):
    make_user("liga@example.org", roles=("admin",), language="lv")
    sign_in(client, "liga@example.org")
    save(client, EDITOR, "Cita", "Viens.\n")
    save(client, EDITOR, "Cita", "Divi.\n")
    page = client.get(f"{EDITOR}history").get_data(as_text=True)
    assert '<html lang="lv">' in page
    assert re.search(r'<h2 id="version-2">2\. versija', page) and "2. 2." not in page


# ---------------------------------------------------------------- still correct


def test_still_correct_marks_an_outdated_translation_up_to_date_without_editing_it(app, course, translator):
    change_source(app, course, "Text, now longer.")
    assert row_state(translator.get("/localise/demo/lv/").get_data(as_text=True), "A lesson") == "state-outdated"
    page = translator.get(TRANSLATED).get_data(as_text=True)
    form = page.split('<form method="post" class="still-correct">')[1].split("</form>")[0]
    assert 'name="csrf_token"' in form and 'value="still-correct"' in form
    assert translator.post(TRANSLATED, data={"action": "still-correct"}).status_code == 400  # no CSRF token
    marked = post_form(translator, TRANSLATED, {"action": "still-correct", "base": "1"})
    assert marked.status_code == 302
    editor = translator.get(TRANSLATED).get_data(as_text=True)
    assert "marked as still correct" in editor and "The original changed" not in editor
    assert re.search(r'<textarea id="body"[^>]*>Teksts.\n</textarea>', editor)  # the text is as it was
    with app.app_context():
        translation = db.session.scalar(select(UnitTranslation).where(UnitTranslation.title == "Nodarbība"))
        assert (translation.source_revision, translation.content_hash) == (2, translation.synced_hash)
        revision = db.session.scalar(select(TranslationRevision).order_by(TranslationRevision.number.desc()))
        assert (revision.number, revision.origin, revision.source_revision) == (2, "browser", 2)
        assert revision.fields == {"still_correct": True} and revision.author_id is not None
    history = translator.get(f"{TRANSLATED}history").get_data(as_text=True)
    assert "By Ilze Ozola" in history and "marked as still correct, text unchanged" in history
    status = translator.get("/localise/demo/lv/").get_data(as_text=True)
    assert row_state(status, "A lesson") == "state-up-to-date"


# ---------------------------------------------------------------- two editors at once


def test_a_save_from_an_outdated_form_is_refused_with_both_texts_and_nothing_is_lost(app, course, client, make_user):
    make_user("ilze@example.org", name="Ilze Ozola", roles=("admin",))
    make_user("janis@example.org", name="Jānis Bērziņš", roles=("admin",))
    sign_in(client, "ilze@example.org")
    other = app.test_client()
    sign_in(other, "janis@example.org")
    save(client, EDITOR, "Cita", "Sākotnējais teksts.\n")
    loaded = other.get(EDITOR).get_data(as_text=True)  # Jānis opens the editor (version 1) …
    assert '<input type="hidden" name="base" value="1">' in loaded
    save(client, EDITOR, "Cita", "Ilzes labotais teksts.\n")  # … Ilze saves version 2 meanwhile
    refused = other.post(
        EDITOR,
        data={
            "csrf_token": csrf_from(loaded),
            "base": "1",
            "title": "Cita",
            "body": "Jāņa jaunais teksts.\r\n",
            "action": "save",
        },
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone else saved this translation while you were editing it" in page
    assert "Ilze Ozola saved version 2" in page
    assert '<pre class="text" lang="lv">Ilzes labotais teksts.\n</pre>' in page  # theirs
    assert re.search(r'<textarea id="body"[^>]*>Jāņa jaunais teksts.\r?\n</textarea>', page)  # yours, kept
    assert "[removed: </span>Ilzes labotais<span" in page and "[added: </span>Jāņa jaunais<span" in page
    assert '<input type="hidden" name="base" value="2">' in page  # saving again is a decision made seeing both
    with app.app_context():
        assert db.session.scalar(select(UnitTranslation.body_source).where(UnitTranslation.title == "Cita")) == (
            "Ilzes labotais teksts.\n"
        )
    again = other.post(
        EDITOR,
        data={"csrf_token": csrf_from(page), "base": "2", "title": "Cita", "body": "Jāņa jaunais teksts.\r\n"}
        | {"action": "save"},
    )
    assert again.status_code == 302
    with app.app_context():
        texts = list(
            db.session.scalars(
                select(TranslationRevision.body_source)
                .where(TranslationRevision.title == "Cita")
                .order_by(TranslationRevision.number)
            )
        )
        assert texts == ["Sākotnējais teksts.\n", "Ilzes labotais teksts.\n", "Jāņa jaunais teksts.\n"]  # LF


def test_an_import_between_loading_and_saving_refuses_the_save_too(app, course, translator):
    loaded = translator.get(TRANSLATED).get_data(as_text=True)
    (course / "demo/locales/lv/01-one/01-lesson.md").write_text(
        "---\ntitle: Nodarbība\n---\nTeksts no failiem.\n", encoding="utf-8"
    )
    with app.app_context():
        assert sync_tree(course).ok
        db.session.commit()
    refused = translator.post(
        TRANSLATED,
        data={"csrf_token": csrf_from(loaded), "base": "1", "title": "Nodarbība", "body": "Mans.", "action": "save"},
    )
    assert refused.status_code == 409
    assert "Version 2 came from the course files" in refused.get_data(as_text=True)


def test_the_editor_warns_before_leaving_unsaved_text_where_javascript_runs(course, translator):
    page = translator.get(EDITOR).get_data(as_text=True)
    assert 'src="/static/editor.js"' in page and "data-unsaved-warning" in page


# ---------------------------------------------------------------- quizzes, question by question

QUIZ_ANSWER = "## Viens\n\nIzvēlies.\n\n- [x] jā\n- [ ] nē"


def quiz_form(**parts) -> dict:
    return {"title": "Tests", "part-0": "", "action": "save", **parts}


def test_a_quiz_is_translated_question_by_question_beside_the_original(app, course, translator):
    page = translator.get(QUIZ).get_data(as_text=True)
    row = page.split('<section class="quiz-row" aria-labelledby="part-1-heading">')[1].split("</section>")[0]
    assert 'Question 1: <span lang="en">One</span>' in row
    assert "<p>Pick.</p>" in row  # the original's question …
    assert '<span class="visually-hidden">Right answer:</span> yes' in row  # … which answer is right …
    assert '<span class="visually-hidden">Wrong answer:</span> no' in row
    assert '<label for="part-1">Your translation of question 1</label>' in row  # … beside its translation
    assert '<pre class="text" lang="en">## One\n\nPick.\n\n- [x] yes\n- [ ] no</pre>' in row
    assert 'name="part-0" value=""' in page  # the original has no introduction: no box for one
    started = post_form(translator, QUIZ, {"action": "start"}).get_data(as_text=True)
    assert re.search(r'<textarea id="part-1"[^>]*>## One\n\nPick.\n\n- \[x\] yes\n- \[ \] no</textarea>', started)
    assert post_form(translator, QUIZ, quiz_form(**{"part-1": QUIZ_ANSWER})).status_code == 302
    with app.app_context():
        translation = db.session.scalar(select(UnitTranslation).where(UnitTranslation.title == "Tests"))
        assert translation.body_source == QUIZ_ANSWER + "\n"
        assert translation.questions[0]["stem"] == "Izvēlies."
    saved = translator.get(QUIZ).get_data(as_text=True)
    assert re.search(r'<textarea id="part-1"[^>]*>## Viens\n\nIzvēlies.\n\n- \[x\] jā\n- \[ \] nē</textarea>', saved)


def test_a_quiz_that_changes_the_answers_is_refused_at_its_question(app, course, translator):
    swapped = QUIZ_ANSWER.replace("[x] jā\n- [ ]", "[ ] jā\n- [x]")
    refused = post_form(translator, QUIZ, quiz_form(**{"part-1": swapped}))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert '<a href="#part-1">Question 1</a>: Keep this question&#39;s answers as in the original' in page
    assert re.search(r'<textarea id="part-1"[^>]*aria-invalid="true"[^>]*aria-describedby="part-1-error-1 "', page)
    assert "[ ] jā" in page  # what was typed is kept
    assert revisions(app) == 0


def test_quiz_syntax_errors_are_told_in_the_editors_words_with_the_question_and_line(app, course, translator):
    refused = post_form(translator, QUIZ, quiz_form(**{"part-1": "## Viens\n\nIzvēlies.\n\n- jā\n- nē"}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert '<a href="#part-1">Question 1</a>, line 1: This question has no answers: list them under it' in page
    assert "question has no answers: list them under the question" not in page  # not the parser's English
    empty = post_form(translator, QUIZ, quiz_form(**{"part-1": "  "})).get_data(as_text=True)
    assert "Translate this question: its box is empty." in empty
    odd = post_form(translator, QUIZ, quiz_form(**{"part-1": QUIZ_ANSWER.replace("[x] jā", "[x] {150%} jā")}))
    text = odd.get_data(as_text=True)
    assert "This does not follow the quiz syntax." in text and '<span lang="en">(weight 150% is out of range' in text


def test_a_gift_quiz_is_translated_question_by_question_too(app, write_course, client, make_user):
    gift = "---\nkind: quiz\ntitle: Quiz\nformat: gift\n---\n::A::Pick one {=yes ~no}\n\n::B::Two plus two {#4}\n"
    import_course(app, write_course, {**LOCALISED_FILES, "01-one/04-quiz.md": gift})
    make_user("ilze@example.org", roles=("admin",))
    sign_in(client, "ilze@example.org")
    page = post_form(client, QUIZ, {"action": "start"}).get_data(as_text=True)
    assert re.search(r'<textarea id="part-2"[^>]*>::B::Two plus two \{#4\}</textarea>', page)
    assert "Accepted numbers:" in page
    parts = {"part-1": "::A::Izvēlies {=jā ~nē}", "part-2": "::B::Divi plus divi {#4}"}
    assert post_form(client, QUIZ, quiz_form(**parts)).status_code == 302
    refused = post_form(client, QUIZ, quiz_form(**{**parts, "part-2": "::B::Divi plus divi {#5}"}))
    assert refused.status_code == 400 and '<a href="#part-2">Question 2</a>: Keep' in refused.get_data(as_text=True)


def test_a_quiz_translation_that_does_not_cut_into_questions_is_edited_as_one_text(app, course, translator):
    with app.app_context():
        from elearn.courses.models import Unit, Variant

        unit = db.session.scalar(select(Unit).where(Unit.slug == "quiz"))
        variant = db.session.scalar(select(Variant).where(Variant.tag == "lv-LV"))
        db.session.add(
            UnitTranslation(variant_id=variant.id, unit_id=unit.id, title="Tests", body_source="nav jautājumu", meta={})
        )
        db.session.commit()
    page = translator.get(QUIZ).get_data(as_text=True)
    assert '<textarea id="body"' in page and 'id="part-1"' not in page
    assert '<ol class="quiz-original-list">' in page and "<p>Pick.</p>" in page  # the original, numbered
    refused = save(translator, QUIZ, "Tests", "nav jautājumu").get_data(as_text=True)
    assert "Line 1: The quiz has no questions" in refused
