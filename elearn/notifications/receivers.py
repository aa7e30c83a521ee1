"""What notifications do when a domain sends ``signals.notify``: store, and mail as each person chose."""

from __future__ import annotations

from elearn.auth import sessions
from elearn.core import signals
from elearn.notifications import services


@signals.notify.connect
def _notify(_sender, *, kind: str, recipients, payload: dict, actor=None, **_) -> None:
    services.notify(kind, recipients, payload, actor=actor)


# The page header's unread count comes with the signed-in user, in the same statement.
sessions.add_user_figure("unread_notifications", services.unread_count)
