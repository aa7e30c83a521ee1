"""``flask users create``: the first admin, and accounts made by hand."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from elearn.auth import services
from elearn.auth.models import GRANTABLE_ROLES, PARTNER_ADMIN
from elearn.core.transaction import transactional

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Checked as the sign-in form checks it.")
@click.option("--name", default=None, help="Defaults to the part of the email before @.")
@click.option("--role", "roles", multiple=True, type=click.Choice(GRANTABLE_ROLES), help="Repeat for several roles.")
@click.option(
    "--variant",
    "variants",
    multiple=True,
    help="With --role partner_admin (required there; repeat for several): a course version they "
    "administer, such as lv-LV. It must exist (a course imported with that version); "
    "the error lists the ones that do.",
)
@click.option("--country", default="LV", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.password_option(help="Asked for when not given.")
@transactional
def create_command(email, name, roles, variants, country, language, password):
    """Create a confirmed account, e.g. the first admin: --email you@example.org --role admin."""
    email = email.strip()
    try:  # what the registration and sign-in forms accept (WTForms' Email(): email-validator, no DNS)
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(f"{email!r} is not an email address the sign-in form accepts: {error}") from error
    variants = tuple(dict.fromkeys(v.strip() for v in variants))
    if PARTNER_ADMIN in roles and not variants:
        raise click.UsageError("--role partner_admin needs --variant, the course version they administer (lv-LV).")
    if variants and PARTNER_ADMIN not in roles:
        raise click.UsageError("--variant is only for --role partner_admin.")
    try:
        services.unknown_versions(variants)
    except services.UnknownVersions as error:
        raise click.BadParameter(_unknown_versions(error), param_hint="--variant") from error
    try:
        user = services.create_user(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            country=country,
            language=language,
            roles=tuple(role for role in roles if role != PARTNER_ADMIN),
        )
        if variants:
            services.give_role(user, PARTNER_ADMIN, variants, None)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    scope = f" ({'versions' if len(variants) > 1 else 'version'} {', '.join(sorted(variants))})" if variants else ""
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}{scope}.")


def _unknown_versions(error: services.UnknownVersions) -> str:
    named = ", ".join(map(repr, error.unknown))
    verb = "is not a course version" if len(error.unknown) == 1 else "are not course versions"
    if error.known:
        return f"{named} {verb} on this site. The course versions are: {', '.join(error.known)}."
    return (
        f"{named} {verb} on this site. No course has a version yet: import one first "
        "(flask --app elearn courses import), then give the role."
    )
