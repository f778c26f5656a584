"""Engine settings, SQLite fix-ups and unreachable-database errors."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
from sqlalchemy import text

from ember.data import (
    ConfigurationError,
    DatabaseSettings,
    DatabaseUnavailableError,
    DataError,
    Repo,
    load_database_settings,
    make_engine,
)
from tests.data.models import Base, User


def test_settings_default_to_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMBER_DATABASE_URL", raising=False)
    assert DatabaseSettings().url == "sqlite+aiosqlite:///./ember.db"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBER_DATABASE_URL", "postgresql+asyncpg://u:p@db/app")
    monkeypatch.setenv("EMBER_DATABASE_POOL_SIZE", "20")
    settings = DatabaseSettings()
    assert (settings.url, settings.pool_size) == ("postgresql+asyncpg://u:p@db/app", 20)
    engine = make_engine(settings=settings)
    assert engine.pool.size() == 20  # type: ignore[attr-defined]


def test_bad_variable_is_named_with_its_value_and_what_was_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMBER_DATABASE_POOL_SIZE", "abc")
    monkeypatch.setenv("EMBER_DATABASE_POOL_TIMEOUT", "soon")

    with pytest.raises(ConfigurationError) as caught:
        make_engine()

    message = str(caught.value)
    assert "EMBER_DATABASE_POOL_SIZE='abc': Input should be a valid integer" in message
    assert "EMBER_DATABASE_POOL_TIMEOUT='soon': Input should be a valid number" in message
    assert isinstance(caught.value, DataError)


@pytest.mark.parametrize(
    "url",
    ["postgresql+asyncpg://app:s3cr@t@db:port/app", "not a url", "postgres ql://app:s3cr@t@db/app"],
)
def test_bad_url_is_named_with_its_password_hidden(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("EMBER_DATABASE_URL", url)

    with pytest.raises(
        ConfigurationError, match=r"EMBER_DATABASE_URL=.*: Expected a SQLAlchemy URL"
    ):
        Repo.from_settings(Base.metadata)
    with pytest.raises(ConfigurationError) as caught:
        load_database_settings()
    assert "s3cr" not in str(caught.value)
    assert "t@" not in str(caught.value)


def test_cli_names_a_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from ember.data._cli import db_app

    monkeypatch.setenv("EMBER_DATABASE_MAX_OVERFLOW", "many")
    result = CliRunner().invoke(
        db_app, ["upgrade", "--metadata", "tests.data.models:Base.metadata"]
    )
    assert result.exit_code == 1
    assert "EMBER_DATABASE_MAX_OVERFLOW='many'" in result.output


async def test_from_settings_builds_a_working_repo(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EMBER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    repo = Repo.from_settings(Base.metadata)
    await repo.create_all()
    assert await repo.all(User) == []
    await repo.dispose()


async def test_repo_engine_has_foreign_keys_on(repo: Repo) -> None:
    async with repo.session() as session:
        if repo.engine.dialect.name == "sqlite":
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_unreachable_sqlite_names_url_and_pool(tmp_path: Path) -> None:
    repo = Repo(make_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"), Base.metadata)
    with pytest.raises(DatabaseUnavailableError, match=r"missing/dir/x\.db.*Pool state"):
        await repo.get(User, 1)
    await repo.dispose()
    # aiosqlite's worker thread of the failed connection stops when the connection is
    # collected; let that happen while this test's event loop still runs.
    gc.collect()
    await asyncio.sleep(0.05)


@pytest.mark.postgres
async def test_unreachable_postgres_hides_password(postgres_url: str) -> None:
    url = "postgresql+asyncpg://postgres:hunter2@127.0.0.1:1/test"
    repo = Repo(make_engine(url, pool_size=1, connect_args={"timeout": 2}), Base.metadata)
    with pytest.raises(DatabaseUnavailableError) as info:
        await repo.all(User)
    message = str(info.value)
    assert "hunter2" not in message
    assert "postgres:***@127.0.0.1:1/test" in message
    assert "Pool state" in message
    await repo.dispose()


async def test_exhausted_pool_names_url_and_pool_state(
    database_url: tuple[str, dict[str, object]],
) -> None:
    url, options = database_url
    engine = make_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.2, **options)
    repo = Repo(engine, Base.metadata)
    await repo.create_all()
    async with repo.session():
        # The only connection is checked out here; a second session cannot get one.
        other = Repo(engine, Base.metadata)
        with pytest.raises(DatabaseUnavailableError, match=r"pool stayed exhausted.*Pool size: 1"):
            await other.all(User)
    await repo.dispose()


async def test_lifespan_checks_then_disposes(repo: Repo) -> None:
    async with repo.lifespan() as same:
        assert same is repo
        assert await repo.all(User) == []
    assert repo.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_lifespan_fails_fast_when_unreachable(tmp_path: Path) -> None:
    repo = Repo(make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir.db"), Base.metadata)
    with pytest.raises(DatabaseUnavailableError, match="Expected to reach the database"):
        async with repo.lifespan():
            pass
    await repo.dispose()
    gc.collect()
    await asyncio.sleep(0.05)
