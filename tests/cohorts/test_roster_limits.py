"""A CSV the csv module cannot read (a cell over its field size limit) gets a clear message, not a 500."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from elearn.cohorts.models import CohortInvitation
from elearn.extensions import db
from tests.conftest import csrf_from, sign_in
from tests.factories import make_cohort


def upload(client, cohort_id: int, content: bytes):
    page = client.get(f"/cohorts/{cohort_id}/invite").get_data(as_text=True)
    return client.post(
        f"/cohorts/{cohort_id}/invite",
        data={"csrf_token": csrf_from(page), "language": "en", "roster": (io.BytesIO(content), "learners.csv")},
        content_type="multipart/form-data",
    )


def test_a_cell_over_the_csv_field_limit_is_reported_on_its_line(client, app, course, lead, mailbox):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    limit = csv.field_size_limit()
    content = b"First,first@example.org\n" + b"Long," + b"x" * (limit + 1) + b"\nLast,last@example.org\n"
    assert len(content) < 256 * 1024  # under the upload limit: the csv module is what refuses it

    response = upload(client, cohort_id, content)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was sent." in page
    assert f"Line 2: A cell is longer than {limit} characters." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 0
    assert mailbox.messages == []


def test_the_message_is_in_the_leads_language(client, app, course, make_user):
    make_user("vaditaja@example.org", roles=("cohort_lead",), language="lv")
    cohort_id = make_cohort(app, "vaditaja@example.org")
    sign_in(client, "vaditaja@example.org")
    page = upload(client, cohort_id, b'"' + b"x" * (csv.field_size_limit() + 1) + b'",a@example.org\n').get_data(
        as_text=True
    )
    assert "1. rinda" in page or "Rinda 1" in page, page[page.find("<main") :][:3000]
    assert "A cell is longer than" not in page
