"""Contacting a post's author through the platform (a relay), and answering such a message."""

from __future__ import annotations

from email.utils import formataddr

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from elearn.auth.models import User
from elearn.board.errors import BoardError
from elearn.board.filters import printable
from elearn.board.models import PUBLISHED, ContactMessage, Post
from elearn.core import mail
from elearn.core.pagination import Page
from elearn.extensions import db

INBOX_PAGE = 30


def contact(sender: User, post: Post, body: str, share_email: bool) -> ContactMessage:
    """Mail a post's author through the platform; their address is never shown to the sender."""
    if post.author_id is None or post.status != PUBLISHED:
        raise BoardError(_l("This post's author cannot be contacted."))
    if post.author_id == sender.id:
        raise BoardError(_l("This is your own post."), "body")
    return _relay(sender, post.author, post, body, share_email, None)


def answer(sender: User, message: ContactMessage, body: str, share_email: bool) -> ContactMessage:
    if message.recipient_id != sender.id or message.sender is None:
        raise BoardError(_l("You cannot answer this message."))
    return _relay(sender, message.sender, message.post, body, share_email, message)


def _relay(
    sender: User, recipient: User, post: Post | None, body: str, share_email: bool, in_reply_to: ContactMessage | None
) -> ContactMessage:
    message = ContactMessage(
        post_id=post.id if post else None,
        sender_id=sender.id,
        recipient_id=recipient.id,
        in_reply_to_id=in_reply_to.id if in_reply_to else None,
        body=printable(body).strip(),
        share_email=share_email,
    )
    db.session.add(message)
    db.session.flush()  # the answer link needs its id
    title = post.title if post else ""
    email = mail.compose(
        recipient.email,
        _l("%(name)s wrote to you about “%(title)s”", name=sender.name, title=title),
        "board/mail/contact",
        language=recipient.language,
        sender=sender,
        recipient=recipient,
        post=post,
        body=message.body,
        share_email=share_email,
        answer_link=url_for("board.message", message_id=message.id, _external=True),
        post_link=url_for("board.post", post_id=post.id, _external=True) if post else None,
    )
    if share_email:
        email["Reply-To"] = formataddr((sender.name, sender.email))
    mail.deliver(email, kind="board-contact", ref=f"board-message:{message.id}")  # leaves once committed
    return message


def inbox(user: User, page: int = 1, per_page: int = INBOX_PAGE) -> Page[ContactMessage]:
    """The messages a user received and sent through the relay, newest first: count and rows."""
    page = max(1, page)
    theirs = select(ContactMessage).where(
        or_(ContactMessage.recipient_id == user.id, ContactMessage.sender_id == user.id)
    )
    total = db.session.scalar(select(func.count()).select_from(theirs.subquery()))
    rows = (
        theirs.options(
            joinedload(ContactMessage.sender), joinedload(ContactMessage.recipient), joinedload(ContactMessage.post)
        )
        .order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(items=list(db.session.scalars(rows).unique()), total=total or 0, number=page, per_page=per_page)


def answers_to(message: ContactMessage) -> list[ContactMessage]:
    """The answers to a message, oldest first."""
    return list(
        db.session.scalars(
            select(ContactMessage)
            .where(ContactMessage.in_reply_to_id == message.id)
            .order_by(ContactMessage.created_at, ContactMessage.id)
        )
    )


def message_for(user: User, message_id: int) -> ContactMessage | None:
    message = db.session.get(ContactMessage, message_id)
    if message is None or user.id not in {message.recipient_id, message.sender_id}:
        return None
    return message
