"""Mail for notifications: one at once (composed by the worker), or a daily digest of the ones that wait.

Both carry a one-click unsubscribe link (RFC 8058: ``List-Unsubscribe`` and
``List-Unsubscribe-Post``) that works without signing in: for the notification's kind, or,
in a digest, for every kind the person gets daily.
"""

from __future__ import annotations

from email.message import Message
from urllib.parse import urljoin

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.auth.models import User
from elearn.core import mail, outbox
from elearn.core.outbox import OutgoingMail
from elearn.core.transaction import unit_of_work
from elearn.extensions import db
from elearn.notifications import kinds, tokens
from elearn.notifications.models import DIGEST, DIGESTED, Notification

MAIL_KIND, DIGEST_KIND = "notification", "notification-digest"


def _site() -> str:
    """The site's address for links in mail: the request's, else the public one (``BASE_URL``)."""
    return request.host_url if has_request_context() else current_app.config["BASE_URL"].rstrip("/") + "/"


def _external(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def _unsubscribe_link(user_id: int, kind_name: str) -> str:
    return _external("notifications.unsubscribe", token=tokens.unsubscribe_token(user_id, kind_name))


def queue_mail(user: User, notification: Notification) -> OutgoingMail:
    """Queue the notification's mail in the caller's transaction; the worker composes it after the commit."""
    return outbox.queue_for_rendering(
        user.email,
        kind=MAIL_KIND,
        ref=f"notification:{notification.id}",
        context={
            "link": urljoin(_site(), notification.url) if notification.url else "",
            "settings": _external("notifications.settings"),
            "unsubscribe": _unsubscribe_link(user.id, notification.kind),
        },
    )


def _one_click(message: Message, link: str) -> Message:
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


@outbox.renderer(MAIL_KIND)
def notification_message(outgoing: OutgoingMail) -> Message:
    """A notification's mail, composed by the worker in the recipient's language."""
    notification = db.session.get_one(Notification, int((outgoing.ref or "").rsplit(":", 1)[-1]))
    user = db.session.get_one(User, notification.recipient_id)
    context = outgoing.context or {}
    with force_locale(user.language):
        text = kinds.text(notification.kind, notification.payload)
    message = mail.compose(
        user.email,
        text,
        "notifications/mail/notification",
        language=user.language,
        user=user,
        text=text,
        detail=notification.detail,
        link=context.get("link", ""),
        settings_link=context.get("settings", ""),
        unsubscribe_link=context.get("unsubscribe", ""),
    )
    return _one_click(message, context.get("unsubscribe", ""))


# ---------------------------------------------------------------- the daily digest


def send_digest(user: User) -> int:
    """Mail the person every notification that waits for the digest, in one message; how many it lists."""
    waiting = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id, Notification.delivery == DIGEST)
            .order_by(Notification.created_at, Notification.id)
        )
    )
    if not waiting:
        return 0
    unsubscribe = _unsubscribe_link(user.id, tokens.EVERY_DAILY)
    with force_locale(user.language):
        lines = [(kinds.text(n.kind, n.payload), n.detail, urljoin(_site(), n.url) if n.url else "") for n in waiting]
    message = mail.compose(
        user.email,
        _l("Your notifications of the day"),
        "notifications/mail/digest",
        language=user.language,
        user=user,
        lines=lines,
        list_link=_external("notifications.index"),
        settings_link=_external("notifications.settings"),
        unsubscribe_link=unsubscribe,
    )
    mail.deliver(_one_click(message, unsubscribe), kind=DIGEST_KIND, ref=f"notification-digest:{user.id}")
    for notification in waiting:
        notification.delivery = DIGESTED
    return len(waiting)


def send_due_digests() -> tuple[int, int]:
    """Every person's digest, each one a unit of work of its own: (mailed, failed)."""
    sent = failed = 0
    people = list(
        db.session.scalars(select(Notification.recipient_id).where(Notification.delivery == DIGEST).distinct())
    )
    for user_id in people:
        try:
            with unit_of_work():
                sent += 1 if send_digest(db.session.get_one(User, user_id)) else 0
        except Exception:
            failed += 1
            current_app.logger.exception("The notification digest of user %s failed", user_id)
    return sent, failed
