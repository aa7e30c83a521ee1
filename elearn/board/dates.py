"""The board's one way of showing dates and times, per locale (Babel): a day in the locale's
medium format ("7 Dec 2026", "2026. gada 7. dec.", "7. 12. 2026"), a moment as that day and
the short time joined the locale's way, times of day in the short format ("18:42", "6:42 PM").

Moments (``created_at``) are shown in the user's time zone; an event's day and times are
local to the event's place and shown as they are.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel import dates as babel_dates
from flask_babel import get_locale, to_user_timezone

DATE_FORMAT = "medium"
TIME_FORMAT = "short"


def board_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return babel_dates.format_date(value, DATE_FORMAT, locale=get_locale())


def board_time(value: time | None) -> str:
    if value is None:
        return ""
    return babel_dates.format_time(value, TIME_FORMAT, locale=get_locale())


def board_datetime(value: datetime | None) -> str:
    """The day and the time of a moment, in the user's time zone, joined as the locale joins them."""
    if value is None:
        return ""
    local = to_user_timezone(value)
    locale = get_locale()
    pattern = locale.datetime_formats.get(DATE_FORMAT) or "{1} {0}"
    return str(pattern).format(board_time(local.time()), board_date(local.date()))
