"""Runtime settings from the environment (``KOFUPLAN_…``), in the manner of the FastAPI
full-stack template: outside development, a default or short secret is refused."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kofuplan.domain.sign_in_throttle import ThrottleRule
from kofuplan.errors import InputError
from kofuplan.services.rule_clock import rules_on

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"
MIN_SECRET_LENGTH = 32  # bytes of a URL-safe token: 256 bits when made by secrets.token_urlsafe


class SettingsError(InputError):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KOFUPLAN_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    secret_key: str = DEVELOPMENT_SECRET
    database_url: str | None = None
    # None: Secure exactly when the request came over HTTPS (directly or via the proxy headers).
    cookie_secure: bool | None = None
    login_free_failures: int = 0  # 0: from rules/service.yaml
    login_free_failures_per_address: int = 0
    login_delay_base_seconds: float = 0
    login_delay_max_seconds: float = 0
    login_window_seconds: int = 0
    session_max_age_seconds: int = 0
    upload_max_bytes: int = 0

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
        rules: Any = rules_on(None)  # the server's limits as the rules give them today
        for name in (
            "login_free_failures",
            "login_free_failures_per_address",
            "login_window_seconds",
            "session_max_age_seconds",
            "upload_max_bytes",
        ):
            if getattr(self, name) <= 0:
                setattr(self, name, int(rules[f"service.{name}"]))
        for name in ("login_delay_base_seconds", "login_delay_max_seconds"):
            if getattr(self, name) <= 0:
                setattr(self, name, float(rules[f"service.{name}"]))
        return self

    def throttle_rule(self) -> ThrottleRule:
        return ThrottleRule(
            free_failures=self.login_free_failures,
            free_failures_per_address=self.login_free_failures_per_address,
            base_delay_seconds=self.login_delay_base_seconds,
            max_delay_seconds=self.login_delay_max_seconds,
            window_seconds=self.login_window_seconds,
        )
