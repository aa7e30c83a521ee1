"""``flask courses export PATH``: browser work not exported yet, written back to the files.

The command joins the ``courses`` group of elearn.courses.cli; it lives here because it
writes what localisation holds, and localisation may import courses (not the other way).
"""

from __future__ import annotations

from pathlib import Path

import click

from elearn.core.transaction import unit_of_work
from elearn.courses.cli import PATH_ARG, courses_cli
from elearn.localisation.export import export_tree


@courses_cli.command("export")
@PATH_ARG
def export_command(path: Path):
    """Write browser work not exported yet into PATH's locales/ folders, for git.

    Only what changed is written, with LF line endings; a file whose text did not change
    keeps its bytes. The rows then record the files they match (committed at the end)."""
    notes: list[str] = []
    with unit_of_work():  # the files' fingerprints, so the next import knows they are in step
        changed = export_tree(path, notes)
    for file in changed:
        click.echo(f"Wrote {file}" if file.exists() else f"Removed {file}")
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(f"{sum(1 for file in changed if file.exists())} file(s) written.")
