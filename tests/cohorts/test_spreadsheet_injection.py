"""Spreadsheet formula injection: text in a CSV or XLSX export stays text, numbers stay numbers.

A learner may name themselves ``=HYPERLINK("http://evil.example","x")``; a course author may
title a course ``@SUM(1+1)``. Whoever opens the export in Excel or LibreOffice must see that
text, not run it (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from elearn.cohorts import exports
from tests.conftest import sign_in
from tests.factories import COURSE, TWO_MODULE_FILES, import_course, join, make_cohort

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rReturned",
]


@pytest.fixture
def hostile_course(app, write_course):
    files = {**TWO_MODULE_FILES, "course.md": COURSE.replace("title: Demo", "title: '@SUM(1+1)'")}
    return import_course(app, write_course, files)


@pytest.fixture
def hostile_cohort(app, hostile_course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    for number, name in enumerate(HOSTILE):
        make_user(f"learner{number}@example.org", name=name)
        join(app, f"learner{number}@example.org", cohort_id)
    return cohort_id


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def sheet_cells(response):
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows())


def test_the_dashboard_csv_quotes_every_name_that_could_be_a_formula(client, hostile_cohort, lead):
    sign_in(client, lead)
    rows = csv_rows(client.get(f"/cohorts/{hostile_cohort}/export.csv"))
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted("'" + name for name in HOSTILE)
    assert all(row[5] == "0" for row in rows[1:])  # "modules done" is still a plain number


def test_the_dashboard_xlsx_writes_every_name_as_a_string_cell(client, hostile_cohort, lead):
    sign_in(client, lead)
    rows = sheet_cells(client.get(f"/cohorts/{hostile_cohort}/export.xlsx"))
    names = [row[0] for row in rows[1:]]
    assert sorted(cell.value for cell in names) == sorted(HOSTILE)  # the text itself, no quote added
    assert {cell.data_type for cell in names} == {"s"}  # never "f", a formula
    assert {row[5].data_type for row in rows[1:]} == {"n"} and {row[5].value for row in rows[1:]} == {0}


def test_the_programme_report_keeps_a_course_title_as_text(client, hostile_cohort, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    today = date.today()
    period = {"start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat()}
    rows = csv_rows(client.get("/cohorts/report.csv", query_string=period))
    assert rows[1][0] == "'@SUM(1+1)" and rows[1][5] == str(len(HOSTILE))
    cells = sheet_cells(client.get("/cohorts/report.xlsx", query_string=period))
    assert (cells[1][0].value, cells[1][0].data_type) == ("@SUM(1+1)", "s")
    assert (cells[1][5].value, cells[1][5].data_type) == (len(HOSTILE), "n")


def test_negative_numbers_stay_numbers_and_text_that_looks_like_one_stays_text():
    columns = [
        exports.Column("=Label"),
        exports.Column("Change", exports.NUMBER),
        exports.Column("Score", exports.DECIMAL),
    ]
    rows = [["-5", -5, -1.25], ["=1+1", 3, None]]
    parsed = list(csv.reader(io.StringIO(exports.to_csv(columns, rows).decode("utf-8-sig"))))
    assert parsed == [["'=Label", "Change", "Score"], ["'-5", "-5", "-1.2"], ["'=1+1", "3", ""]]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(columns, rows, "t"))).active
    assert [(c.value, c.data_type) for c in sheet[1]] == [("=Label", "s"), ("Change", "s"), ("Score", "s")]
    assert [(c.value, c.data_type) for c in sheet[2]] == [("-5", "s"), (-5, "n"), (-1.2, "n")]
    assert [(c.value, c.data_type) for c in sheet[3]][:2] == [("=1+1", "s"), (3, "n")]
