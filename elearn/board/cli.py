"""``flask board …``: the digest for cron, the demo content, rebuilding the search index."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.board.demo import load_demo
from elearn.board.digests import send_digests
from elearn.board.search import rebuild
from elearn.extensions import db

board_cli = AppGroup("board", help="The networking board.")


@board_cli.command("digest")
@click.option(
    "--url",
    envvar="ELEARN_BASE_URL",
    required=True,
    help="The site's public address, for the links in the mails (or ELEARN_BASE_URL).",
)
def digest_command(url):
    """Mail every due saved filter its new posts (run daily from cron)."""
    with current_app.test_request_context("/", base_url=url):  # links in mails are built against the public URL
        sent = send_digests()
    click.echo(f"Sent {sent} digest(s).")


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
    report = load_demo(path)
    click.echo(f"Demo board: {report.organisations} organisation(s) and {report.posts} post(s) added.")


@board_cli.command("reindex")
def reindex_command():
    """Rebuild the SQLite full-text index from the posts (PostgreSQL needs nothing)."""
    rebuild()
    db.session.commit()
    click.echo("Search index rebuilt.")
