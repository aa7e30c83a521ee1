"""Reading a lead's list of learners to invite (CSV: name, email, optional language).

The whole file is checked before anything is saved: every problem is reported with
its line number, and one bad row means nothing is imported. Spreadsheets export CSV
with commas, semicolons (Latvian, German, Polish … Excel) or tabs, with or without a
byte-order mark and a header row: all are read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.cohorts.models import Cohort, CohortInvitation, CohortMember
from elearn.extensions import db

MAX_ROWS = 2000
HEADER_WORDS = {"name", "email", "e-mail", "language", "vārds", "e-pasts", "valoda", "ime", "jezik"}


@dataclass
class Row:
    line: int
    name: str
    email: str
    language: str


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return str(_l("Line %(line)s: %(message)s", line=self.line, message=self.message))


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1257", "cp1250"):  # Excel's Baltic and Central European code pages
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _records(text: str, problems: list[Problem]) -> Iterator[list[str]]:
    """The CSV's records; one the csv module cannot read ends the file with a problem on its line."""
    reader = csv.reader(io.StringIO(text), _dialect(text))
    line = 0
    while True:
        line += 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):  # one cell of over 128 Ki characters
                message = lazy_ngettext(
                    "A cell is longer than %(num)s character.",
                    "A cell is longer than %(num)s characters.",
                    csv.field_size_limit(),
                )
            else:
                message = _l("This line cannot be read as CSV.")
            problems.append(Problem(line, str(message)))
            return


def parse(data: bytes, cohort: Cohort, default_language: str) -> tuple[list[Row], list[Problem]]:
    """The rows to invite, and every problem found; rows are only to be used if there is no problem."""
    text = _decode(data)
    if text is None:  # read_upload refuses such files first; parse() stays safe on its own
        return [], [Problem(1, str(_l("The file is not a text (CSV) file.")))]
    languages = set(current_app.config["LANGUAGES"])
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(_records(text, problems), start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if line == 1 and {c.lower() for c in cells} & HEADER_WORDS:
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(
                Problem(
                    line,
                    str(
                        lazy_ngettext(
                            "At most %(num)s learner per file.", "At most %(num)s learners per file.", MAX_ROWS
                        )
                    ),
                )
            )
            break
        if len(cells) < 2 or len(cells) > 3:
            problems.append(
                Problem(
                    line,
                    str(
                        lazy_ngettext(
                            "Expected name, email and optionally language; found %(num)s column.",
                            "Expected name, email and optionally language; found %(num)s columns.",
                            len(cells),
                        )
                    ),
                )
            )
            continue
        name, email = cells[0], cells[1]
        language = (cells[2] if len(cells) == 3 else "").lower() or default_language
        if not name:
            problems.append(Problem(line, str(_l("The name is missing."))))
        elif len(name) > 200:
            problems.append(Problem(line, str(_l("The name is longer than 200 characters."))))
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(Problem(line, str(_l("“%(email)s” is not an email address.", email=email))))
            continue
        if language not in languages:
            problems.append(
                Problem(
                    line,
                    str(
                        _l(
                            "“%(language)s” is not one of the languages: %(languages)s.",
                            language=language,
                            languages=", ".join(sorted(languages)),
                        )
                    ),
                )
            )
        if email in seen:
            problems.append(
                Problem(line, str(_l("%(email)s is already on line %(line)s.", email=email, line=seen[email])))
            )
            continue
        seen[email] = line
        rows.append(Row(line, name, email, language))
    if not rows and not problems:
        problems.append(Problem(1, str(_l("The file has no learners in it."))))
    problems.extend(_already_there(cohort, rows))
    problems.sort(key=lambda p: p.line)
    return rows, problems


def _already_there(cohort: Cohort, rows: list[Row]) -> list[Problem]:
    """Rows for people who are members or were invited before: reported, not re-sent."""
    emails = [row.email for row in rows]
    if not emails:
        return []
    invited = set(
        db.session.scalars(
            select(CohortInvitation.email).where(
                CohortInvitation.cohort_id == cohort.id, CohortInvitation.email.in_(emails)
            )
        )
    )
    members = set(
        db.session.scalars(
            select(func.lower(User.email))
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id, User.email.in_(emails))
        )
    )
    found = []
    for row in rows:
        if row.email in members:
            found.append(Problem(row.line, str(_l("%(email)s is already a member of this cohort.", email=row.email))))
        elif row.email in invited:
            found.append(Problem(row.line, str(_l("%(email)s was already invited.", email=row.email))))
    return found
