"""Uploads: an oversized request gets a 413 page in the user's language; a wrong file a clear form error."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from elearn.core.uploads import CSV, IMAGE, MAX_REQUEST_BYTES, UploadError, read_upload
from tests.conftest import csrf_from, sign_in
from tests.factories import make_cohort


def upload(data: bytes, filename: str = "learners.csv") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename)


def test_every_request_is_capped(app):
    assert app.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES


def test_an_oversized_upload_gets_a_413_page_in_the_users_language(app, course, lead, make_user):
    make_user("liga@example.org", roles=("cohort_lead",), language="lv")
    cohort_id = make_cohort(app, "liga@example.org")
    client = app.test_client()
    sign_in(client, "liga@example.org")
    url = f"/cohorts/{cohort_id}/invite"
    token = csrf_from(client.get(url).get_data(as_text=True))
    big = b"name,email\r\n" + b"Ana,ana@example.org\r\n" * (MAX_REQUEST_BYTES // 20 + 10)
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b'\r\n--b0undary\r\nContent-Disposition: form-data; name="roster"; filename="learners.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + big + b"\r\n--b0undary--\r\n"
    )
    response = client.post(url, data=body, content_type="multipart/form-data; boundary=b0undary")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="lv"' in page and "4" in page and "413" in page
    assert "Request Entity Too Large" not in page  # our page, not Werkzeug's


def test_the_cohort_roster_refuses_a_file_that_is_not_csv(app, course, lead):
    cohort_id = make_cohort(app, lead)
    client = app.test_client()
    sign_in(client, lead)
    url = f"/cohorts/{cohort_id}/invite"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "language": "en",
            "roster": (io.BytesIO(b"PK\x03\x04 a spreadsheet"), "learners.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400)
    assert "The file must be a CSV file (.csv, .txt)." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"a,b\n", "", "Please choose a file."),
        (b"a,b\n", "learners.xlsx", "The file must be a CSV file (.csv, .txt)."),
        (b"a,b\n", "learners", "The file must be a CSV file (.csv, .txt)."),
        (b"", "learners.csv", "The file is empty."),
        (b"x" * 2049, "learners.csv", "The file is too large: at most 2 KB."),
        (b"PK\x03\x04\x14\x00\x06\x00", "learners.csv", "This is a spreadsheet file, not a CSV file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "learners.CSV", "This is a spreadsheet file, not a CSV file."),
        (b"%PDF-1.7", "learners.txt", "The file's content is not a CSV file, whatever its name says."),
        (b"name\x00email", "learners.csv", "The file's content is not a CSV file, whatever its name says."),
    ],
)
def test_wrong_uploads_get_a_clear_message(app, data, filename, message):
    with app.test_request_context():
        with pytest.raises(UploadError) as refused:
            read_upload(upload(data, filename), kind=CSV, max_bytes=2048)
        assert str(refused.value).startswith(message)


def test_good_uploads_are_read_whole(app):
    text = "\ufeffname;email\nĀna Bērziņa;ana@example.org\n".encode()
    with app.test_request_context():
        assert read_upload(upload(text, "Learners.CSV"), kind=CSV, max_bytes=2048) == text
        assert read_upload(upload("Jānis,j@example.org\n".encode("cp1257")), kind=CSV, max_bytes=2048)
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
        assert read_upload(upload(png, "photo.png"), kind=IMAGE, max_bytes=2048) == png
        with pytest.raises(UploadError):
            read_upload(upload(b"<svg onload=alert(1)>", "photo.png"), kind=IMAGE, max_bytes=2048)
        assert read_upload(upload(b"x" * 2048), kind=CSV, max_bytes=2048)  # exactly the limit is fine


def test_messages_are_translated(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("lv"):
        with pytest.raises(UploadError) as refused:
            read_upload(upload(b"x" * 3 * 1024 * 1024), kind=CSV, max_bytes=1536 * 1024)
        assert "1,5" in str(refused.value)  # Latvian decimal comma: the number is formatted for the reader


def test_nul_bytes_in_text_are_refused_before_reaching_the_database(client, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    token = csrf_from(client.get("/me/profile").get_data(as_text=True))
    response = client.post(
        "/me/profile", data={"csrf_token": token, "name": "Ana\x00", "country": "LV", "language": "en"}
    )
    assert response.status_code == 400
    assert client.get("/courses/", query_string={"language": "l\x00v"}).status_code == 400
    assert client.get("/me/profile").status_code == 200 and "Ana\x00" not in client.get("/me/profile").text
