"""A course's badge: drawn by the app, shown on /me/ and the verification page, embedded in the credential."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

from elearn.certificates import badge
from tests.certificates.test_openbadges import errors, validator
from tests.conftest import sign_in

SVG = "{http://www.w3.org/2000/svg}"


def test_the_badge_is_a_small_svg_titled_with_the_course_and_kept_a_day(client, completed):
    response = client.get(f"/certificates/{completed}/badge.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert len(response.data) < 2048
    assert response.cache_control.public and response.cache_control.max_age == 24 * 3600
    root = ET.fromstring(response.data)  # noqa: S314 - the app's own output
    assert root.tag == f"{SVG}svg" and root.get("width") == "120" and root.get("height") == "160"
    assert root.find(f"{SVG}title").text == "Sociālā uzņēmējdarbība"
    assert root.find(f"{SVG}text").text == "SU"  # the initials of the title in the certificate's language
    assert client.get("/certificates/AAAAAAAAAAAAAAAAAAAAAA/badge.svg").status_code == 404


def test_the_credential_embeds_the_badge_as_its_image(client, completed):
    """Read back from the signed credential: the same SVG the page shows, valid against the OB 3.0 schema."""
    document = client.get(f"/certificates/{completed}.json").get_json()
    image = document["credentialSubject"]["achievement"]["image"]
    assert image["type"] == "Image" and image["caption"] == "Sociālā uzņēmējdarbība"
    assert document["image"] == image
    prefix = "data:image/svg+xml;base64,"
    assert image["id"].startswith(prefix)
    embedded = base64.b64decode(image["id"][len(prefix) :])
    assert embedded == client.get(f"/certificates/{completed}/badge.svg").data
    assert errors(validator("ob_v3p0_achievementcredential_schema.json"), document) == []


def test_me_and_the_verification_page_show_the_badge_without_layout_shift(client, completed):
    badge_img = re.compile(
        rf'<img class="badge-image" src="/certificates/{completed}/badge.svg" alt="" width="\d+" height="\d+">'
    )
    assert badge_img.search(client.get(f"/certificates/{completed}").get_data(as_text=True))
    sign_in(client, "janis@example.org")
    assert badge_img.search(client.get("/me/").get_data(as_text=True))


def test_a_course_has_one_colour_in_every_language_and_initials_of_its_main_words():
    assert badge.colour("social-entrepreneurship") == badge.colour("social-entrepreneurship")
    assert len({badge.colour(f"course-{k}") for k in range(40)}) > 4
    assert badge.initials("Social entrepreneurship in the Baltic Sea region") == "SE"
    assert badge.initials("Социальное предпринимательство") == "СП"
    assert badge.initials("The Art of Funding") == "AF"
    assert badge.initials("  ") == "★"
    drawn = badge.badge_svg("demo", 'Cost & "value" <today>')
    assert ET.fromstring(drawn).find(f"{SVG}title").text == 'Cost & "value" <today>'  # noqa: S314
