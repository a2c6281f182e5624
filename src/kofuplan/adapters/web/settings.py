"""Runtime settings from the environment (``KOFUPLAN_…``), in the manner of the FastAPI
full-stack template: outside development, a default or short secret is refused."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kofuplan.domain.sign_in_throttle import ThrottleRule
from kofuplan.errors import InputError
from kofuplan.settings import ServiceSettings

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"
MIN_SECRET_LENGTH = 32  # bytes of a URL-safe token: 256 bits when made by secrets.token_urlsafe


class SettingsError(InputError):
    pass


class Settings(ServiceSettings):
    """The web server's settings: the service's own (password hashing, the summaries'
    refresh: :class:`kofuplan.settings.ServiceSettings`) and the server's limits."""

    model_config = SettingsConfigDict(env_prefix="KOFUPLAN_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    secret_key: str = DEVELOPMENT_SECRET
    database_url: str | None = None
    # None: Secure exactly when the request came over HTTPS (directly or via the proxy headers).
    cookie_secure: bool | None = None
    # The server's limits (issue 12: server settings live here, the notice's rules in rules/).
    # Sign-in failures allowed without a wait, per login and address together; beyond them each
    # failure doubles the wait (OWASP Authentication Cheat Sheet: throttle per account and
    # source with growing delays rather than a lockout an attacker could trigger).
    login_free_failures: int = Field(default=5, ge=1)
    # From one address whatever the login: a municipal office reaches the service through one
    # NAT address, so ten times the per-login allowance.
    login_free_failures_per_address: int = Field(default=50, ge=1)
    login_delay_base_seconds: float = Field(default=2.0, ge=0)  # the first wait, then doubled
    login_delay_max_seconds: float = Field(default=900.0, ge=1)  # 15 minutes at worst
    login_window_seconds: int = Field(default=3600, ge=1)  # failures older than this not counted
    # One working day (8 hours), so a shared office PC does not stay signed in overnight.
    session_max_age_seconds: int = Field(default=28800, ge=60)
    # A 30-month plan of one municipality is ~10 kB of JSON; 2 MB leaves ample room and bounds
    # memory.
    upload_max_bytes: int = Field(default=2_000_000, ge=1024)
    # The load test (bench/bench_web_load.py, 50 concurrent users on loopback): the p95 target
    # (issue 6 brief: ≤ 100 ms) and the time a person reads a page before the next action.
    load_test_p95_target_ms: int = Field(default=100, ge=1)
    load_test_think_seconds: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment != "development" and (
            self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH
        ):
            raise SettingsError(
                "KOFUPLAN_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters outside development "
                '(python -c "import secrets; print(secrets.token_urlsafe(32))")'
            )
        return self

    def throttle_rule(self) -> ThrottleRule:
        return ThrottleRule(
            free_failures=self.login_free_failures,
            free_failures_per_address=self.login_free_failures_per_address,
            base_delay_seconds=self.login_delay_base_seconds,
            max_delay_seconds=self.login_delay_max_seconds,
            window_seconds=self.login_window_seconds,
        )
