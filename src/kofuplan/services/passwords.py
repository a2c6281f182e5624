"""Password hashing with argon2id. The parameters are the service's settings
(``kofuplan.settings.ServiceSettings``: OWASP's minimum configuration, m=19 MiB, t=2, p=1). A
hash made with other parameters (an older default) still verifies and is replaced at the next
sign-in."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kofuplan import settings

# Letters and digits a clerk can read out and type without confusion (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hasher() -> PasswordHasher:
    s = settings.current()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _dummy() -> str:
    # A hash checked when the login is unknown, so unknown and known logins take equally long.
    return _dummy_of(hasher())


@cache
def _dummy_of(h: PasswordHasher) -> str:
    return h.hash("kofuplan-dummy-password")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return hasher().verify(password_hash or _dummy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def min_length() -> int:
    return settings.current().password_min_length


def temporary_password() -> str:
    """A one-time password for a reset: 14 characters, about 80 bits."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(14))
