"""Who on the board hears about what: the board's acts sent as ``signals.notify`` (elearn.notifications).

Moderators of the country hear of a declaration, a report and a post or reply that waits
for approval; authors hear that theirs is published after review or hidden (with the
reason), and of a reply to their post. The payload holds titles and reasons, never the
name or address of the person who acted (docs/privacy.md).
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from elearn.auth.models import User
from elearn.board.models import JoinDeclaration, Post, Reply, Report
from elearn.board.permissions import moderators_of
from elearn.core import signals


def _send(about, kind: str, recipients: list[User], payload: dict, actor: User | None) -> None:
    signals.notify.send(about, kind=kind, recipients=recipients, payload=payload, actor=actor)


def _path(endpoint: str, **values) -> str:
    """The page's path, also from a command or a job (the demo content, the tests' services)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _post_link(post: Post, reply: Reply | None = None) -> str:
    return _path("board.post", post_id=post.id, _anchor=f"reply-{reply.id}" if reply else None)


def declaration_submitted(declaration: JoinDeclaration, declarant: User) -> None:
    organisation = declaration.organisation
    _send(
        declaration,
        "board.declaration_submitted",
        moderators_of(organisation.country),
        {"name": organisation.name, "url": _path("board.declaration", declaration_id=declaration.id)},
        declarant,
    )


def report_filed(report: Report, post: Post, reporter: User) -> None:
    payload = {"title": post.title, "detail": report.reason, "url": _path("board.moderation")}
    if report.reply_id:
        payload["of"] = "reply"
    _send(report, "board.report_filed", moderators_of(post.country), payload, reporter)


def held(post: Post, reply: Reply | None = None, *, edited: bool = False) -> None:
    """A post or a reply waits for a moderator (a first one, or a hidden post its author edited)."""
    payload: dict = {"title": post.title, "url": _post_link(post, reply)}
    if reply is not None:
        payload["of"] = "reply"
    if edited:
        payload["edited"] = True
    author = (reply or post).author
    _send(reply or post, "board.post_held", moderators_of(post.country), payload, author)


def decided(moderator: User, action: str, post: Post, reply: Reply | None, reason: str) -> None:
    """Tell the author that their post or reply is published (approved) or hidden (with the reason)."""
    item = reply or post
    if item.author is None or action not in {"approve", "hide"}:
        return
    payload: dict = {"title": post.title, "url": _post_link(post, reply)}
    if reply is not None:
        payload["of"] = "reply"
    if action == "hide":
        payload["detail"] = reason
    kind = "board.post_approved" if action == "approve" else "board.post_hidden"
    _send(item, kind, [item.author], payload, moderator)


def replied(post: Post, reply: Reply) -> None:
    """A reply is published on the post: its author hears of it (not of their own)."""
    if post.author is None:
        return
    _send(
        reply,
        "board.reply",
        [post.author],
        {"title": post.title, "url": _post_link(post, reply)},
        reply.author,
    )
