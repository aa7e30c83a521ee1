"""The refusal every board service raises: shown to the user, with the form field at fault."""

from __future__ import annotations


class BoardError(Exception):
    """A refusal to show the user; ``str()`` is translated; ``field`` names the form field at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0])
