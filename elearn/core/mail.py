"""Mail: composed in the recipient's language, queued in the outbox, sent after the commit.

:func:`send` renders ``templates/<name>.txt`` (always) and ``<name>.html`` (optional) and
queues the message in the caller's transaction (:mod:`elearn.core.outbox`): it leaves only
once that transaction has committed, from the job queue, over SMTP. ``MAIL_SERVER`` unset
means development: the worker writes each message to the log (at INFO, which the app's
logger shows in development) instead of sending it.
"""

from __future__ import annotations

import logging
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from elearn.core import outbox
from elearn.core.models import utcnow

_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
# Templates without an HTML half, remembered: looking for a missing one costs every loader a search.
_NO_HTML: set[str] = set()


def init_app(app: Flask) -> None:
    """In development, mails written to the log must reach it: the app's logger shows INFO."""
    if app.config.get("ENV_NAME") != "production" and app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)


def render(template: str, *, subject: str, language: str | None = None, **context) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of ``templates/<template>.txt`` / ``.html`` in ``language``."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"{template}.txt", **context)
        html = None
        if template not in _NO_HTML:
            try:
                html = render_template(f"{template}.html", **context)
            except TemplateNotFound:
                if not current_app.debug:
                    _NO_HTML.add(template)
        return str(subject), text, html


def send(
    to: str, subject: str, template: str, *, kind: str, ref: str | None = None, language: str | None = None, **context
) -> outbox.OutgoingMail:
    """Render ``templates/<template>.txt`` (and ``.html`` if present) and queue it in the outbox."""
    return outbox.queue(compose(to, subject, template, language=language, **context), kind=kind, ref=ref)


def compose(to: str, subject: str, template: str, *, language: str | None = None, **context) -> Message:
    """The message ``send`` queues, for callers that add headers (Reply-To, List-Unsubscribe) first.

    Built with the ``email`` package's compat32 classes: a tenth of the time of ``EmailMessage``'s
    header parsing, which matters for 2,000 reminders composed in one request. The text is
    quoted-printable UTF-8 (readable in the development log), the subject encoded only if needed.
    """
    config = current_app.config
    subject, text, html = render(template, subject=subject, language=language, **context)
    message: Message = _text_part(text, "plain")
    if html:
        message = MIMEMultipart("alternative", _subparts=[message, _text_part(html, "html")])
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
    message["From"] = formataddr((config["SITE_NAME"], config["MAIL_DEFAULT_SENDER"]))
    message["To"] = to
    message["Date"] = format_datetime(utcnow(), usegmt=True)  # RFC 5322 requires it; spam filters count it
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].split("@")[-1])
    message["Content-Language"] = language or config["BABEL_DEFAULT_LOCALE"]
    return message


def _text_part(text: str, subtype: str) -> MIMEText:
    return MIMEText(text, subtype, _UTF8_QP)  # type: ignore[arg-type]


def deliver(message: Message, *, kind: str, ref: str | None = None) -> outbox.OutgoingMail:
    """Queue a composed ``message`` in the outbox (the caller's transaction)."""
    return outbox.queue(message, kind=kind, ref=ref)
