"""Uploaded files: one size limit for every request, and checks that give clear, translated errors.

- ``MAX_CONTENT_LENGTH`` (default :data:`MAX_REQUEST_BYTES`) caps every request body; a
  bigger one gets a 413 page in the user's language, saying the limit, before any view runs.
- A NUL byte in a form field or the query string is a 400 (:func:`refuse_nul_bytes`).
- :func:`read_upload` reads one file of a form within its own, smaller limit and checks its
  kind by name *and* content (a spreadsheet renamed ``.csv`` is refused, not parsed as
  garbage). Its :class:`UploadError` is a message to append to the form field's errors::

      try:
          data = read_upload(form.roster.data, kind=CSV, max_bytes=256 * 1024)
      except UploadError as error:
          form.roster.errors.append(str(error))
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, render_template, request
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

MAX_REQUEST_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """What an upload may be: its file name endings, and how its content must begin (or not)."""

    name: str
    extensions: frozenset[str]
    text: bool = False  # plain text: no NUL bytes, decodes as UTF-8 (with or without BOM) or cp1257/cp1250
    signatures: tuple[bytes, ...] = ()  # the content must start with one of these, if given


CSV = Kind("CSV", frozenset({"csv", "txt"}), text=True)
IMAGE = Kind(
    "image",
    frozenset({"png", "jpg", "jpeg", "webp", "gif"}),
    signatures=(b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"GIF87a", b"GIF89a"),
)
PDF = Kind("PDF", frozenset({"pdf"}), signatures=(b"%PDF-",))

# Content that tells what a wrongly named file really is, for a more helpful message.
_BINARY_HINTS = ((b"PK\x03\x04", "spreadsheet"), (b"\xd0\xcf\x11\xe0", "spreadsheet"), (b"%PDF-", "pdf"))


class UploadError(ValueError):
    """A user-facing refusal of an upload; ``str(error)`` is the translated message."""

    def __str__(self) -> str:
        return str(self.args[0])


def _size(num_bytes: int) -> str:
    """A size for people: "256 KB", "4 MB" in the interface language's number format."""
    if num_bytes >= 1024 * 1024:
        return str(_l("%(size)s MB", size=format_decimal(round(num_bytes / (1024 * 1024), 1))))
    return str(_l("%(size)s KB", size=format_decimal(max(1, round(num_bytes / 1024)))))


def read_upload(storage: FileStorage | None, *, kind: Kind, max_bytes: int) -> bytes:
    """The file's content, or :class:`UploadError` saying what is wrong with it."""
    if storage is None or not storage.filename:
        raise UploadError(_l("Please choose a file."))
    extension = storage.filename.rsplit(".", 1)[-1].lower() if "." in storage.filename else ""
    allowed = ", ".join(f".{e}" for e in sorted(kind.extensions))
    if extension not in kind.extensions:
        raise UploadError(_l("The file must be a %(kind)s file (%(extensions)s).", kind=kind.name, extensions=allowed))
    data = storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("The file is too large: at most %(size)s.", size=_size(max_bytes)))
    if not data:
        raise UploadError(_l("The file is empty."))
    if kind.signatures and not data.startswith(kind.signatures):
        raise UploadError(_l("The file's content is not a %(kind)s file, whatever its name says.", kind=kind.name))
    if kind.text:
        _check_text(data, kind)
    return data


def _check_text(data: bytes, kind: Kind) -> None:
    for signature, what in _BINARY_HINTS:
        if data.startswith(signature):
            if what == "spreadsheet":
                raise UploadError(
                    _l(
                        "This is a spreadsheet file, not a CSV file. In your spreadsheet program, "
                        "choose “Save as” and the CSV format, then send that file."
                    )
                )
            raise UploadError(_l("The file's content is not a %(kind)s file, whatever its name says.", kind=kind.name))
    if b"\x00" in data:
        raise UploadError(_l("The file's content is not a %(kind)s file, whatever its name says.", kind=kind.name))
    for encoding in ("utf-8-sig", "cp1257", "cp1250"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return
    raise UploadError(_l("The file's text could not be read. Please save it as UTF-8."))  # pragma: no cover


def too_large(_error):
    """The 413 page: the limit, in the user's language; the form page is one Back away."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_REQUEST_BYTES
    message = _l(
        "What you sent is too large: at most %(size)s can be sent at once. Please go back and choose a smaller file.",
        size=_size(limit),
    )
    return render_template("core/error.html", code=413, message=message), 413


def refuse_nul_bytes() -> None:
    """``before_request``: 400 for a NUL byte in a text field or the query string.

    No keyboard types one; PostgreSQL cannot store one (it would be a 500 deep in a service).
    """
    if any("\x00" in value for value in request.args.values()) or (
        request.method == "POST" and any("\x00" in value for value in request.form.values())
    ):
        abort(400)


def init_app(app) -> None:
    """Cap request bodies (unless the configuration sets its own cap), answer 413 with a page, refuse NULs."""
    if not app.config.get("MAX_CONTENT_LENGTH"):
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.register_error_handler(413, too_large)
    app.before_request(refuse_nul_bytes)
