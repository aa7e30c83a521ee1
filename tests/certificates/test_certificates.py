"""Certificates end to end: issued once at completion, verified publicly, signed, revoked."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.certificates import openbadges
from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.conftest import post_form, sign_in


def test_completion_issues_exactly_one_certificate_with_what_it_states(app, completed):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        certificate = db.session.get(Certificate, completed)
        assert len(certificate.id) == 22
        assert (
            certificate.learner_name,
            certificate.course_title,
            certificate.variant_tag,
            certificate.language,
            certificate.hours,
            certificate.issuer_name,
        ) == ("Jānis Bērziņš", "Sociālā uzņēmējdarbība", "lv-LV", "lv", 2.5, "Sociālās inovācijas centrs")


def test_the_verification_page_is_public_and_shows_everything(client, completed):
    page = client.get(f"/certificates/{completed}").get_data(as_text=True)
    for text in ("Jānis Bērziņš", "Sociālā uzņēmējdarbība", "Sociālās inovācijas centrs", completed):
        assert text in page
    assert "This certificate is valid" in page
    assert client.get(f"/certificates/{completed}/status").get_json()["revokedCredentials"] == []


def test_the_pdf_is_in_the_learners_language_with_the_verification_address(client, completed):
    response = client.get(f"/certificates/{completed}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Jānis Bērziņš" in text and "Sociālā uzņēmējdarbība" in text
    assert f"/certificates/{completed}" in text


def test_the_served_pdf_is_tagged_in_the_learners_language(client, completed):
    """The structure itself: tests/certificates/test_pdf_tags.py; here, what the service puts in it."""
    root = PdfReader(io.BytesIO(client.get(f"/certificates/{completed}.pdf").data)).trailer["/Root"]
    assert root["/Lang"] == "lv" and root["/MarkInfo"]["/Marked"]
    document = root["/StructTreeRoot"]["/K"].get_object()
    [figure] = [kid.get_object() for kid in document["/K"] if kid.get_object()["/S"] == "/Figure"]
    assert figure["/Alt"].endswith(f"/certificates/{completed}")  # the code's alternative text names its address


def test_the_credential_is_signed_with_the_published_key(client, completed):
    document = client.get(f"/certificates/{completed}.json").get_json()
    assert "OpenBadgeCredential" in document["type"]
    profile_url = document["issuer"]["id"]
    profile = client.get(profile_url.split("localhost", 1)[-1]).get_json()
    key = profile["verificationMethod"][0]["publicKeyMultibase"]
    assert openbadges.verify(document, key)
    tampered = {**document, "validFrom": "2020-01-01T00:00:00Z"}
    assert not openbadges.verify(tampered, key)


def test_revocation_shows_on_the_page_and_in_the_status(client, app, completed, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    url = f"/certificates/{completed}"
    refused = post_form(client, f"{url}/revoke", {"reason": ""}, page_url=url, follow_redirects=True)
    assert "Please give the reason" in refused.get_data(as_text=True)
    post_form(client, f"{url}/revoke", {"reason": "Issued by mistake"}, page_url=url)
    anonymous = app.test_client()
    page = anonymous.get(url).get_data(as_text=True)
    assert "This certificate was revoked" in page and "Issued by mistake" in page
    status = anonymous.get(f"{url}/status").get_json()
    credential = anonymous.get(f"{url}.json").get_json()
    assert credential["credentialStatus"]["id"] == status["id"]
    assert [(r["id"], r["revocationReason"]) for r in status["revokedCredentials"]] == [
        (credential["id"], "Issued by mistake")
    ]


def test_a_learner_cannot_revoke(client, completed):
    sign_in(client, "janis@example.org")
    assert (
        post_form(
            client, f"/certificates/{completed}/revoke", {"reason": "x"}, page_url=f"/certificates/{completed}"
        ).status_code
        == 403
    )


def test_me_lists_certificates_with_a_linkedin_link(client, completed):
    sign_in(client, "janis@example.org")
    page = client.get("/me/").get_data(as_text=True)
    assert f"/certificates/{completed}.pdf" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert f"certId={completed}" in page


@pytest.mark.parametrize("bad", ["nope", "A" * 22, "../../etc/passwd", "%00", "A" * 200, "<script>"])
def test_unknown_or_malformed_ids_are_404_pages(client, completed, bad):
    for suffix in ("", ".pdf", ".json", "/status"):
        response = client.get(f"/certificates/{bad}{suffix}")
        assert response.status_code == 404, (bad, suffix)


def test_verification_is_rate_limited(client, completed):
    statuses = [client.get(f"/certificates/{'B' * 22}").status_code for _ in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429
