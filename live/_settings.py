"""Runtime settings for the live runtime, read from ``EMBER_*`` environment variables."""

from __future__ import annotations

import logging

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "ember-development-secret-key-do-not-use-in-production"  # noqa: S105

logger = logging.getLogger("ember.live")


class LiveSettings(BaseSettings):
    """Settings of the live runtime. Every field reads ``EMBER_<NAME>`` from the environment."""

    model_config = SettingsConfigDict(env_prefix="EMBER_", env_file=".env", extra="ignore")

    secret_key: str = Field(
        default=DEVELOPMENT_SECRET_KEY,
        min_length=16,
        description="Signs session tokens. Set a long random value in production.",
    )
    token_max_age_seconds: int = Field(default=24 * 3600, gt=0)
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) allowed besides the page's own host.",
    )
    max_frame_bytes: int = Field(default=1024 * 1024, gt=0)
    events_per_second: float = Field(
        default=100.0, gt=0, description="Frames a session may send per second, sustained."
    )
    event_burst: int = Field(default=200, gt=0, description="Frames a session may send at once.")
    # Generous by default: behind a proxy every client shares the proxy's address unless
    # the server trusts forwarded headers (uvicorn --proxy-headers --forwarded-allow-ips).
    max_sessions_per_ip: int = Field(default=10_000, gt=0)
    max_handshakes_per_ip: int = Field(
        default=10_000, gt=0, description="Websocket handshakes per client IP per window."
    )
    handshake_window_seconds: float = Field(default=60.0, gt=0)
    loop_lag_threshold_ms: float = Field(default=100.0, gt=0)
    recovery_url: str = Field(
        default="memory://",
        description="Where session snapshots live: memory:// (this process) or redis://…",
    )
    recovery_ttl_seconds: int = Field(default=3600, gt=0)
