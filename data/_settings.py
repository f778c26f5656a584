"""Database settings (``EMBER_DATABASE_*``) and the engine built from them.

Pool sizing (PostgreSQL; SQLite files use SQLAlchemy's defaults): each worker process
holds up to ``pool_size + max_overflow`` connections, so keep
``workers * (pool_size + max_overflow)`` below the server's ``max_connections``. A request
that finds the pool exhausted waits ``pool_timeout`` seconds, then fails.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from ._errors import ConfigurationError

__all__ = [
    "WRITE_OPTION",
    "DatabaseSettings",
    "load_database_settings",
    "make_engine",
    "set_up_sqlite",
]

ENV_PREFIX = "EMBER_DATABASE_"

# Execution option the repo sets on connections of transactions that will write.
WRITE_OPTION = "ember_write"


class DatabaseSettings(BaseSettings):
    """Where the database is and how to pool connections, read from the environment.

    ``EMBER_DATABASE_URL`` picks the database: SQLite (aiosqlite) by default, PostgreSQL
    (``postgresql+asyncpg://…``) when one process is not enough. ``search_path`` sets the
    PostgreSQL schema search path, ``metadata`` names the models' MetaData for migrations
    (``"app.models:Base.metadata"``) and ``migrations`` the migrations folder.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    url: str = "sqlite+aiosqlite:///./ember.db"
    pool_size: int = 5
    max_overflow: int = 10
    pool_timeout: float = 30.0
    pool_recycle: int = 1800
    echo: bool = False
    raise_on_lazy_load: bool = False
    search_path: str | None = None
    metadata: str | None = None
    migrations: str = "migrations"

    @field_validator("url")
    @classmethod
    def _parses(cls, url: str) -> str:
        try:
            make_url(url)
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            msg = (
                "Expected a SQLAlchemy URL such as sqlite+aiosqlite:///./ember.db or "
                "postgresql+asyncpg://user:password@host:5432/app"
            )
            raise ValueError(msg) from None
        return url


def load_database_settings(**values: Any) -> DatabaseSettings:
    """Read ``EMBER_DATABASE_*`` from the environment, naming any bad variable.

    Args:
        values: settings given in code; they take precedence over the environment.

    Raises:
        ConfigurationError: a variable does not validate; the message names each one,
            the value it had (passwords hidden) and what was expected.
    """
    try:
        return DatabaseSettings(**values)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else ""
            given = problem.get("input")
            shown = "" if not field or isinstance(given, dict) else f"={_redact(given)!r}"
            message = problem["msg"].removeprefix("Value error, ")
            problems.append(f"{ENV_PREFIX}{field.upper()}{shown}: {message}")
        msg = (
            "ember.data's database settings are not valid:\n- "
            + "\n- ".join(problems)
            + "\nFix or unset the variables listed (or the values passed in code)."
        )
        raise ConfigurationError(msg) from None


def _redact(value: object) -> object:
    """``value`` with the password of a URL in it replaced by ``***``."""
    if isinstance(value, str):
        return re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", value)
    return value


def _set_up_sqlite_connection(
    dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: object
) -> None:
    # On checkout rather than connect, so connections pooled before the repo saw the
    # engine are set up too; once per connection.
    if record.info.get(_SQLITE_READY):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    record.info[_SQLITE_READY] = True


def _begin_sqlite(connection: Any) -> None:
    # A deferred transaction that reads and then writes cannot wait for the write
    # lock: SQLite fails it at once with "database is locked". Writing transactions
    # take the lock up front instead, and then wait (busy timeout) like any other.
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_SQLITE_READY = "ember_sqlite_ready"


def set_up_sqlite(engine: AsyncEngine) -> None:
    """Foreign keys on, and let SQLAlchemy own BEGIN so SAVEPOINTs work (pysqlite quirk).

    Does nothing for other databases, or when the engine is already set up; applied by
    ``make_engine`` and by ``Repo`` to any engine it is given.
    """
    sync = engine.sync_engine
    if sync.dialect.name != "sqlite" or event.contains(sync, "begin", _begin_sqlite):
        return
    event.listen(sync, "checkout", _set_up_sqlite_connection)
    event.listen(sync, "begin", _begin_sqlite)


def make_engine(
    url: str | URL | None = None,
    *,
    settings: DatabaseSettings | None = None,
    **kwargs: object,
) -> AsyncEngine:
    """An async engine for ``url`` (default: ``EMBER_DATABASE_URL``), set up for ember.

    On SQLite this turns foreign keys on for every connection and fixes the driver's
    transaction handling so SAVEPOINTs work. Extra keyword arguments go to
    ``create_async_engine``.

    Raises:
        ConfigurationError: no ``settings`` were given and an ``EMBER_DATABASE_*``
            variable does not validate.
    """
    settings = settings or load_database_settings()
    parsed = make_url(url if url is not None else settings.url)
    options: dict[str, object] = {"echo": settings.echo, "pool_pre_ping": True}
    if parsed.get_backend_name() != "sqlite":
        options.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout,
            pool_recycle=settings.pool_recycle,
        )
    if parsed.get_backend_name() == "postgresql" and settings.search_path:
        options["connect_args"] = {"server_settings": {"search_path": settings.search_path}}
    options.update(kwargs)
    engine = create_async_engine(parsed, **options)
    set_up_sqlite(engine)
    return engine
