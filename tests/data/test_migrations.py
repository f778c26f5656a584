"""Alembic glue: init, autogenerate, upgrade, downgrade, and the ``db`` CLI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from ember.data import (
    MigrationError,
    downgrade_database,
    init_migrations,
    load_metadata,
    make_engine,
    make_migration,
    upgrade_database,
)
from ember.data._cli import db_app
from tests.data.migration_models import metadata_v1, metadata_v2


async def tables(engine: AsyncEngine) -> dict[str, list[str]]:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: {
                name: [c["name"] for c in inspect(sync).get_columns(name)]
                for name in inspect(sync).get_table_names()
            }
        )


@pytest.fixture
async def engine(database_url: tuple[str, dict[str, object]]) -> AsyncIterator[AsyncEngine]:
    url, options = database_url
    engine = make_engine(url, **options)
    yield engine
    await engine.dispose()


async def test_autogenerate_upgrade_downgrade_round_trip(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    folder = init_migrations(tmp_path / "migrations")
    first = await make_migration(engine, metadata_v1(), "accounts", directory=folder)
    first_text = first.read_text().replace('"', "'")
    assert "create_table('accounts'" in first_text
    assert "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')" in first_text
    await upgrade_database(engine, metadata_v1(), directory=folder)
    assert (await tables(engine))["accounts"] == ["id", "name", "prefs"]
    empty = await make_migration(engine, metadata_v1(), "nothing", directory=folder)
    assert "op." not in empty.read_text()
    empty.unlink()

    second = await make_migration(engine, metadata_v2(), "email", directory=folder)
    assert "batch_alter_table('accounts'" in second.read_text().replace('"', "'")
    await upgrade_database(engine, metadata_v2(), directory=folder)
    assert (await tables(engine))["accounts"] == ["id", "name", "prefs", "email"]

    await downgrade_database(engine, metadata_v2(), directory=folder)
    assert (await tables(engine))["accounts"] == ["id", "name", "prefs"]
    await downgrade_database(engine, metadata_v2(), directory=folder, revision="base")
    assert "accounts" not in await tables(engine)


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(MigrationError, match="has files"):
        init_migrations(tmp_path)


async def test_commands_need_an_initialised_folder(engine: AsyncEngine, tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="ember db init"):
        await upgrade_database(engine, metadata_v1(), directory=tmp_path)


def test_load_metadata_explains_bad_paths() -> None:
    assert load_metadata("tests.data.migration_models:METADATA").tables
    with pytest.raises(MigrationError, match=r"package\.module:attribute"):
        load_metadata("tests.data.migration_models")
    with pytest.raises(MigrationError, match="importable"):
        load_metadata("tests.data.nope:METADATA")
    with pytest.raises(MigrationError, match="is a function"):
        load_metadata("tests.data.migration_models:metadata_v1")


async def test_cli_init_migrate_upgrade_downgrade(
    database_url: tuple[str, dict[str, object]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, options = database_url
    connect_args = options.get("connect_args", {})
    assert isinstance(connect_args, dict)
    schema = connect_args.get("server_settings", {}).get("search_path")
    if schema:
        monkeypatch.setenv("EMBER_DATABASE_SEARCH_PATH", schema)
    monkeypatch.setenv("EMBER_DATABASE_URL", url)
    monkeypatch.setenv("EMBER_DATABASE_METADATA", "tests.data.migration_models:METADATA")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(db_app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    # The commands call asyncio.run, so they run in a worker thread, off this test's loop.
    assert "Created migrations" in await asyncio.to_thread(run, "init")
    assert "Wrote" in await asyncio.to_thread(run, "migrate", "-m", "accounts")
    assert "Upgraded to head" in await asyncio.to_thread(run, "upgrade")
    engine = make_engine(url, **options)
    assert "accounts" in await tables(engine)
    assert "Downgraded to -1" in await asyncio.to_thread(run, "downgrade")
    assert "accounts" not in await tables(engine)
    await engine.dispose()
    failed = await asyncio.to_thread(runner.invoke, db_app, ["init"])
    assert failed.exit_code == 1
    assert "has files" in failed.output


def test_cli_without_metadata_explains(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EMBER_DATABASE_METADATA", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(db_app, ["upgrade"])
    assert result.exit_code == 1
    assert "EMBER_DATABASE_METADATA" in result.output
