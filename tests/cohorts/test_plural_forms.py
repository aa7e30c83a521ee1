"""A number in a sentence takes the plural form its language needs (ngettext), in every catalogue.

Languages of the region have two (da, de, et, fi, sv), three (hr, lt, lv, pl, ru, uk), four (sl)
or six (ar) forms, chosen by the catalogue's Plural-Forms rule: "1 день", "3 дня", "21 день".
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from tests.conftest import sign_in
from tests.factories import make_cohort

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
CATALOGUES = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


# The rules of the GNU gettext manual ("Plural forms"), which translation tools expect.
SLAVIC = "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2"
RULES = {
    **dict.fromkeys(["da", "de", "et", "fi", "sv"], (2, "n != 1")),
    **dict.fromkeys(["ru", "uk", "hr"], (3, SLAVIC)),
    "lv": (3, "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2"),
    "lt": (3, "n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2"),
    "pl": (3, "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2"),
    "sl": (4, "n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3"),
    "ar": (6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"),
}


@pytest.mark.parametrize("language", CATALOGUES)
def test_each_catalogue_has_its_languages_plural_rule_and_every_form(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    num_plurals, rule = RULES[language]
    assert catalogue.num_plurals == num_plurals
    ours, expected = gettext.c2py(catalogue.plural_expr), gettext.c2py(rule)
    assert [ours(n) for n in range(1000)] == [expected(n) for n in range(1000)]
    for message in catalogue:
        if message.id and isinstance(message.id, tuple) and any(message.string):
            assert len(message.string) == num_plurals, message.id


DAYS = (
    "Learners inactive for more than %(num)s day are chosen; change the choice as you wish."
    " Each learner gets the reminder in their own language.",
    "Learners inactive for more than %(num)s days are chosen; change the choice as you wish."
    " Each learner gets the reminder in their own language.",
)


@pytest.mark.parametrize(
    ("language", "number", "words"),
    [
        ("en", 1, "more than 1 day are"),
        ("en", 21, "more than 21 days are"),
        ("ru", 1, "более 1 дня;"),
        ("ru", 3, "более 3 дней;"),
        ("ru", 21, "более 21 дня;"),
        ("pl", 1, "niż 1 dzień;"),
        ("pl", 22, "niż 22 dni;"),
        ("lv", 1, "par 1 dienu;"),
        ("lv", 14, "par 14 dienām;"),
        ("lv", 21, "par 21 dienu;"),
        ("sl", 2, "kot 2 dneva;"),
        ("sl", 101, "kot 101 dan;"),
        ("de", 1, "mehr als 1 Tag nicht"),
        ("de", 7, "mehr als 7 Tagen nicht"),
    ],
)
def test_the_reminders_page_says_the_days_in_the_right_form(app, client, course, make_user, language, number, words):
    make_user("vera@example.org", name="Vera Lead", roles=("cohort_lead",), language=language)
    cohort_id = make_cohort(app, "vera@example.org", inactive_days=number)
    sign_in(client, "vera@example.org")
    page = client.get(f"/cohorts/{cohort_id}/reminders").get_data(as_text=True)
    assert words in page


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        (
            "ru",
            {1: "1 приглашение", 2: "2 приглашения", 5: "5 приглашений", 11: "11 приглашений", 21: "21 приглашение"},
        ),
        ("pl", {1: "1 zaproszenie", 3: "3 zaproszenia", 5: "5 zaproszeń", 12: "12 zaproszeń", 22: "22 zaproszenia"}),
        ("sl", {1: "1 povabilo", 2: "2 povabili", 3: "3 povabila", 5: "5 povabil", 102: "102 povabili"}),
        ("lt", {1: "1 pakvietimas", 2: "2 pakvietimai", 10: "10 pakvietimų", 21: "21 pakvietimas"}),
        ("lv", {0: "0 uzaicinājumu", 1: "1 uzaicinājums", 2: "2 uzaicinājumi", 11: "11 uzaicinājumi"}),
        ("fi", {1: "1 kutsu", 2: "2 kutsua"}),
    ],
)
def test_the_plural_rule_picks_the_form(app, language, forms):
    with app.test_request_context(), force_locale(language):
        for number, words in forms.items():
            text = ngettext("%(count)s invitation sent.", "%(count)s invitations sent.", number, count=number)
            assert words in text, (number, text)
