"""``/admin/mail``: the mail that failed for good, for admins to see and send again.

Admins see the recipient, the kind of mail, when it was queued, the attempts and the last
error; never the message (it may carry a personal link). *Retry* queues a mail again with
a fresh count of attempts (``elearn.core.outbox.resend``); *Retry all failed* every one.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select

from elearn.core import outbox
from elearn.extensions import db

bp = Blueprint("mail_admin", __name__, url_prefix="/admin/mail")


class RetryForm(FlaskForm):
    """Only the CSRF token (checked for every POST by Flask-WTF): the buttons that queue mail again."""


@bp.get("/")
def failed():
    page = outbox.failed_mail(request.args.get("page", 1, type=int))
    return render_template("core/admin_mail.html", page=page, form=RetryForm())


def _queued_again(count: int):
    flash(ngettext("%(num)s mail is queued again.", "%(num)s mails are queued again.", count))
    return redirect(url_for("mail_admin.failed"))


@bp.post("/<int:mail_id>/retry")
def retry(mail_id):
    return _queued_again(len(outbox.resend([mail_id])))


@bp.post("/retry")
def retry_all():
    ids = list(db.session.scalars(select(outbox.OutgoingMail.id).where(outbox.OutgoingMail.status == outbox.FAILED)))
    return _queued_again(len(outbox.resend(ids)))
