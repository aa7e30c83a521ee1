"""Account operations: every write of the auth domain goes through here.

They change the session and never commit: the request (or the CLI command's unit of work)
commits once at its end. Mails are queued in the outbox in that transaction (:func:`mail.send`)
and leave only once it has committed, so a failed request mails nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from elearn.auth import passwords, sessions
from elearn.auth.models import GRANTABLE_ROLES, PARTNER_ADMIN, RoleGrant, User
from elearn.auth.personal_data import erase_account
from elearn.core import mail, signals
from elearn.core.models import utcnow
from elearn.extensions import db

CONFIRM_SALT = "confirm-email"
RESET_SALT = "reset-password"
CONFIRM_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 2 * 3600


class AccountError(Exception):
    """A user-facing refusal; ``str(error)`` is the translated message."""

    def __init__(self, message, *, unconfirmed: bool = False):
        super().__init__(message)
        self.unconfirmed = unconfirmed

    def __str__(self) -> str:
        return str(self.args[0])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    """Part of the hash, so a reset link stops working once the password has changed."""
    return user.password_hash[-16:]


# ---------------------------------------------------------------- registration


def register(*, name: str, email: str, password: str, country: str, language: str) -> User | None:
    """Create an unconfirmed account; the confirmation link is mailed once it is committed."""
    email = normalise_email(email)
    problem = passwords.password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)
    existing = find_user(email)
    if existing is not None:
        # The page says nothing about the existing account (no enumeration); its owner gets a mail.
        send_already_registered(existing)
        return None
    user = User(
        name=name.strip(),
        email=email,
        password_hash=passwords.hash_password(password),
        country=country,
        language=language,
    )
    db.session.add(user)
    db.session.flush()  # the id goes into the link
    send_confirmation(user)
    return user


def _mail(user: User, subject, template: str, link: str, *, kind: str) -> None:
    """Queue a mail to ``user`` in this transaction: it leaves once committed, never for a change rolled back."""
    mail.send(
        user.email, subject, template, kind=kind, ref=f"user:{user.id}", language=user.language, user=user, link=link
    )


def send_confirmation(user: User) -> None:
    token = _serializer(CONFIRM_SALT).dumps({"id": user.id, "email": user.email})
    link = url_for("auth.confirm", token=token, _external=True)
    _mail(user, _l("Confirm your email address"), "auth/mail/confirm", link, kind="confirmation")


def send_already_registered(user: User) -> None:
    link = url_for("auth.forgot_password", _external=True)
    _mail(
        user,
        _l("Someone tried to register with your email address"),
        "auth/mail/already_registered",
        link,
        kind="already-registered",
    )


def resend_confirmation(email: str) -> None:
    user = find_user(email)
    if user is not None and user.email_confirmed_at is None:
        send_confirmation(user)


def _load_token(token: str, salt: str, max_age: int, *, expired, invalid) -> dict:
    """The payload of a mailed link, or AccountError with the message for its problem."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AccountError(expired) from exc
    except BadSignature as exc:
        raise AccountError(invalid) from exc
    return data if isinstance(data, dict) else {}


