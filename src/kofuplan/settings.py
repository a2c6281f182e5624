"""The service's own settings that the use cases read: password hashing and how often the
stored summaries are recomputed (issue 12: server settings are settings, from the environment
as ``KOFUPLAN_…``, not rules of the notice in ``rules/``).

The web app's :class:`kofuplan.adapters.web.settings.Settings` extends these with the server's
limits; the bootstrap installs the one the CLI or the app runs with, and the use cases read it
through :func:`current`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ServiceSettings", "current", "install", "using"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KOFUPLAN_", extra="ignore")

    # The password policy of the service's accounts: at least 8 characters (NIST SP 800-63B);
    # 10 because an account is shared by an office. An operator's security setting, not a rule
    # of the notice, so it is a setting (it was service.password_min_length in rules/).
    password_min_length: int = Field(default=10, ge=8)
    # argon2id: OWASP Password Storage Cheat Sheet, minimum configuration m=19 MiB (19456 KiB),
    # t=2, p=1. kofuplan takes that minimum rather than RFC 9106's 64 MiB, t=3, p=4
    # (argon2-cffi's default): on the 2-core server one verification costs about 23 ms of CPU
    # instead of about 150 ms, so the morning sign-in of 1,789 offices does not queue
    # (bench/bench_web_load.py, sign-in). A hash made with other parameters still verifies and
    # is replaced at the next sign-in.
    argon2_memory_kib: int = Field(default=19456, ge=19456)
    argon2_time_cost: int = Field(default=2, ge=2)
    argon2_parallelism: int = Field(default=1, ge=1)
    # The shortest interval between two recomputations of the national and prefecture
    # summaries after changes (the changes within it are summed in one recompute). A kofuplan
    # estimate on bench/bench_web_load.py (2 cores, 50 users saving without pause):
    # recomputing the national view after every save took most of a core; once per 5 s keeps
    # the pages at most seconds behind.
    summary_refresh_seconds: float = Field(default=5.0, ge=0)


_current: list[ServiceSettings] = []


def current() -> ServiceSettings:
    """The settings the bootstrap installed (from the environment where none was)."""
    if not _current:
        _current.append(ServiceSettings())
    return _current[-1]


def install(settings: ServiceSettings) -> None:
    _current[:] = [settings]


@contextmanager
def using(settings: ServiceSettings) -> Iterator[ServiceSettings]:
    """Run with ``settings`` for a while (tests)."""
    _current.append(settings)
    try:
        yield settings
    finally:
        _current.remove(settings)
