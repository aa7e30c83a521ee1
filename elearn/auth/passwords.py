"""Password rules and hashing.

NIST SP 800-63B rules: at least 8 characters, up to 128, no composition rules, and
not one of the commonly used passwords (zxcvbn's list of the 30,000 most common).
Hashes are Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB,
3 passes, 4 lanes), above OWASP's minimum; old hashes are upgraded on sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher()


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, in the user's language; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(num)d characters.", num=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(num)d characters.", num=MAX_LENGTH))
    lowered = password.casefold()
    if lowered in _common_passwords() or lowered.strip() in {email.casefold(), name.casefold()}:
        return str(_l("This password is too common and easy to guess. Please choose another one."))
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def burn_time() -> None:
    """Spend what a real verification costs, so unknown emails cannot be told apart by timing."""
    verify_password(_dummy_hash(), "not the password")


@cache
def _dummy_hash() -> str:
    return _hasher.hash("dummy password for timing")
