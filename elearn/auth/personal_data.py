"""Personal data: what the auth domain holds about a person, and how every domain's part is gathered.

Each domain whose tables refer to a user has ``elearn/<domain>/personal_data.py`` with

- ``NAME``: its key in the export file, and ``ORDER``: its place there (the auth domain's
  part, ``"account"``, always comes first);
- ``COLUMNS``: every ``"table.column"`` referring to ``user.id``, or holding a copy of a
  person's name or email, that the module covers;
- ``export(user) -> dict``: everything of theirs in the domain, JSON-serialisable;
- ``erase(user) -> None``: delete or anonymise it, before the user row is deleted;
- optionally ``KEPT``: ``{"table.column": "why"}`` for columns erase deliberately keeps
  (a certificate's copy of the name, see docs/privacy.md);

and connects receivers to the domain events of :mod:`elearn.core.signals`, so this module
never imports the domains (they are above auth): ``account_erasing`` (its erase),
``personal_data_exported`` (answers ``(NAME, export(user))``) and ``personal_data_columns``
(answers the module). :func:`elearn.create_app` imports every such module, which connects
them. The domains' erasures do not depend on each other's order: no table of one domain
refers to another's, and the anonymous twin they share hangs on the user object.
``tests/security/test_personal_data.py`` finds every column of ``db.metadata`` that refers
to a user and fails until some module covers it.
"""

from __future__ import annotations

import secrets
import sys
from types import ModuleType

from sqlalchemy import delete, select, update

from elearn.auth.models import RoleGrant, User, UserSession
from elearn.core import signals
from elearn.core.models import utcnow
from elearn.core.outbox import OutgoingMail
from elearn.extensions import db

FORMAT_VERSION = 1

NAME = "account"
ORDER = 0

COLUMNS = {
    "user.name",
    "user.email",
    "role_grant.user_id",
    "role_grant.granted_by_id",
    "user_session.user_id",
    "outgoing_mail.recipient",
}


def modules() -> list[ModuleType]:
    """Every domain's personal_data module, this one first, the others by their ``ORDER``."""
    domains = sorted(signals.answers(signals.personal_data_columns), key=lambda module: module.ORDER)
    return [sys.modules[__name__], *domains]


def covered_columns() -> set[str]:
    return set().union(*(module.COLUMNS for module in modules()))


def kept_columns() -> dict[str, str]:
    kept: dict[str, str] = {}
    for module in modules():
        kept.update(getattr(module, "KEPT", {}))
    return kept


def export_all(user: User) -> dict:
    """Everything the platform holds about ``user``, by domain: the "Download my data" file."""
    data = {"format": "elearn personal data", "version": FORMAT_VERSION, "exported_at": utcnow().isoformat()}
    data[NAME] = export(user)
    parts = dict(signals.answers(signals.personal_data_exported, user))
    for module in modules()[1:]:
        data[module.NAME] = parts.pop(module.NAME)
    data.update(parts)  # a domain that answers the export but not the columns (the column test fails)
    return data


def erase_account(user: User, *, withdraw_certificates: bool = False) -> None:
    """Erase every domain's data about ``user``, then the account itself.

    Everything happens in the caller's transaction (the request's, or a command's
    unit of work), so the erasure is all or nothing: nothing is committed here.
    ``withdraw_certificates`` goes to the receivers: the certificates domain revokes them.
    """
    signals.account_erasing.send(user, withdraw_certificates=withdraw_certificates)
    erase(user)
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.expunge(user)


def anonymous_twin(user: User) -> User:
    """The anonymous row that takes over what is kept of ``user`` for statistics (progress, certificates).

    One per erased account, so counts of distinct learners by course, version and period stay
    right, and the unique constraints of progress rows hold; nothing links it to the person.
    Created on first use during an erasure and shared by the domains erasing the same user.
    """
    twin = getattr(user, "_anonymous_twin", None)
    if twin is None:
        now = utcnow()
        twin = User(
            email=f"erased-{secrets.token_hex(16)}@erased.invalid",
            name="",
            password_hash="",
            country="",
            language="",
            created_at=now,
            password_changed_at=now,
            erased_at=now,
        )
        db.session.add(twin)
        db.session.flush()
        user._anonymous_twin = twin
    return twin


# ---------------------------------------------------------------- the auth domain's own part


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export(user: User) -> dict:
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.id))
    given = db.session.scalars(select(RoleGrant).where(RoleGrant.granted_by_id == user.id).order_by(RoleGrant.id))
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id))
    return {
        "name": user.name,
        "email": user.email,
        "country": user.country,
        "language": user.language,
        "created_at": _iso(user.created_at),
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "password_changed_at": _iso(user.password_changed_at),
        "roles": [{"role": g.role, "scope": g.scope, "granted_at": _iso(g.granted_at)} for g in grants],
        "roles_you_granted": [{"role": g.role, "scope": g.scope, "granted_at": _iso(g.granted_at)} for g in given],
        "sessions": [
            {"created_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at), "browser": s.user_agent}
            for s in sessions
        ],
        "mail": [
            {"kind": m.kind, "subject": m.subject, "status": m.status, "created_at": _iso(m.created_at)}
            for m in db.session.scalars(
                select(OutgoingMail).where(OutgoingMail.recipient == user.email).order_by(OutgoingMail.id)
            )
        ],
    }


def erase(user: User) -> None:
    """Sessions, roles and mail to them go; roles this user gave others stay, without the giver."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.recipient == user.email))
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == user.id))
    db.session.execute(update(RoleGrant).where(RoleGrant.granted_by_id == user.id).values(granted_by_id=None))
