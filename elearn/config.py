"""Configuration, read from the environment.

Every setting has a development default so ``flask --app elearn run`` works with no
variables set; :func:`check_production` refuses to start a production app that still
uses the development secret.
"""

import json
import os

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - a known value, refused in production


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the environment it runs in."""


def from_environment(instance_path: str) -> dict:
    """Settings from ``ELEARN_*`` and the usual variables, with development defaults."""
    env = os.environ
    return {
        "ENV_NAME": env.get("ELEARN_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "elearn.sqlite")
        ),
        "COURSES_PATH": env.get("ELEARN_COURSES_PATH", os.path.join(os.getcwd(), "courses")),
        "SITE_NAME": env.get("ELEARN_SITE_NAME", "elearn"),
        "REDIS_URL": env.get("REDIS_URL"),
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "elearn@localhost"),
        "ISSUER_NAME": env.get("ELEARN_ISSUER_NAME"),
        "ISSUER_URL": env.get("ELEARN_ISSUER_URL"),
        "ISSUERS": json.loads(env.get("ELEARN_ISSUERS", "{}")),
        "SIGNING_KEY": env.get("ELEARN_SIGNING_KEY"),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "SESSION_IDLE_MINUTES": int(env.get("ELEARN_SESSION_IDLE_MINUTES", "240")),
        "SESSION_MAX_HOURS": int(env.get("ELEARN_SESSION_MAX_HOURS", "336")),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations"
    ),
    "LANGUAGES": ["en", "lv", "lt", "et", "pl", "ru", "da", "sv", "fi", "de", "sl", "hr"],
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "MEDIA_MAX_AGE": 7 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "RATELIMIT_HEADERS_ENABLED": True,
}


def check_production(config) -> None:
    """Refuse to run a production app with development settings."""
    if config.get("ENV_NAME") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
