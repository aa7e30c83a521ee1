"""The ``elearn`` command: every ``flask --app elearn`` command, from any working folder.

``flask --app elearn`` looks for ``elearn`` in the working folder first, so run from the
folder that holds a clone named ``elearn`` it finds the clone instead of the package and
fails with "Failed to find Flask application or factory in module 'elearn'". A console
script does not put the working folder on the import path, so ``elearn courses import …``
works wherever it is run.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from elearn import create_app

cli = FlaskGroup(create_app=create_app, help="The elearn platform's commands (the same as flask --app elearn).")


def main() -> None:
    cli.main(prog_name="elearn")
