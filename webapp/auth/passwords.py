"""Password hashing (Argon2id) and the password policy.

The policy follows NIST SP 800-63B: length is what matters (8 to 128 characters, any
characters), and the passwords attackers try first are refused. No composition rules.
Hashes are re-computed at sign-in when the configured parameters rise.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_TIME_COST = 2
MIN_MEMORY_KIB = 19 * 1024
COMMON_PASSWORDS_CHECKED = 10_000


class WeakParameters(ValueError):
    pass


def hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    if time_cost < MIN_TIME_COST or memory_kib < MIN_MEMORY_KIB or parallelism != 1:
        raise WeakParameters(
            f"Argon2id needs t >= {MIN_TIME_COST}, m >= {MIN_MEMORY_KIB} KiB and p = 1; "
            f"got t={time_cost}, m={memory_kib}, p={parallelism}."
        )
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])


def normalise(password: str) -> str:
    """NFC, so the same password typed on two keyboards hashes the same."""
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return _hasher().hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])


def password_problems(password: str, username: str | None = None) -> list[str]:
    """What is wrong with a new password, as messages for the form (empty list: fine)."""
    config = current_app.config
    minimum, maximum = config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MAX_LENGTH"]
    password = normalise(password)
    problems = []
    if len(password) < minimum:
        problems.append(f"Use at least {minimum} characters.")
    elif len(password) > maximum:
        problems.append(f"Use at most {maximum} characters.")
    lowered = password.casefold()
    if lowered in _common_passwords():
        problems.append("This is one of the most common passwords; choose one that is harder to guess.")
    elif username and lowered == username.casefold():
        problems.append("Your password cannot be your username.")
    return problems
