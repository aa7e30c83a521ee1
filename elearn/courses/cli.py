"""``flask courses validate|import PATH``: thin wrappers over the loader and importer.

``flask courses export PATH`` belongs to localisation (elearn/localisation/cli.py), which
attaches it to this group: courses never import the domains above them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import inspect

from elearn.core.transaction import unit_of_work
from elearn.courses import preview
from elearn.courses.importer import sync_tree
from elearn.courses.loader import Problem, count_files, find_courses, load_path
from elearn.extensions import db

courses_cli = AppGroup("courses", help="Validate and import courses written as markdown files.")

PATH_ARG = click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))


def _progress(path: Path, label: str):
    """A progress bar over the files to read; quiet when output is not a terminal."""
    return click.progressbar(
        length=count_files(path), label=label, file=sys.stderr, show_pos=True, hidden=not sys.stderr.isatty()
    )


def _require_courses(path: Path) -> None:
    """A folder without a course is a mistake, never "all valid": say what a course folder is."""
    if find_courses(path):
        return
    if (path / "module.md").is_file() or path.name[:2].isdigit():
        hint = "it looks like a module folder: give its course folder (the one holding course.md)"
    else:
        hint = "a course is a folder holding course.md; give it, or the folder that holds course folders"
    click.echo(f"{path}: no course found: {hint}.", err=True)
    sys.exit(1)


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found.", err=True)


@courses_cli.command("validate")
@PATH_ARG
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on errors.")
def validate_command(path: Path, strict: bool):
    """Check every course under PATH and list every problem as path:line: message.

    Errors fail (exit status 1); warnings (path:line: warning: message), such as a file in
    the wrong place, are printed but fail only with --strict."""
    _require_courses(path)
    warnings: list[Problem] = []
    with _progress(path, "Validating") as bar:
        results = load_path(path, on_file=lambda _f: bar.update(1), warnings=warnings)
    errors = [problem for _dir, _data, problems in results for problem in problems]
    found = sorted(errors + warnings, key=lambda p: (p.path, p.line))  # a file's problems together
    for problem in found:
        click.echo(str(problem), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s) found.", err=True)
        sys.exit(1)
    if warnings and strict:
        click.echo(f"{len(warnings)} warning(s) found; --strict makes them fail.", err=True)
        sys.exit(1)
    if warnings:
        click.echo(f"All courses are valid, with {len(warnings)} warning(s) to look at.")
    else:
        click.echo("All courses are valid.")


@courses_cli.command("import")
@PATH_ARG
@click.option("--force", is_flag=True, help="Rewrite courses even when their files did not change.")
@click.option(
    "--ours",
    "prefer",
    flag_value="ours",
    help="Where a text was edited both in the browser and in its file, keep the browser's.",
)
@click.option(
    "--theirs",
    "prefer",
    flag_value="theirs",
    help="Where a text was edited both in the browser and in its file, take the file's.",
)
def import_command(path: Path, force: bool, prefer: str | None):
    """Validate and import every course under PATH; a course with problems is not imported.

    Browser work that was not exported is never overwritten: a text edited both in the
    browser and in its file since the last import or export is a conflict, and the course
    is not imported until --ours or --theirs says which wins (the other stays in the history).
    """
    _require_courses(path)
    if not inspect(db.engine).has_table("course"):
        click.echo("The database has no tables yet: run `flask --app elearn db upgrade` first.", err=True)
        sys.exit(1)
    # committed before exiting: the valid courses are imported even when another one is not
    with unit_of_work(), _progress(path, "Importing") as bar:
        report = sync_tree(path, on_file=lambda _f: bar.update(1), force=force, prefer=prefer)  # type: ignore[arg-type]
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    for summary in report.summaries:
        click.echo(str(summary))
    for slug in report.unchanged:
        click.echo(f"{slug} is unchanged; nothing written.")
    if report.problems:
        _print_problems(report.problems)
        click.echo(f"Not imported: {', '.join(report.failed)}. What was there before is unchanged.", err=True)
        sys.exit(1)


@courses_cli.command("preview")
@PATH_ARG
@click.option("--port", default=preview.DEFAULT_PORT, show_default=True, help="The port to listen on.")
@click.option(
    "--host",
    default=preview.DEFAULT_HOST,
    show_default=True,
    help="The address to listen on; only this computer can reach the default one.",
)
def preview_command(path: Path, port: int, host: str):
    """Serve the course at PATH as learners will see it, straight from its files, with its problems.

    Nothing is imported or written, and no database is needed. Each page shows the problems
    of its files (path:line: message) beside its content, in every version of the course;
    a page shows a file's changes when it is next loaded, at once where JavaScript runs."""
    _require_courses(path)
    preview.serve(path, host=host, port=port)
