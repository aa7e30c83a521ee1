"""Quiz scores as a cohort lead reads them: on the dashboard and in its exports, 0–100 %.

Scores are stored as percentages (0–100); the dashboard and the exports showed them
multiplied by 100 again ("✓ completed 10 000 %", issue #22).
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from tests.conftest import sign_in
from tests.factories import join, make_cohort, work


def percentages_in_row(page: str, name: str) -> list[str]:
    """The percentages the learners table prints in this learner's row, left to right:
    completion, each module's best quiz score (where taken), the mean quiz score."""
    start = page.index(f'<th scope="row">{name}')
    row = page[start : page.index("</tr>", start)]
    return re.findall(r"\d[\d\s\u00a0\u202f,.]*\s?%", row)


def test_a_full_score_reads_100_percent_on_the_dashboard_and_in_the_exports(app, client, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("dace@example.org", name="Dace Done")
    join(app, "dace@example.org", cohort_id)
    work(app, "dace@example.org", quizzes=[("one", True)])  # both questions right: 100 %
    sign_in(client, lead)

    page = client.get(f"/cohorts/{cohort_id}/").get_data(as_text=True)
    assert percentages_in_row(page, "Dace Done") == ["20%", "100%", "100%"]  # 1 of 5 units; module one; mean

    rows = list(csv.reader(io.StringIO(client.get(f"/cohorts/{cohort_id}/export.csv").get_data().decode("utf-8-sig"))))
    header, dace = rows[0], rows[1]
    score_columns = [i for i, title in enumerate(header) if "quiz score" in title]
    assert [dace[i] for i in score_columns] == ["100.0", ""]  # module one taken, module two not

    sheet = load_workbook(io.BytesIO(client.get(f"/cohorts/{cohort_id}/export.xlsx").get_data())).active
    values = list(sheet.values)
    assert [values[1][i] for i in score_columns] == [100, None]


def test_a_zero_score_reads_0_percent(app, client, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("hugo@example.org", name="Hugo Half")
    join(app, "hugo@example.org", cohort_id)
    work(app, "hugo@example.org", quizzes=[("one", False)])  # both wrong: 0 %
    sign_in(client, lead)
    page = client.get(f"/cohorts/{cohort_id}/").get_data(as_text=True)
    assert percentages_in_row(page, "Hugo Half") == ["0%", "0%", "0%"]


def test_the_export_headers_are_in_the_leads_language(app, client, course, make_user):
    make_user("liga@example.org", name="Līga", roles=("cohort_lead",), language="lv")
    cohort_id = make_cohort(app, "liga@example.org")
    sign_in(client, "liga@example.org")
    body = client.get(f"/cohorts/{cohort_id}/export.csv").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert "Module one: statuss" in header and "Module one: testa rezultāts (%)" in header
