"""``flask board …``: the digest by hand, the demo content, rebuilding the search index."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.board.demo import DemoDataError, load_demo
from elearn.board.digests import send_due_digests
from elearn.board.search import rebuild
from elearn.core.models import utcnow
from elearn.core.transaction import unit_of_work

board_cli = AppGroup("board", help="The networking board.")


@board_cli.command("digest")
@click.option(
    "--url",
    envvar="ELEARN_BASE_URL",
    required=True,
    help="The site's public address, for the links in the mails (or ELEARN_BASE_URL).",
)
def digest_command(url):
    """Mail every due saved filter its new posts now (the worker does it daily).

    Each filter's digest is a unit of work of its own, its mail queued in the outbox with it:
    one that fails stays due for the next run and does not undo, or hold up, the others.
    """
    with current_app.test_request_context("/", base_url=url):  # links in mails are built against the public URL
        sent, failed = send_due_digests(utcnow())
    click.echo(f"Sent {sent} digest(s).")
    if failed:
        click.echo(f"{failed} digest(s) failed; the next run tries them again.", err=True)
        raise click.exceptions.Exit(1)


@board_cli.command("demo")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The demo data file; the one shipped in elearn/board/demo/ by default.",
)
def demo_command(path):
    """Load the demo organisations and posts (marked as demo); running it again changes nothing."""
    try:
        with unit_of_work():
            report = load_demo(path)
    except DemoDataError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Demo board: {report.organisations} organisation(s) and {report.posts} post(s) added.")


@board_cli.command("reindex")
def reindex_command():
    """Recompute every post's search text and word stems, and rebuild SQLite's full-text index (after an upgrade)."""
    with unit_of_work():
        rebuild()
    click.echo("Search index rebuilt.")
