"""Sending mail over SMTP, or to the console in development.

``MAIL_SERVER`` unset means development: the message is printed to the log instead.
Templates come in pairs, ``<name>.txt`` (always) and ``<name>.html`` (optional),
rendered in the recipient's language.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound


def render(template: str, *, subject: str, language: str | None = None, **context) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of ``templates/<template>.txt`` / ``.html`` in ``language``."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"{template}.txt", **context)
        try:
            html = render_template(f"{template}.html", **context)
        except TemplateNotFound:
            html = None
        return str(subject), text, html


def send(to: str, subject: str, template: str, *, language: str | None = None, **context) -> EmailMessage:
    """Render ``templates/<template>.txt`` (and ``.html`` if present) and send it."""
    message = compose(to, subject, template, language=language, **context)
    deliver(message)
    return message


def compose(to: str, subject: str, template: str, *, language: str | None = None, **context) -> EmailMessage:
    """The message ``send`` sends, for callers that add headers (Reply-To, List-Unsubscribe) first."""
    config = current_app.config
    subject, text, html = render(template, subject=subject, language=language, **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((config["SITE_NAME"], config["MAIL_DEFAULT_SENDER"]))
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].split("@")[-1])
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        current_app.logger.info("Mail (not sent: MAIL_SERVER is not set):\n%s", message.as_string())
        return
    with smtplib.SMTP(server, config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
