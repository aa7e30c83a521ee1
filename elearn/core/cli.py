"""``flask translate extract|init|update|compile``: the UI catalogues in ``translations/``."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "translations" / "messages.pot"

translate_cli = AppGroup("translate", help="Maintain the interface translations (wraps pybabel).")


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    """Write translations/messages.pot from the code and templates."""
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_ngettext:1,2",
        "-k",
        "lazy_pgettext:1c,2",
        "--no-location",
        "--sort-output",
        "--project",
        "elearn",
        "-o",
        str(TEMPLATE),
        str(ROOT / "elearn"),
    )


@translate_cli.command("extract")
def extract_command():
    """Extract the translatable strings into translations/messages.pot."""
    extract()


@translate_cli.command("init")
@click.argument("language")
def init_command(language):
    """Start a catalogue for LANGUAGE (e.g. lv)."""
    extract()
    pybabel("init", "-i", str(TEMPLATE), "-d", str(ROOT / "translations"), "-l", language)


@translate_cli.command("update")
def update_command():
    """Merge new strings from the code into every catalogue."""
    extract()
    pybabel("update", "-i", str(TEMPLATE), "-d", str(ROOT / "translations"), "--ignore-obsolete")


@translate_cli.command("compile")
def compile_command():
    """Compile every catalogue to the .mo files the app reads."""
    pybabel("compile", "-d", str(ROOT / "translations"), "--statistics")
