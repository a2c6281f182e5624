"""Signing in, changing and resetting passwords, and their audit log.

Every attempt is a ``sign_in_events`` row: the Ministry's audit page reads them, and the
throttle (``kofuplan.domain.sign_in_throttle``) counts its failures from them, so it holds
across server processes and restarts. Access to a reset has been decided by the route.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kofuplan.domain.sign_in_throttle import ThrottleRule, wait_seconds
from kofuplan.errors import InputError, KofuplanError
from kofuplan.services.access import Principal
from kofuplan.services.passwords import (
    hash_password,
    min_length,
    needs_rehash,
    temporary_password,
    verify_password,
)
from kofuplan.services.ports import UnitOfWork, UserRecord

OUTCOME_LABELS = {
    "success": "ログイン",
    "failure": "ログイン失敗",
    "throttled": "待ち時間中のため拒否",
    "password_changed": "パスワード変更",
    "password_reset": "パスワード再設定（仮パスワード発行）",
}


class Throttled(KofuplanError):
    def __init__(self, wait: float) -> None:
        super().__init__(
            f"ログインの失敗が続いたため、あと {max(1, round(wait))} 秒待ってからお試しください。"
        )
        self.wait = wait


class BadCredentials(KofuplanError):
    def __init__(self) -> None:
        super().__init__("ログイン名またはパスワードが違います。")


class PasswordError(InputError):
    """A refused password change; ``field`` is the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignedIn:
    who: Principal
    must_change_password: bool


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _seconds(at: dt.datetime) -> float:
    if at.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
        at = at.replace(tzinfo=dt.UTC)
    return at.timestamp()


def _log(uow: UnitOfWork, login: str, address: str, outcome: str, **ids: int | None) -> None:
    uow.accounts.add_sign_in_event(login=login[:64], address=address[:64], outcome=outcome, **ids)


def principal_of(user: UserRecord) -> Principal:
    return Principal(user.id, user.login, user.role, user.lg_code, user.pref_code)  # type: ignore[arg-type]


def sign_in(
    uow: UnitOfWork, login: str, password: str, address: str, rule: ThrottleRule
) -> SignedIn:
    """Check the password, unless the (login, address) pair or the address owes a wait."""
    now = utcnow()
    since = now - dt.timedelta(seconds=rule.window_seconds)
    pair: list[float] = []
    for outcome, at in uow.accounts.pair_sign_ins(login[:64], address[:64], since):
        if outcome == "success":
            break  # a success starts the count again
        pair.append(_seconds(at))
    by_address = [_seconds(at) for at in uow.accounts.address_failures(address[:64], since)]
    wait = wait_seconds(pair, by_address, now.timestamp(), rule)
    if wait > 0:
        _log(uow, login, address, "throttled")
        uow.commit()
        raise Throttled(wait)
    user = uow.accounts.user_by_login(login)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        _log(uow, login, address, "failure", user_id=user.id if user else None)
        uow.commit()
        raise BadCredentials
    if needs_rehash(user.password_hash):  # made with older parameters
        uow.accounts.set_password(user.id, hash_password(password))
    _log(uow, login, address, "success", user_id=user.id)
    uow.commit()
    return SignedIn(principal_of(user), user.must_change_password)


def change_password(
    uow: UnitOfWork,
    user_id: int,
    current: str,
    new: str,
    confirm: str,
    address: str,
    session_id: str | None = None,
) -> None:
    """Replace the user's password; ends the user's other sessions."""
    user = uow.accounts.user(user_id)
    if user is None:
        raise PasswordError("current_password", "利用者が見つかりません。")
    if not verify_password(user.password_hash, current):
        raise PasswordError("current_password", "「現在のパスワード」が違います。")
    shortest = min_length()
    if len(new) < shortest:
        raise PasswordError(
            "new_password", f"「新しいパスワード」は {shortest} 文字以上にしてください。"
        )
    if new == current:
        raise PasswordError(
            "new_password", "「新しいパスワード」は現在のパスワードと違うものにしてください。"
        )
    if new != confirm:
        raise PasswordError(
            "confirm_password", "「新しいパスワード（確認）」が「新しいパスワード」と一致しません。"
        )
    uow.accounts.set_password(user.id, hash_password(new), must_change=False, changed_at=utcnow())
    uow.accounts.end_user_sessions(user.id, keep=session_id)
    _log(uow, user.login, address, "password_changed", user_id=user.id, actor_id=user.id)
    uow.commit()


def reset_password(uow: UnitOfWork, actor: Principal, user: UserRecord, address: str) -> str:
    """Give ``user`` a temporary password that must be changed at the next sign-in; returns it
    (shown once to the officer who reset it, never stored in clear)."""
    temporary = temporary_password()
    uow.accounts.set_password(
        user.id, hash_password(temporary), must_change=True, changed_at=utcnow()
    )
    uow.accounts.end_user_sessions(user.id)
    _log(uow, user.login, address, "password_reset", user_id=user.id, actor_id=actor.user_id)
    uow.commit()
    return temporary
