"""elearn: modular e-courses localised per partner country, and a networking board.

``create_app`` is the application factory (``flask --app elearn …`` finds it).
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy.orm import configure_mappers

from elearn import config as config_module
from elearn.extensions import babel, cache, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, then ``test_config`` on top."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    config_module.check_production(app.config)

    from elearn.core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    cache.init_app(app)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_MAX_HOURS"] * 3600

    from elearn.core import csrf as csrf_tokens
    from elearn.core import postgres, security, sqlite
    from elearn.core.session_cookie import CheckedOnceSessionInterface

    app.session_interface = CheckedOnceSessionInterface()  # a session cookie's signature checked once per worker
    csrf_tokens.init_app(app)  # a session's form token signed once per worker

    sqlite.configure(app)
    postgres.configure(app)  # reads outside transactions, dead pooled connections replaced
    security.init_app(app)  # headers on every response; ProxyFix behind nginx/Caddy
    from elearn.core import uploads

    uploads.init_app(app)  # MAX_CONTENT_LENGTH and its 413 page

    from elearn.auth import access, sessions
    from elearn.auth.cli import users_cli
    from elearn.auth.views import bp as auth_bp
    from elearn.board.cli import board_cli
    from elearn.board.views import bp as board_bp
    from elearn.certificates.views import bp as certificates_bp
    from elearn.cohorts.views import bp as cohorts_bp
    from elearn.core.backup import backup_cli
    from elearn.core.cli import translate_cli
    from elearn.core.deploy import check_deploy_command
    from elearn.core.views import bp as core_bp
    from elearn.courses.cli import courses_cli
    from elearn.courses.views import bp as courses_bp
    from elearn.learning.views import bp as learning_bp
    from elearn.localisation.views import bp as localisation_bp

    configure_mappers()  # every model's relationships ready before a request builds objects (core.models.as_loaded)
    login_manager.user_loader(sessions.load_user)
    login_manager.login_view = "auth.login"
    app.before_request(access.enforce)
    for blueprint in (
        core_bp,
        courses_bp,
        auth_bp,
        learning_bp,
        certificates_bp,
        localisation_bp,
        cohorts_bp,
        board_bp,
    ):
        app.register_blueprint(blueprint)
    if app.config.get("BENCHMARK_ROUTES"):  # reference pages for benchmarks/run.py only
        from elearn.benchmark.views import bp as benchmark_bp

        app.register_blueprint(benchmark_bp)
    for command in (courses_cli, translate_cli, users_cli, backup_cli, check_deploy_command, board_cli):
        app.cli.add_command(command)

    from elearn.core import fragments
    from elearn.core.i18n import init_app as init_i18n
    from elearn.core.views import register_error_handlers

    init_i18n(app)
    fragments.init_app(app)
    register_error_handlers(app)
    return app
