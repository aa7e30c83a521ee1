"""``flask users create``: the first admin, and accounts made by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.auth import services
from elearn.auth.models import GRANTABLE_ROLES
from elearn.core.transaction import transactional

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None, help="Defaults to the part of the email before @.")
@click.option("--role", "roles", multiple=True, type=click.Choice(GRANTABLE_ROLES), help="Repeat for several roles.")
@click.option("--country", default="LV", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.password_option(help="Asked for when not given.")
@transactional
def create_command(email, name, roles, country, language, password):
    """Create a confirmed account, e.g. the first admin: --email you@example.org --role admin."""
    try:
        user = services.create_user(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            country=country,
            language=language,
            roles=roles,
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}.")
