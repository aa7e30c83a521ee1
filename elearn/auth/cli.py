"""``flask users create``: the first admin, and accounts made by hand."""

from __future__ import annotations

import re

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from elearn.auth import services
from elearn.auth.models import GRANTABLE_ROLES, PARTNER_ADMIN
from elearn.core.transaction import transactional

users_cli = AppGroup("users", help="Manage accounts.")

# A course variant's tag, as its folder in a course is named: language-COUNTRY (lv-LV, ru-LV)
VARIANT_TAG = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


@users_cli.command("create")
@click.option("--email", required=True, help="Checked as the sign-in form checks it.")
@click.option("--name", default=None, help="Defaults to the part of the email before @.")
@click.option("--role", "roles", multiple=True, type=click.Choice(GRANTABLE_ROLES), help="Repeat for several roles.")
@click.option(
    "--variant",
    default=None,
    help="With --role partner_admin (required there): the course variant they administer, a "
    "language-COUNTRY tag such as lv-LV, as the variant's folder in the course is named. "
    "It need not be imported yet: the role applies to that variant once it is.",
)
@click.option("--country", default="LV", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.password_option(help="Asked for when not given.")
@transactional
def create_command(email, name, roles, variant, country, language, password):
    """Create a confirmed account, e.g. the first admin: --email you@example.org --role admin."""
    email = email.strip()
    try:  # what the registration and sign-in forms accept (WTForms' Email(): email-validator, no DNS)
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(f"{email!r} is not an email address the sign-in form accepts: {error}") from error
    if PARTNER_ADMIN in roles and not variant:
        raise click.UsageError("--role partner_admin needs --variant, the course variant they administer (lv-LV).")
    if variant and PARTNER_ADMIN not in roles:
        raise click.UsageError("--variant is only for --role partner_admin.")
    if variant and not VARIANT_TAG.match(variant):
        raise click.BadParameter(f"{variant!r} is not a language-COUNTRY tag such as lv-LV.", param_hint="--variant")
    try:
        user = services.create_user(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            country=country,
            language=language,
            roles=tuple(role for role in roles if role != PARTNER_ADMIN),
        )
        if variant:
            services.grant_role(user, PARTNER_ADMIN, variant, None)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    scope = f" (variant {variant})" if variant else ""
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}{scope}.")
