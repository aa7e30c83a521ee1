"""The kinds of notification: one registry, so every domain's kinds are listed and set in one place.

A kind names what happened (``board.post_hidden``), the group and label its setting has on
the settings page, who sees that setting (moderators' kinds only for moderators), what is
mailed unless the person chose otherwise, and its one line of text, made from the payload
the sending domain gave (``title``, ``name``, ``detail``, ``of``: "post" or "reply"). The
text is made when it is shown, in the reader's language. To add kinds (discussions and
assignments of #25), add them to :data:`KINDS` and send ``signals.notify`` with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.auth.models import ADMIN, PARTNER_ADMIN

# What a person chose for a kind: mailed at once, in the daily digest, or not mailed (the list shows it anyway).
MAIL, DAILY, OFF = "mail", "daily", "off"
CHOICES = (MAIL, DAILY, OFF)
MODERATORS = frozenset({ADMIN, PARTNER_ADMIN})


@dataclass(frozen=True)
class Kind:
    name: str
    group: LazyString
    label: LazyString
    text: Callable[[dict], str]
    default: str = MAIL
    roles: frozenset[str] | None = None  # who sees the setting: None = everyone

    def shown_to(self, user) -> bool:
        return self.roles is None or user.has_role(*self.roles)


def _board(name: str, label: LazyString, text: Callable[[dict], str], **options) -> Kind:
    return Kind(f"board.{name}", _l("Networking board"), label, text, **options)


def _held(payload: dict) -> str:
    title = payload.get("title", "")
    if payload.get("of") == "reply":
        return _("A reply to “%(title)s” waits for your approval", title=title)
    if payload.get("edited"):
        return _("“%(title)s”, hidden before, was edited and waits for your approval", title=title)
    return _("“%(title)s” waits for your approval", title=title)


def _approved(payload: dict) -> str:
    if payload.get("of") == "reply":
        return _("Your reply to “%(title)s” is published", title=payload.get("title", ""))
    return _("Your post “%(title)s” is published", title=payload.get("title", ""))


def _hidden(payload: dict) -> str:
    if payload.get("of") == "reply":
        return _("The moderators hid your reply to “%(title)s”", title=payload.get("title", ""))
    return _("The moderators hid your post “%(title)s”", title=payload.get("title", ""))


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _board(
            "declaration_submitted",
            _l("An organisation asks to join the network (moderators)"),
            lambda p: _("%(name)s asks to join the network", name=p.get("name", "")),
            roles=MODERATORS,
        ),
        _board(
            "report_filed",
            _l("Someone reports a post or a reply (moderators)"),
            lambda p: _("A report on “%(title)s”", title=p.get("title", "")),
            roles=MODERATORS,
        ),
        _board("post_held", _l("A post or a reply waits for approval (moderators)"), _held, roles=MODERATORS),
        _board("post_approved", _l("My post or reply is published after review"), _approved),
        _board("post_hidden", _l("The moderators hide my post or reply"), _hidden),
        _board(
            "reply",
            _l("Someone replies to my post"),
            lambda p: _("A new reply to your post “%(title)s”", title=p.get("title", "")),
        ),
    )
}


def kind(name: str) -> Kind:
    """The registered kind ``name``; a LookupError for a kind nobody registered."""
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no notification kind {name!r} in elearn.notifications.kinds") from None


def text(name: str, payload: dict) -> str:
    """The notification's line in the current language (a kind removed since: its name)."""
    found = KINDS.get(name)
    return found.text(payload or {}) if found else name
