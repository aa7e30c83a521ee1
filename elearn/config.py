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
    production = env.get("ELEARN_ENV", "development") == "production"
    return {
        "ENV_NAME": env.get("ELEARN_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "elearn.sqlite")),
        "COURSES_PATH": env.get("ELEARN_COURSES_PATH", os.path.join(os.getcwd(), "courses")),
        "SITE_NAME": env.get("ELEARN_SITE_NAME", "elearn"),
        "REDIS_URL": env.get("REDIS_URL"),
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "elearn@localhost"),
        "ACCESSIBILITY_CONTACT": env.get("ELEARN_ACCESSIBILITY_CONTACT"),
        "ISSUER_NAME": env.get("ELEARN_ISSUER_NAME"),
        "ISSUER_URL": env.get("ELEARN_ISSUER_URL"),
        "ISSUERS": json.loads(env.get("ELEARN_ISSUERS", "{}")),
        "SIGNING_KEY": env.get("ELEARN_SIGNING_KEY"),
        **rate_limit_settings(env.get("REDIS_URL")),
        # Links in mails and certificates are absolute: production serves HTTPS only.
        "PREFERRED_URL_SCHEME": env.get("ELEARN_URL_SCHEME", "https" if production else "http"),
        # How many reverse proxies (nginx, Caddy) stand in front of gunicorn: their X-Forwarded-* are trusted.
        "PROXY_COUNT": int(env.get("ELEARN_PROXY_COUNT", "0")),
        **cache_settings(env.get("REDIS_URL")),
        **cookie_settings(production),
        "SESSION_IDLE_MINUTES": int(env.get("ELEARN_SESSION_IDLE_MINUTES", "240")),
        "SESSION_MAX_HOURS": int(env.get("ELEARN_SESSION_MAX_HOURS", "336")),
        # Seconds a worker keeps learners' "continue here" positions before writing them in one
        # batch (elearn.learning.visits); 0 writes each in its request.
        "VISIT_WRITE_DELAY": float(env.get("ELEARN_VISIT_WRITE_DELAY", "1")),
        **job_settings(env, instance_path),
    }


def job_settings(env, instance_path: str) -> dict:
    """The job queue (elearn.core.jobs): Redis when REDIS_URL is set, else a SQLite file; mail retries."""
    return {
        "JOBS_SQLITE_PATH": env.get("ELEARN_JOBS_PATH", os.path.join(instance_path, "jobs.sqlite")),
        # Run each job where it is queued, right after the commit, with no worker (the test suite's mode).
        "JOBS_IMMEDIATE": env.get("ELEARN_JOBS_IMMEDIATE", "").lower() in {"1", "true", "yes"},
        # Attempts before a mail that keeps failing temporarily is marked failed (about 2 hours of backoff).
        "MAIL_MAX_ATTEMPTS": int(env.get("ELEARN_MAIL_MAX_ATTEMPTS", "8")),
        # The site's public address, for links in mails that jobs compose outside a request (digests).
        "BASE_URL": env.get(
            "ELEARN_BASE_URL", "" if env.get("ELEARN_ENV") == "production" else "http://127.0.0.1:5000"
        ),
        # The hour (UTC) the saved-search digests go out.
        "DIGEST_HOUR": int(env.get("ELEARN_DIGEST_HOUR", "6")),
    }


def cookie_settings(production: bool) -> dict:
    """Production cookies are ``__Host-`` prefixed: HTTPS only, this host only, path /.

    Browsers refuse a ``__Host-`` cookie that lacks Secure or has a Domain, so the
    prefix guarantees that no subdomain or plain-HTTP page can set or overwrite them.
    """
    prefix = "__Host-" if production else ""
    return {
        "SESSION_COOKIE_NAME": prefix + "session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "REMEMBER_COOKIE_NAME": prefix + "remember_token",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LANG_COOKIE_NAME": prefix + "lang",
    }


# A Redis that does not answer costs a request at most this long, not redis-py's 5 s default.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}


def rate_limit_settings(redis_url: str | None) -> dict:
    """Flask-Limiter's storage: Redis, shared by every worker and machine, when REDIS_URL is set.

    While Redis is unreachable the limits are counted in each process's memory
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED in DEFAULTS); Redis is used again once it answers.
    """
    if redis_url:
        return {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_STORAGE_OPTIONS": dict(REDIS_TIMEOUTS)}
    return {"RATELIMIT_STORAGE_URI": "memory://"}


def cache_settings(redis_url: str | None) -> dict:
    """Flask-Caching: Redis, shared by every worker and machine, when REDIS_URL is set; else per process.

    The Redis cache is a miss for reads and a no-op for writes while Redis is unreachable
    (elearn.core.cache.TolerantRedisCache).
    """
    if redis_url:
        return {
            "CACHE_TYPE": "elearn.core.cache.TolerantRedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_OPTIONS": dict(REDIS_TIMEOUTS),
            "CACHE_KEY_PREFIX": "elearn:cache:",
            "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 200, "CACHE_DEFAULT_TIMEOUT": 24 * 3600}


DEFAULTS = {
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations"
    ),
    "LANGUAGES": ["en", "lv", "lt", "et", "pl", "ru", "da", "sv", "fi", "de", "sl", "hr", "uk", "ar"],
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "MEDIA_MAX_AGE": 7 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The sign-in session's idle and absolute limits are kept in the database (auth.sessions);
    # re-signing the cookie on every response would only cost time.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "RATELIMIT_HEADERS_ENABLED": True,
    # A rate-limit storage (Redis) that fails: count in this process's memory until it answers again
    # (Flask-Limiter checks it after 1, 2, 4 … 32 s); any other limiter error lets the request through.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # argon2-cffi's profile for password hashes (elearn.auth.passwords); the test suite uses CHEAPEST.
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    # A pooled connection is tested (SELECT 1) before each use and replaced when the server
    # closed it (a PostgreSQL restart, pg_terminate_backend, idle_session_timeout).
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
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
