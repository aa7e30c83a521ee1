"""Production cookies: __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain."""

from __future__ import annotations

from elearn.core.transaction import unit_of_work
from tests.conftest import PASSWORD, csrf_from
from tests.deploy.conftest import STRONG_SECRET

HTTPS = "https://localhost"


def set_cookies(response) -> dict[str, str]:
    """{name: the whole Set-Cookie header} of a response."""
    return {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}


def attributes(header: str) -> set[str]:
    return {part.strip().split("=", 1)[0].lower() for part in header.split(";")[1:]}


def assert_host_cookie(header: str) -> None:
    assert {"secure", "httponly", "path", "samesite"} <= attributes(header), header
    assert "domain" not in attributes(header), header
    assert "Path=/;" in header + ";" and "SameSite=Lax" in header, header


def https_client(app):
    """A client whose requests arrive over HTTPS (Flask's client follows PREFERRED_URL_SCHEME)."""
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    return app.test_client()


def sign_in_over_https(app, client, email):
    from elearn.auth.services import create_user

    with app.app_context(), unit_of_work():
        create_user(email=email, name="Ana", password=PASSWORD, roles=(), language="en", country="LV")
    page = client.get("/login").get_data(as_text=True)
    return client.post(
        "/login",
        data={"csrf_token": csrf_from(page), "email": email, "password": PASSWORD},
        headers={"Referer": f"{HTTPS}/login"},
    )


def test_production_cookies_are_host_prefixed_and_secure(production):
    client = https_client(production)
    language = set_cookies(client.get("/courses/?lang=lv"))
    assert list(language) == ["__Host-lang"]
    assert_host_cookie(language["__Host-lang"])

    response = sign_in_over_https(production, client, "ana@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    cookies = set_cookies(response)
    assert "__Host-session" in cookies and "session" not in cookies
    assert_host_cookie(cookies["__Host-session"])
    assert client.get("/me/profile").status_code == 200  # the browser sends it back: signed in


def test_the_language_cookie_is_read_back_under_its_production_name(production):
    client = https_client(production)
    client.get("/courses/?lang=lv")
    assert '<html lang="lv">' in client.get("/courses/").get_data(as_text=True)


def test_development_cookies_keep_plain_names_and_work_over_http(make_app):
    app = make_app(ELEARN_ENV="development")
    client = app.test_client()
    assert list(set_cookies(client.get("/courses/?lang=de"))) == ["lang"]
    assert '<html lang="de">' in client.get("/courses/").get_data(as_text=True)
    header = set_cookies(sign_in_over_https(app, client, "bo@example.org"))["session"]
    assert "secure" not in attributes(header) and "httponly" in attributes(header)


def test_config_names_the_production_cookie_settings(production):
    config = production.config
    assert (
        config["SESSION_COOKIE_NAME"],
        config["SESSION_COOKIE_SECURE"],
        config["SESSION_COOKIE_HTTPONLY"],
        config["SESSION_COOKIE_SAMESITE"],
        config["PREFERRED_URL_SCHEME"],
    ) == ("__Host-session", True, True, "Lax", "https")
    assert config["REMEMBER_COOKIE_NAME"].startswith("__Host-") and config["REMEMBER_COOKIE_SECURE"]
    assert config["SECRET_KEY"] == STRONG_SECRET
