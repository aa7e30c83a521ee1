"""elearn: modular e-courses localised per partner country, and a networking board.

``create_app`` is the application factory (``flask --app elearn …`` finds it). It runs
named setup steps in order: settings, extensions, the database connection, request
handling (security headers, access rules, locale), the domains (blueprints, CLI
commands, receivers of domain events), error pages. docs/architecture.md explains them.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy.orm import configure_mappers

from elearn import config as config_module
from elearn.auth import access, sessions
from elearn.auth import tasks as auth_tasks
from elearn.auth.cli import users_cli
from elearn.auth.views import bp as auth_bp
from elearn.board import personal_data as board_personal_data
from elearn.board import tasks as board_tasks
from elearn.board.cli import board_cli
from elearn.board.views import bp as board_bp
from elearn.certificates import personal_data as certificate_personal_data
from elearn.certificates import receivers as certificate_receivers
from elearn.certificates.views import bp as certificates_bp
from elearn.cohorts import personal_data as cohort_personal_data
from elearn.cohorts import receivers as cohort_receivers
from elearn.cohorts import tasks as cohort_tasks
from elearn.cohorts.views import bp as cohorts_bp
from elearn.core import fragments, i18n, jobs, mail, security, sqlite, uploads
from elearn.core.admin_mail import bp as mail_admin_bp
from elearn.core.backup import backup_cli
from elearn.core.cli import translate_cli
from elearn.core.deploy import check_deploy_command
from elearn.core.jobs_cli import jobs_cli
from elearn.core.transaction import TransactionalFlask
from elearn.core.views import bp as core_bp
from elearn.core.views import register_error_handlers
from elearn.courses import receivers as course_receivers
from elearn.courses.cli import courses_cli
from elearn.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from elearn.learning import personal_data as learning_personal_data
from elearn.learning.pages import bp as courses_bp
from elearn.learning.views import bp as learning_bp
from elearn.localisation import personal_data as localisation_personal_data
from elearn.localisation.views import bp as localisation_bp
from elearn.notifications import personal_data as notification_personal_data
from elearn.notifications import receivers as notification_receivers
from elearn.notifications import tasks as notification_tasks
from elearn.notifications.views import bp as notifications_bp

BLUEPRINTS = (
    core_bp,
    courses_bp,
    auth_bp,
    learning_bp,
    certificates_bp,
    localisation_bp,
    cohorts_bp,
    board_bp,
    notifications_bp,
    mail_admin_bp,
)
# Importing a domain's receivers connects them to the domain events (elearn.core.signals).
EVENT_RECEIVERS = (
    course_receivers,
    certificate_receivers,
    cohort_receivers,
    learning_personal_data,
    certificate_personal_data,
    localisation_personal_data,
    cohort_personal_data,
    board_personal_data,
    notification_receivers,
    notification_personal_data,
)
CLI_COMMANDS = (courses_cli, translate_cli, users_cli, backup_cli, check_deploy_command, board_cli, jobs_cli)
# Importing a domain's tasks declares its jobs and periodic jobs to the queue (elearn.core.jobs).
TASKS = (auth_tasks, board_tasks, cohort_tasks, notification_tasks)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, then ``test_config`` on top."""
    app = TransactionalFlask(__name__, instance_relative_config=True)
    load_settings(app, test_config)
    init_extensions(app)
    init_database(app)
    init_jobs(app)
    init_request_handling(app)
    register_domains(app)
    register_error_handlers(app)
    return app


def load_settings(app: Flask, test_config: dict | None) -> None:
    """Defaults, then the environment (ELEARN_*), then the test's settings; refuse unsafe production ones."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    config_module.check_production(app.config)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_MAX_HOURS"] * 3600


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    login_manager.login_view = "auth.login"
    cache.init_app(app)


def init_database(app: Flask) -> None:
    """SQLite's pragmas; every model's relationships ready before a request builds objects."""
    sqlite.configure(app)
    configure_mappers()


def init_jobs(app: Flask) -> None:
    """The job queue's storage (the worker runs the domains' TASKS) and the mail log in development."""
    jobs.init_app(app)
    mail.init_app(app)


def init_request_handling(app: Flask) -> None:
    """Security headers and proxies, upload limits, access rules, locale and cached fragments."""
    security.init_app(app)
    uploads.init_app(app)
    app.before_request(access.enforce)
    i18n.init_app(app)
    fragments.init_app(app)


def register_domains(app: Flask) -> None:
    """Each domain's pages and commands; importing this module connected their event receivers."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for command in CLI_COMMANDS:
        app.cli.add_command(command)
