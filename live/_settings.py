"""Runtime settings for the live runtime, read from ``EMBER_*`` environment variables."""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._errors import ConfigurationError

DEVELOPMENT_SECRET_KEY = "ember-development-secret-key-do-not-use-in-production"  # noqa: S105

# What ember's own client needs and nothing more: its scripts and styles from this origin
# (inline styles for the components' style attributes), images from here or data: URLs,
# the websocket to this origin, and no framing by other sites.
DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

logger = logging.getLogger("ember.live")


class LiveSettings(BaseSettings):
    """Settings of the live runtime. Every field reads ``EMBER_<NAME>`` from the environment."""

    model_config = SettingsConfigDict(env_prefix="EMBER_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = Field(
        default="development",
        description="production refuses the development secret key and other unsafe defaults.",
    )
    secret_key: str = Field(
        default=DEVELOPMENT_SECRET_KEY,
        min_length=16,
        description="Signs session tokens. Set a long random value in production.",
    )
    token_max_age_seconds: int = Field(default=24 * 3600, gt=0)
    token_reconnect_seconds: int = Field(
        default=3600,
        gt=0,
        description=(
            "A token opens a socket only this long after its page was rendered or its last "
            "socket closed; later the page reloads for a fresh one."
        ),
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) allowed besides the page's own host.",
    )
    max_frame_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="Largest frame a client may send, compressed and inflated (ember server).",
    )
    send_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A client that takes none of its output for this long is closed (4408).",
    )
    ws_ping_interval_seconds: float = Field(
        default=20.0, gt=0, description="Seconds between the server's keepalive pings."
    )
    ws_ping_timeout_seconds: float = Field(
        default=20.0, gt=0, description="A ping not answered within this is a dead client."
    )
    ws_compression: bool = Field(
        default=True, description="permessage-deflate, bounded by EMBER_MAX_FRAME_BYTES."
    )
    events_per_second: float = Field(
        default=100.0, gt=0, description="Frames a session may send per second, sustained."
    )
    event_burst: int = Field(default=200, gt=0, description="Frames a session may send at once.")
    events_per_second_per_ip: float = Field(
        default=500.0,
        gt=0,
        description="Frames all sessions of one client address may send per second, together.",
    )
    event_burst_per_ip: int = Field(
        default=1000, gt=0, description="Frames one client address may send at once."
    )
    # Generous by default: behind a proxy every client shares the proxy's address unless
    # the server trusts forwarded headers (uvicorn --proxy-headers --forwarded-allow-ips).
    max_sessions_per_ip: int = Field(default=10_000, gt=0)
    first_paint_keep_seconds: float = Field(
        default=10.0,
        ge=0,
        description=(
            "How long a worker keeps a page's mounted first paint for its websocket, which "
            "then adopts it instead of mounting again (0: never keep one)."
        ),
    )
    first_paint_keep_max: int = Field(
        default=500, ge=0, description="How many first paints a worker keeps at most."
    )
    first_paint_keep_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=0,
        description="How much page HTML the kept first paints may hold together, at most.",
    )
    max_handshakes_per_ip: int = Field(
        default=10_000, gt=0, description="Websocket handshakes per client IP per window."
    )
    handshake_window_seconds: float = Field(default=60.0, gt=0)
    loop_lag_threshold_ms: float = Field(default=100.0, gt=0)
    gc_gen0_threshold: int = Field(
        default=3_000,
        ge=0,
        description="Allocations between young collections (Python's is 700; 0 keeps it).",
    )
    gc_gen1_threshold: int = Field(
        default=0,
        ge=0,
        description="Young collections between middle ones (0 keeps Python's 10).",
    )
    gc_freeze: bool = Field(
        default=True, description="Freeze the objects alive at startup (gc.freeze)."
    )
    handler_threads: int = Field(
        default=40, gt=0, description="Sync handlers and callbacks that may run at once."
    )
    recovery_url: str = Field(
        default="memory://",
        description=(
            "Where session snapshots live: memory:// (this process), sqlite:///file (a "
            "file: they survive a restart) or redis://… (every worker)"
        ),
    )
    recovery_ttl_seconds: int = Field(default=3600, gt=0)
    content_security_policy: str = Field(
        default=DEFAULT_CONTENT_SECURITY_POLICY,
        description="The Content-Security-Policy header of ember's pages ('' sends none).",
    )
    referrer_policy: str = Field(
        default="same-origin", description="The Referrer-Policy header ('' sends none)."
    )
    frame_options: str = Field(
        default="SAMEORIGIN", description="The X-Frame-Options header ('' sends none)."
    )

    @model_validator(mode="after")
    def _production_is_safe(self) -> LiveSettings:
        if self.env == "production" and self.secret_key == DEVELOPMENT_SECRET_KEY:
            msg = (
                "EMBER_SECRET_KEY is not set (or is the development key, which anyone can "
                "read in ember's source), and EMBER_ENV=production refuses to start without "
                "a key of your own. Set EMBER_SECRET_KEY to a long random value, the same on "
                "every worker, e.g. export EMBER_SECRET_KEY=$(python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )
            raise ValueError(msg)
        return self


_warned_development_key = False


def warn_development_key() -> None:
    """Say once per process, as a warning, that tokens are signed with the development key."""
    global _warned_development_key
    if _warned_development_key:
        return
    _warned_development_key = True
    logger.warning(
        "ember is signing session tokens with its development secret key, which anyone can "
        "read in ember's source and use to forge a token for any session. Fine on your "
        "machine; anywhere else set EMBER_SECRET_KEY to a long random value (python -c "
        "'import secrets; print(secrets.token_urlsafe(48))') and EMBER_ENV=production, "
        "which refuses to start without one."
    )


def load_settings(**values: Any) -> LiveSettings:
    """Read the settings from the environment (and ``.env``), naming any bad variable.

    Raises:
        ConfigurationError: a variable does not validate; the message names each one,
            the value it had and what was expected.
    """
    try:
        return LiveSettings(**values)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else ""
            name = f"EMBER_{field.upper()}" if field else "The settings"
            given = problem.get("input")
            shown = "" if field == "" or isinstance(given, dict) else f"={given!r}"
            problems.append(f"{name}{shown}: {problem['msg'].removeprefix('Value error, ')}")
        msg = "ember's settings are not valid:\n- " + "\n- ".join(problems)
        raise ConfigurationError(msg) from None