def confirm_email(token: str) -> User:
    data = _load_token(
        token,
        CONFIRM_SALT,
        CONFIRM_MAX_AGE,
        expired=_l("This confirmation link has expired. Ask for a new one below."),
        invalid=_l("This confirmation link is not valid."),
    )
    user = db.session.get(User, data.get("id"))
    if user is None or user.email != data.get("email"):
        raise AccountError(_l("This confirmation link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


# ---------------------------------------------------------------- signing in


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or AccountError with one message for every failure."""
    user = find_user(email)
    if user is None:
        passwords.burn_time()
        raise AccountError(_l("The email address or password is not right."))
    if not passwords.verify_password(user.password_hash, password):
        raise AccountError(_l("The email address or password is not right."))
    if user.email_confirmed_at is None:
        raise AccountError(_l("Please confirm your email address first: we sent you a link."), unconfirmed=True)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def sign_in(user: User) -> None:
    sessions.sign_in(user)


def sign_out(user: User) -> None:
    sessions.sign_out(user)


# ---------------------------------------------------------------- passwords


def change_password(user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError(_l("Your current password is not right."))
    _set_password(user, new)
    sessions.end_other_sessions(user)


def _set_password(user: User, new: str) -> None:
    problem = passwords.password_problem(new, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem)
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = utcnow()


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; the page says the same either way."""
    user = find_user(email)
    if user is None:
        return
    token = _serializer(RESET_SALT).dumps({"id": user.id, "fp": _password_fingerprint(user)})
    link = url_for("auth.reset_password", token=token, _external=True)
    _mail(user, _l("Reset your password"), "auth/mail/reset", link, kind="password-reset")


def user_for_reset(token: str) -> User:
    data = _load_token(
        token,
        RESET_SALT,
        RESET_MAX_AGE,
        expired=_l("This reset link has expired. Please ask for a new one."),
        invalid=_l("This reset link is not valid. Please ask for a new one."),
    )
    user = db.session.get(User, data.get("id"))
    if user is None or data.get("fp") != _password_fingerprint(user):
        raise AccountError(_l("This reset link has already been used. Please ask for a new one."))
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a mailed link; every session of the account ends."""
    user = user_for_reset(token)
    _set_password(user, new)
    if user.email_confirmed_at is None:  # the link proves the address
        user.email_confirmed_at = utcnow()
    user.session_token = None
    sessions.end_other_sessions(user)
    return user


# ---------------------------------------------------------------- profile


def update_profile(user: User, *, name: str, country: str, language: str) -> None:
    user.name = name.strip()
    user.country = country
    user.language = language


def delete_account(user: User, password: str, *, withdraw_certificates: bool = False) -> None:
    """Delete the account through every domain's personal_data erase (docs/privacy.md).

    Progress stays, detached from the person, for cohort statistics; certificates stay
    verifiable unless the learner withdraws them.
    """
    if not passwords.verify_password(user.password_hash, password):
        raise AccountError(_l("Your password is not right."))
    sessions.sign_out(user)
    erase_account(user, withdraw_certificates=withdraw_certificates)


# ---------------------------------------------------------------- roles


def create_user(
    *, email: str, name: str, password: str, country: str = "LV", language: str = "en", roles: tuple[str, ...] = ()
) -> User:
    """An already-confirmed account, for ``flask users create`` and tests."""
    email = normalise_email(email)
    if find_user(email):
        raise AccountError(_l("An account with this email address already exists."))
    problem = passwords.password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)
    user = User(
        email=email,
        name=name,
        password_hash=passwords.hash_password(password),
        country=country,
        language=language,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    for role in roles:
        user.grants.append(RoleGrant(role=role))
    db.session.flush()
    return user


def course_versions() -> list[str]:
    """Every course version's tag (``lv-LV``, ``ru-LV``), sorted: what a partner admin can be given."""
    return sorted(set().union(*signals.answers(signals.course_versions)))


class UnknownVersions(AccountError):
    """Versions named for a partner admin that no course has; ``known`` are the ones that exist."""

    def __init__(self, unknown: list[str], known: list[str]):
        tags = ", ".join(unknown)
        if known:
            message = lazy_ngettext(
                "Not a course version on this site: %(tags)s. Choose from the list.",
                "Not course versions on this site: %(tags)s. Choose from the list.",
                len(unknown),
                tags=tags,
            )
        else:
            message = lazy_ngettext(
                "Not a course version on this site: %(tags)s. No course has a version yet.",
                "Not course versions on this site: %(tags)s. No course has a version yet.",
                len(unknown),
                tags=tags,
            )
        super().__init__(message)
        self.unknown, self.known = unknown, known


def unknown_versions(versions: Iterable[str]) -> None:
    """Raise :class:`UnknownVersions` unless every one of ``versions`` is a course version."""
    known = course_versions()
    unknown = [version for version in dict.fromkeys(versions) if version not in known]
    if unknown:
        raise UnknownVersions(unknown, known)


def give_role(user: User, role: str, versions: Iterable[str], by: User | None) -> None:
    """Give ``role`` as people ask for it (the admin form, ``flask users create``).

    A partner admin's role is given once for each of ``versions``, which must all be course
    versions that exist; other roles take none. Nothing is given unless all of it can be.
    """
    versions = list(dict.fromkeys(v.strip() for v in versions if v and v.strip()))
    if role != PARTNER_ADMIN:
        if versions:
            raise AccountError(_l("Course versions are only for the partner admin role."))
        grant_role(user, role, None, by)
        return
    if not versions:
        raise AccountError(_l("Choose at least one course version for a partner admin."))
    unknown_versions(versions)
    for version in versions:
        grant_role(user, PARTNER_ADMIN, version, by)


def grant_role(user: User, role: str, scope: str | None, by: User | None) -> None:
    """Give one role; ``scope`` is a partner admin's version, not checked here: see :func:`give_role`."""
    if role not in GRANTABLE_ROLES:
        raise AccountError(_l("Unknown role."))
    scope = (scope or "").strip() or None
    if role == PARTNER_ADMIN and not scope:
        raise AccountError(_l("A partner admin role needs a course variant, such as lv-LV."))
    if role != PARTNER_ADMIN:
        scope = None
    if any(g.role == role and g.scope == scope for g in user.grants):
        return
    user.grants.append(RoleGrant(role=role, scope=scope, granted_by_id=by.id if by else None))


def revoke_role(user: User, grant_id: int, by: User) -> None:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        return
    if grant.role == "admin" and user.id == by.id and _admin_count() == 1:
        raise AccountError(_l("You are the only admin; give the admin role to someone else first."))
    user.grants.remove(grant)


def _admin_count() -> int:
    return db.session.execute(
        select(func.count(func.distinct(RoleGrant.user_id))).where(RoleGrant.role == "admin")
    ).scalar_one()
