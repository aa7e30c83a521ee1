"""Configuration: development works with nothing set; production refuses the development secret."""

import pytest

from elearn import create_app
from elearn.config import ConfigError


def test_development_defaults_need_no_variables(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "DATABASE_URL", "ELEARN_ENV", "REDIS_URL", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["ENV_NAME"] == "development" and app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("secret", [None, "short", "dev-only-insecure-secret-key"])
def test_production_refuses_a_weak_or_development_secret(monkeypatch, secret):
    monkeypatch.setenv("ELEARN_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["SECRET_KEY"] == "x" * 48
