"""Password rules and hashing.

NIST SP 800-63B rules: at least 8 characters, up to 128, no composition rules, and
not one of the commonly used passwords (zxcvbn's list of the 30,000 most common).
Hashes are Argon2id with the profile ``PASSWORD_HASH_PROFILE`` names: in production
RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes, argon2-cffi's default), above
OWASP's minimum; hashes made with other parameters are upgraded on sign-in. The test suite
hashes with argon2-cffi's ``CHEAPEST`` profile, so making a user costs microseconds.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def _hasher() -> PasswordHasher:
    return _hasher_for(current_app.config["PASSWORD_HASH_PROFILE"])


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, in the user's language; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return str(lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_LENGTH))
    lowered = password.casefold()
    if lowered in _common_passwords() or lowered.strip() in {email.casefold(), name.casefold()}:
        return str(_l("This password is too common and easy to guess. Please choose another one."))
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time() -> None:
    """Spend what a real verification costs, so unknown emails cannot be told apart by timing."""
    verify_password(_dummy_hash(current_app.config["PASSWORD_HASH_PROFILE"]), "not the password")


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher_for(profile).hash("dummy password for timing")
