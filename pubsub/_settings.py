"""PubSub settings (``EMBER_PUBSUB_*``) and the broadcaster backend a URL names."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._backends._base import Backoff, EmberBackend, redact
from ._errors import ConfigurationError
from ._messages import MAX_MESSAGE_BYTES

SCHEMES = ("memory", "redis", "rediss", "postgres", "postgresql", "postgresql+asyncpg")


ENV_PREFIX = "EMBER_PUBSUB_"


class PubSubSettings(BaseSettings):
    """Settings read from the environment: ``EMBER_PUBSUB_URL`` (default ``memory://``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)

    url: str = "memory://"
    signing_key: str | None = Field(
        default=None,
        min_length=16,
        description="Signs every message (HMAC-SHA256); unsigned or forged ones are dropped.",
    )
    max_message_bytes: int = Field(default=MAX_MESSAGE_BYTES, gt=0)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if urlsplit(url).scheme not in SCHEMES:
            msg = (
                f"Expected a URL starting with one of {', '.join(s + '://' for s in SCHEMES)}, "
                "e.g. memory:// or redis://127.0.0.1:6379/0"
            )
            raise ValueError(msg)
        return url


def load_settings() -> PubSubSettings:
    """Read ``EMBER_PUBSUB_*`` from the environment, naming any bad variable."""
    try:
        return PubSubSettings()
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else ""
            given = problem.get("input")
            secret = field == "signing_key"
            shown = f"={redact(given)!r}" if field and isinstance(given, str) and not secret else ""
            message = problem["msg"].removeprefix("Value error, ")
            problems.append(f"{ENV_PREFIX}{field.upper()}{shown}: {message}")
        msg = (
            "ember.pubsub's settings are not valid:\n- "
            + "\n- ".join(problems)
            + "\nFix or unset the variables listed."
        )
        raise ConfigurationError(msg) from None


def create_backend(
    url: str, backoff: Backoff | None = None, health_check: float | None = None
) -> EmberBackend:
    """The broadcaster backend for ``url``.

    Raises:
        ConfigurationError: the scheme is not one ember supports.
    """
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from ._backends._memory import MemoryBackend

        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        from ._backends._redis import RedisBackend

        return RedisBackend(url, backoff=backoff, health_check=health_check)
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        from ._backends._postgres import PostgresBackend

        return PostgresBackend(url, backoff=backoff, health_check=health_check)
    raise ConfigurationError(
        f"Expected a PubSub URL starting with one of {', '.join(s + '://' for s in SCHEMES)}, "
        f"got {redact(url)!r}. Set EMBER_PUBSUB_URL to e.g. memory:// or "
        "redis://127.0.0.1:6379/0."
    )
