"""Choosing the interface language, and the language menu every page shows.

Order: a signed-in user's saved language, the ``?lang=`` parameter (remembered in a
cookie), the cookie, the browser's Accept-Language, English.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError, numbers
from babel.units import format_unit
from flask import current_app, g, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_timedelta,
    get_locale,
    get_translations,
)
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    requested = request.args.get("lang")
    if requested is not None and requested in languages:
        g.remember_lang = requested
        return requested
    cookie = request.cookies.get(current_app.config.get("LANG_COOKIE_NAME", LANG_COOKIE))
    if cookie is not None and cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=256)
def text_direction(code: str) -> str:
    """``"rtl"`` for a language written right to left (``ar``, ``ar-EG``), else ``"ltr"``.

    From CLDR's character order (Babel's ``Locale.text_direction``), not a list of our own:
    a language added to ``LANGUAGES`` or a course version in any language gets it right.
    """
    try:
        return Locale.parse(str(code).replace("-", "_")).text_direction
    except (ValueError, TypeError, UnknownLocaleError):
        return "ltr"


def dir_attr(code: str) -> Markup:
    """`` dir="rtl"`` (or ``"ltr"``) for an element in ``code`` whose direction is not the page's, else nothing.

    Beside a ``lang`` attribute: an Arabic course version in an English page, an English
    original in an Arabic page. Left-to-right pages stay as they were for left-to-right text.
    """
    direction = text_direction(code)
    if direction == text_direction(str(get_locale())):
        return Markup("")
    return Markup(' dir="{}"').format(direction)


def language_name(code: str) -> str:
    """A language's name in that language ("latviešu"), as a language menu shows it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# Countries of the partner organisations, for filters and profile forms.
PARTNER_COUNTRIES = ["DK", "EE", "FI", "DE", "HR", "LV", "LT", "PL", "RU", "SI", "SE"]


def variant_name(tag: str) -> str:
    """``ru-LV`` → "Russian (Latvia)" in the interface language.

    Composed from the language and the country, because CLDR has no locale for many
    pairs partners use (ru_LV, for one).
    """
    language, _, country = tag.partition("-")
    name = language_label(language)
    return f"{name} ({country_name(country)})" if country else name


@lru_cache(maxsize=2048)
def _whole_percent(value: int, locale: str) -> str:
    return numbers.format_percent(value / 100, locale=locale)


def format_whole_percent(fraction: float) -> str:
    """A share as a whole percentage ("85 %", "85%") for the interface locale.

    Cached per value and locale: a dashboard prints thousands of them, and formatting
    each one with Babel costs more than the rest of the row.
    """
    return _whole_percent(round(fraction * 100), str(get_locale()))


@pass_context
def _whole_percent_filter(context, fraction: float) -> str:
    """``format_whole_percent`` for templates: the language from the page's context, not looked up per call."""
    return _whole_percent(round(fraction * 100), context.get("ui_lang") or str(get_locale()))


def language_label(code: str) -> str:
    return Locale.parse(code).get_display_name(get_locale()) or code


def country_name(code: str) -> str:
    return get_locale().territories.get(str(code).upper(), code)


def format_figure(value):
    """Numbers in the reader's locale (1 200 in Latvian, 1,200 in English); text as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value)
    return value


def media_length(seconds: int) -> str:
    """A recording's length in the reader's language: "95 seconds", "4 minutes" (seconds below two minutes)."""
    return format_timedelta(timedelta(seconds=seconds), threshold=2)


def format_hours(value) -> str:
    """A number of hours with the unit's right plural form: "1 hour", "1,5 stundas", "5 godzin".

    From CLDR, which knows the plural rules for decimals too (gettext's plurals take
    integers only), so the sentences around it carry no number and need no plural forms.
    """
    return format_unit(value, "duration-hour", length="long", locale=get_locale())


def template_gettext(translations) -> dict:
    """``gettext`` and ``ngettext`` for one template render, bound to the request's catalogue.

    Flask-Babel's own look the catalogue up on every call (a page makes dozens); these behave
    the same way (Jinja's "newstyle" gettext: the result is escaped markup, then ``%``
    formatted with the keyword arguments, ``num`` included for ngettext). The catalogue's text
    is ours, not a visitor's, so it may be Markup (S704); ``%`` escapes the variables.
    """

    @pass_context
    def gettext(context, message: str, **variables):
        text = translations.ugettext(message)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app) -> None:
    names = {code: language_name(code) for code in app.config["LANGUAGES"]}

    @app.context_processor
    def languages():
        return {
            "ui_languages": names,
            "ui_lang": str(get_locale()),
            "ui_dir": text_direction(str(get_locale())),
            "partner_countries": PARTNER_COUNTRIES,
            **template_gettext(get_translations()),
        }

    app.add_template_filter(variant_name)
    app.add_template_filter(language_label)
    app.add_template_filter(country_name)
    app.add_template_filter(dir_attr)
    app.add_template_filter(format_figure)
    app.add_template_filter(format_hours)
    app.add_template_filter(media_length)
    app.add_template_filter(format_decimal)
    app.add_template_filter(format_percent)
    app.add_template_filter(_whole_percent_filter, "format_whole_percent")
    app.add_template_filter(format_date)
    app.add_template_filter(format_datetime)
    app.add_template_filter(lambda url: urlsplit(url).hostname or url, "hostname")

    @app.after_request
    def remember_language(response):
        lang = g.get("remember_lang")
        if lang:
            # __Host-lang, Secure, in production (elearn.config.cookie_settings)
            response.set_cookie(
                app.config.get("LANG_COOKIE_NAME", LANG_COOKIE),
                lang,
                max_age=LANG_COOKIE_MAX_AGE,
                samesite="Lax",
                secure=request.is_secure or app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                path="/",
            )
        return response
