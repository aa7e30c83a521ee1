"""The front matter a course's files may hold: value checkers, the keys of a course, a module and each unit kind.

Each checker returns (value, None) or (None, "message"). A key maps to (required, checker).
"""

from __future__ import annotations

import re

from elearn.courses.models import CASE_STORY, INTERVIEW, LESSON, QUIZ

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def _text(value):
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip(), None
    return None, "must be a non-empty text"


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return value, None
    return None, "must be a number of 0 or more"


def _percent(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100:
        return round(value), None
    return None, "must be a percentage from 0 to 100"


def _count(value):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, None
    return None, "must be a whole number of 0 or more"


def _year(value):
    if isinstance(value, int) and not isinstance(value, bool) and 1800 <= value <= 2200:
        return value, None
    return None, "must be a year such as 2012"


def _bool(value):
    if isinstance(value, bool):
        return value, None
    return None, "must be true or false"


def _text_list(value):
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value], None
    return None, "must be a list of texts"


def _language(value):
    if isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}", value):
        return value, None
    return None, "must be a language code such as en or lv"


def _country(value):
    if isinstance(value, str) and COUNTRY_RE.match(value):
        return value, None
    return None, "must be a two-letter country code such as LV or SI"


def _identifier(value):
    if isinstance(value, str) and ID_RE.match(value):
        return value, None
    return None, "must be lowercase letters, digits and dashes"


def _figures(value):
    if isinstance(value, dict) and all(isinstance(v, (str, int, float)) for v in value.values()):
        return {str(k): v for k, v in value.items()}, None
    return None, "must be a mapping of labels to values"


def _duration(value):
    """Seconds (95), or minutes and seconds as text ("1:35", "1:02:05"); YAML reads 1:35 unquoted as 95."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, None
    if isinstance(value, str) and re.fullmatch(r"(?:\d+:)?[0-5]?\d:[0-5]\d", value.strip()):
        seconds = 0
        for part in value.strip().split(":"):
            seconds = seconds * 60 + int(part)
        if seconds:
            return seconds, None
    return None, 'must be the length in seconds (95) or in minutes and seconds ("1:35")'


def _tracks(value):
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and re.fullmatch(r"[a-z]{2,3}", k) for k in value)
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        return {k: v.strip() for k, v in value.items()}, None
    return None, "must map language codes to WebVTT files, e.g. en: media/interview.en.vtt"


# When a quiz's result page shows the feedback and the right answers (Moodle's review options):
# always, once the learner has passed the quiz, once they have passed or used their last attempt, never.
REVIEW_MOMENTS = ("always", "after-passing", "after-last-attempt", "never")


def _review_moment(value):
    if value in REVIEW_MOMENTS:
        return value, None
    return None, f"must be one of {', '.join(REVIEW_MOMENTS)}"


def _quiz_format(value):
    if value in {"markdown", "gift"}:
        return value, None
    return None, "must be markdown or gift"


COURSE_KEYS = {
    "title": (True, _text),
    "summary": (True, _text),
    "language": (True, _language),
    "estimated_hours": (False, _number),
    "pass_mark": (False, _percent),
    "certificate": (False, _bool),
    "tags": (False, _text_list),
    "cover": (False, _text),
    "cover_alt": (False, _text),
}
# A version's course.md translates the course's texts; the cover is the course's own.
COVER_KEYS = ("cover", "cover_alt")
COURSE_TRANSLATION_KEYS = {key: value for key, value in COURSE_KEYS.items() if key not in COVER_KEYS}
MODULE_KEYS = {
    "title": (True, _text),
    "summary": (False, _text),
    "objectives": (False, _text_list),
    "id": (False, _identifier),
}
UNIT_KEYS = {"kind": (True, None), "title": (True, _text), "id": (False, _identifier)}
# A reading unit's audio or video (every kind but the quiz): elearn.courses.loader.media
MEDIA_KEYS = {
    "media": (False, _text),
    "poster": (False, _text),
    "duration": (False, _duration),
    "captions": (False, _tracks),
    "audio_description": (False, _tracks),
}
KIND_KEYS = {
    LESSON: MEDIA_KEYS,
    INTERVIEW: {
        "interviewee": (True, _text),
        "role": (True, _text),
        "organisation": (True, _text),
        "country": (True, _country),
        "sector": (False, _text),
        "year": (False, _year),
        **MEDIA_KEYS,
    },
    CASE_STORY: {
        "organisation": (True, _text),
        "country": (True, _country),
        "sector": (True, _text),
        "year": (True, _year),
        "figures": (False, _figures),
        **MEDIA_KEYS,
    },
    QUIZ: {
        "pass_mark": (False, _percent),
        "attempts": (False, _count),
        "format": (False, _quiz_format),
        "show_feedback": (False, _review_moment),
        "show_answers": (False, _review_moment),
    },
}
