"""Organisation logos: uploaded images re-encoded with Pillow, size-limited, served from the app with caching."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from elearn.board.models import Organisation, OrganisationLogo
from elearn.extensions import db
from tests.board.conftest import client_for
from tests.conftest import csrf_from


@pytest.fixture
def organisation(app, people):
    """An approved organisation whose admin is the member."""
    from elearn.board.models import Membership
    from tests.board.conftest import user_by

    with app.app_context():
        org = Organisation(
            slug="cpu", name="CPU d.o.o., so.p.", legal_form="social_enterprise", country="SI", status="approved"
        )
        db.session.add(org)
        db.session.flush()
        db.session.add(
            Membership(organisation_id=org.id, user_id=user_by(people["member"]).id, is_admin=True, status="approved")
        )
        db.session.commit()
    return "cpu"


def image_bytes(fmt: str = "PNG", size=(1200, 600), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def upload(client, slug: str, data: bytes, filename: str, **fields):
    page = client.get(f"/board/organisations/{slug}/edit").get_data(as_text=True)
    token = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)[-1] if "csrf_token" in page else csrf_from(page)
    return client.post(
        f"/board/organisations/{slug}/logo",
        data={"csrf_token": token, "logo": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def test_a_logo_is_re_encoded_small_and_served_with_caching(app, people, organisation):
    member = client_for(app, people["member"])
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    response = upload(member, organisation, image_bytes("JPEG", exif=exif.tobytes()), "logo.jpg")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = app.test_client().get(f"/board/organisations/{organisation}").get_data(as_text=True)
    img = re.search(r'<img class="org-logo" src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert img, page
    src, alt, width, height = img.groups()
    assert alt == "CPU d.o.o., so.p." and (width, height) == ("256", "128")
    assert src.startswith(f"/board/organisations/{organisation}/logo-") and src.endswith(".png")
    served = app.test_client().get(src)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"secret description" not in served.data
    with Image.open(io.BytesIO(served.data)) as logo:
        assert logo.format == "PNG" and logo.size == (256, 128)
    stale = app.test_client().get(f"/board/organisations/{organisation}/logo-0000000000000000.png")
    assert stale.status_code == 302 and stale.headers["Location"].endswith(src)
    assert 'alt="CPU d.o.o., so.p."' in app.test_client().get("/board/organisations/").get_data(as_text=True)

    removed = upload(member, organisation, b"", "", remove="y")
    assert removed.status_code == 302
    assert app.test_client().get(src).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OrganisationLogo)) == 0


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"GIF89a not really an image", "logo.gif", "could not be read as an image"),
        (b"%PDF-1.4 a pdf", "logo.png", "is not a image file"),
        (image_bytes(), "logo.svg", "must be a image file"),
        (image_bytes("PNG", size=(6000, 5000)), "huge.png", "too large: at most 5,000 × 5,000 pixels"),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message(app, people, organisation, data, filename, message):
    response = upload(client_for(app, people["member"]), organisation, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Organisation.logo_digest)) == ""


def test_only_the_organisations_admins_and_moderators_change_the_logo(app, people, organisation):
    reader = client_for(app, people["reader"])
    page = reader.get("/board/").get_data(as_text=True)
    response = reader.post(
        f"/board/organisations/{organisation}/logo",
        data={"csrf_token": csrf_from(page), "logo": (io.BytesIO(image_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert upload(client_for(app, people["mod_si"]), organisation, image_bytes(), "logo.png").status_code == 302
