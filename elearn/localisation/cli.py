"""``flask courses export PATH``: translations edited in the browser, written back to the files.

The command joins the ``courses`` group of elearn.courses.cli; it lives here because it
writes what localisation holds, and localisation may import courses (not the other way).
"""

from __future__ import annotations

from pathlib import Path

import click

from elearn.courses.cli import PATH_ARG, courses_cli
from elearn.localisation.export import export_tree


@courses_cli.command("export")
@PATH_ARG
def export_command(path: Path):
    """Write translations edited in the browser into PATH's locales/ folders, for git."""
    written = export_tree(path)
    for file in written:
        click.echo(f"Wrote {file}")
    click.echo(f"{len(written)} file(s) written.")
