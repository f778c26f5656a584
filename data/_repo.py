"""``Repo``: reads and changeset writes over a SQLAlchemy 2 async engine.

Writes take a changeset, never raw data. An invalid changeset, or an update without
changes, sends no SQL. Each write runs in a SAVEPOINT, so a rejected write leaves the
surrounding transaction usable, and expected failures (declared constraints, stale
updates) come back as a failed ``Result`` instead of an exception.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import MetaData, Select, or_, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ._changeset import Action, Changeset
from ._constraints import apply_violation, violation_of
from ._errors import ChangesetError, DatabaseUnavailableError, NotFoundError
from ._metadata import check_naming_convention
from ._preload import Strategy, load_into, path_tree, preload_options
from ._result import Result
from ._settings import (
    WRITE_OPTION,
    DatabaseSettings,
    load_database_settings,
    make_engine,
    set_up_sqlite,
)
from ._writes import Failed, check_writable, delete_row, insert_row, update_row

if TYPE_CHECKING:
    from ._multi import Multi, MultiResult

__all__ = ["Repo"]

T = TypeVar("T")


class Repo:
    """The gateway to one database: lookups, preloads and changeset writes.

    Args:
        engine: an async engine (see ``make_engine``); on SQLite, one made elsewhere is
            given ember's set-up (foreign keys on, nesting SAVEPOINTs, BEGIN IMMEDIATE
            for writes) on every connection it hands out.
        metadata: the models' MetaData; its naming convention is checked here, at start.
        raise_on_lazy_load: development mode, every query the repo builds makes
            relationships that were not preloaded raise when touched.
    """

    def __init__(
        self, engine: AsyncEngine, metadata: MetaData, *, raise_on_lazy_load: bool = False
    ) -> None:
        check_naming_convention(metadata)
        # An engine the app made itself (create_async_engine) gets ember's SQLite set-up
        # too: without it foreign keys are not enforced and SAVEPOINTs do not nest, so a
        # failed step of a Multi would keep the steps before it.
        set_up_sqlite(engine)
        self.engine = engine
        self.metadata = metadata
        self.raise_on_lazy_load = raise_on_lazy_load
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._current: contextvars.ContextVar[AsyncSession | None] = contextvars.ContextVar(
            f"ember_repo_session_{id(self)}", default=None
        )

    @classmethod
    def from_settings(cls, metadata: MetaData, settings: DatabaseSettings | None = None) -> Repo:
        """A repo on ``EMBER_DATABASE_URL`` (or the given settings).

        Raises:
            ConfigurationError: an ``EMBER_DATABASE_*`` variable does not validate.
        """
        settings = settings or load_database_settings()
        engine = make_engine(settings=settings)
        return cls(engine, metadata, raise_on_lazy_load=settings.raise_on_lazy_load)

    # -- lifecycle ------------------------------------------------------------------

    async def create_all(self) -> None:
        """Create every table of the MetaData (tests and prototypes; use migrations after)."""
        async with self._connection_errors(), self.engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def check(self) -> None:
        """Open a connection and run ``SELECT 1``.

        Raises:
            DatabaseUnavailableError: naming the URL (password hidden) and the pool state.
        """
        async with self.session() as session:
            await session.execute(text("SELECT 1"))

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[Repo]:
        """Check the database at start-up and close the pool at shutdown.

        Use it from an app's lifespan: ``async with repo.lifespan(): yield``.
        """
        await self.check()
        try:
            yield self
        finally:
            await self.dispose()

    @asynccontextmanager
    async def _connection_errors(self) -> AsyncIterator[None]:
        try:
            yield
        except PoolTimeoutError as exc:
            url = self.engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailableError(
                f"Expected a free connection to {url}, but the pool stayed exhausted: "
                f"{_first_line(exc)}. Pool state: {self.engine.pool.status()}. Raise "
                f"EMBER_DATABASE_POOL_SIZE / MAX_OVERFLOW, or hold sessions for less time."
            ) from exc
        except (OperationalError, InterfaceError, OSError) as exc:
            if isinstance(exc, OperationalError | InterfaceError) and not _is_connect_error(exc):
                raise
            url = self.engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailableError(
                f"Expected to reach the database at {url}, but connecting failed: "
                f"{_first_line(exc)}. Pool state: {self.engine.pool.status()}. Check that the "
                f"server runs and EMBER_DATABASE_URL is right."
            ) from exc

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """The current transaction's session, or a new one committed at the end.

        Args:
            write: the block will write; on SQLite its transaction takes the write lock
                at BEGIN, so it waits for other writers instead of failing with
                "database is locked" when it reads first.
        """
        current = self._current.get()
        if current is not None:
            yield current
            return
        options = {WRITE_OPTION: True} if write else None
        async with self.sessionmaker() as session, session.begin():
            async with self._connection_errors():
                await session.connection(execution_options=options)
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Run the block in one transaction: every repo call inside it shares it.

        An exception rolls the whole block back; inside another transaction this is a
        SAVEPOINT, so only the inner block is undone.
        """
        current = self._current.get()
        if current is not None:
            async with current.begin_nested():
                yield current
            return
        async with self.session(write=True) as session:
            token = self._current.set(session)
            try:
                yield session
            finally:
                self._current.reset(token)

    # -- reads ----------------------------------------------------------------------

    def select(
        self, model: type[T], *, preload: Sequence[str] = (), strategy: Strategy = "selectin"
    ) -> Select[T]:
        """``select(model)`` with preload options (and raise-on-lazy-load in dev mode)."""
        options = preload_options(
            model, preload, strategy=strategy, raise_on_lazy_load=self.raise_on_lazy_load
        )
        return select(model).options(*options)

    async def all(self, query: type[T] | Select[T], *, preload: Sequence[str] = ()) -> list[T]:
        """Every row of a model or a select, with ``preload`` relationships loaded."""
        stmt = self._as_select(query, preload)
        async with self.session() as session:
            return list((await session.scalars(stmt)).unique().all())

    async def one_or_none(
        self, query: type[T] | Select[T], *, preload: Sequence[str] = ()
    ) -> T | None:
        """The only row of a select, or None."""
        stmt = self._as_select(query, preload)
        async with self.session() as session:
            return (await session.scalars(stmt)).unique().one_or_none()

    async def get(self, model: type[T], id: object, *, preload: Sequence[str] = ()) -> T | None:
        """The row with primary key ``id``, or None when there is none."""
        mapper = sa_inspect(model)
        ids = id if isinstance(id, tuple) else (id,)
        stmt = self.select(model, preload=preload).where(
            *(column == value for column, value in zip(mapper.primary_key, ids, strict=True))
        )
        async with self.session() as session:
            stmt = stmt.execution_options(populate_existing=True)
            return (await session.scalars(stmt)).unique().one_or_none()

    async def get_or_raise(self, model: type[T], id: object, *, preload: Sequence[str] = ()) -> T:
        """The row with primary key ``id``.

        Raises:
            NotFoundError: there is no such row (a mounted view shows a 404 page).
        """
        found = await self.get(model, id, preload=preload)
        if found is None:
            raise NotFoundError(model, id)
        return found

    async def get_by(
        self, model: type[T], *, preload: Sequence[str] = (), **filters: object
    ) -> T | None:
        """The row whose columns equal ``filters`` (e.g. ``email=...``), or None."""
        stmt = self.select(model, preload=preload).filter_by(**filters)
        async with self.session() as session:
            stmt = stmt.execution_options(populate_existing=True)
            return (await session.scalars(stmt)).unique().one_or_none()

    async def get_by_or_raise(
        self, model: type[T], *, preload: Sequence[str] = (), **filters: object
    ) -> T:
        """The row whose columns equal ``filters``.

        Raises:
            NotFoundError: there is no such row (``.id`` holds the filters).
        """
        found = await self.get_by(model, preload=preload, **filters)
        if found is None:
            raise NotFoundError(model, filters)
        return found

    async def unsafe_validate_unique(
        self,
        changeset: Changeset[T],
        fields: str | Sequence[str],
        *,
        message: str = "has already been taken",
        error_field: str | None = None,
    ) -> Changeset[T]:
        """Check with a query that no other row has the same values for ``fields``.

        Runs only when one of the fields changed and the changeset has no errors on them.
        "Unsafe" because another writer can still race in before the insert: keep the
        ``unique_constraint`` too; this gives the form early feedback.
        """
        names = [fields] if isinstance(fields, str) else list(fields)
        target = error_field or names[0]
        if not any(n in changeset.changes for n in names) or changeset.messages_on(target):
            return changeset
        mapper = sa_inspect(type(changeset.data))
        model = mapper.class_
        stmt = select(*mapper.primary_key).filter_by(**{n: changeset.get_field(n) for n in names})
        state = sa_inspect(changeset.data)
        if state.has_identity:
            own = mapper.primary_key_from_instance(changeset.data)
            stmt = stmt.where(or_(*(c != v for c, v in zip(mapper.primary_key, own, strict=True))))
        async with self.session() as session:
            taken = (await session.execute(stmt.select_from(model).limit(1))).first()
        if taken is None:
            return changeset
        return changeset.add_error(target, message, validation="unsafe_unique", fields=names)

    async def preload(self, records: Sequence[T], paths: Sequence[str]) -> list[T]:
        """Load ``paths`` onto the given records themselves: one query per level.

        The records are not reloaded (one deleted meanwhile stays, with empty
        relationships); the same objects come back, in a new list.
        """
        records = list(records)
        async with self.session() as session:
            await load_into(session, records, path_tree(paths), self.select)
        return records

    def _as_select(self, query: type[T] | Select[T], preload: Sequence[str]) -> Select[T]:
        if isinstance(query, Select):
            model = query.column_descriptions[0]["entity"]
            options = preload_options(model, preload, raise_on_lazy_load=self.raise_on_lazy_load)
            return query.options(*options)
        return self.select(query, preload=preload)

    # -- writes ---------------------------------------------------------------------

    async def insert(self, changeset: Changeset[T]) -> Result[T]:
        """Insert the changeset's record (and nested inserts); no SQL when invalid."""
        return await self._write(changeset, Action.INSERT)

    async def update(self, changeset: Changeset[T]) -> Result[T]:
        """Write the changes to a loaded record; no SQL when invalid or unchanged."""
        return await self._write(changeset, Action.UPDATE)

    async def delete(self, changeset: Changeset[T] | T) -> Result[T]:
        """Delete a loaded record; declared constraints become errors on the changeset."""
        cs = changeset if isinstance(changeset, Changeset) else Changeset.change(changeset)
        return await self._write(cs, Action.DELETE)

    async def insert_or_update(self, changeset: Changeset[T]) -> Result[T]:
        """Insert a new record, or update one that was loaded from the database."""
        loaded = sa_inspect(changeset.data).has_identity
        return await self._write(changeset, Action.UPDATE if loaded else Action.INSERT)

    async def _write(self, changeset: Changeset[T], action: Action) -> Result[T]:
        cs = changeset.put_action(action)
        if not cs.valid:
            return Result.failure(cs)
        state = sa_inspect(cs.data, raiseerr=False)
        if state is None:
            raise ChangesetError(
                f"Expected a changeset of a SQLAlchemy mapped record, but its data is a "
                f"{type(cs.data).__name__}. Use apply_action() for changesets not stored here."
            )
        if action is Action.INSERT and state.has_identity:
            raise ChangesetError(
                f"Expected a new {type(cs.data).__name__} to insert, but got one loaded from "
                f"the database. Use update() for it, or insert_or_update() to pick by state."
            )
        if action is not Action.INSERT and not state.has_identity:
            raise ChangesetError(
                f"Expected a record loaded from the database to {action}, but got a new "
                f"{type(cs.data).__name__}. Load it with repo.get() first, or use insert()."
            )
        if action is Action.UPDATE and not cs.changes:
            return Result.success(cs.data, cs)
        check_writable(cs)
        async with self.session(write=True) as session:
            try:
                async with session.begin_nested():
                    for prepare in cs.prepare:
                        cs = await prepare(cs, session)
                    if not cs.valid:
                        raise Failed(cs)  # type: ignore[arg-type]
                    if action is Action.INSERT:
                        value = await insert_row(session, cs)
                    elif action is Action.UPDATE:
                        value = await update_row(session, cs)
                    else:
                        value = await delete_row(session, cs)
            except Failed as failed:
                return Result.failure(failed.changeset)  # type: ignore[arg-type]
            except IntegrityError as exc:
                violation = violation_of(exc, self.metadata, self.engine.dialect)
                return Result.failure(apply_violation(cs, violation, action.value))
        return Result.success(value, cs)

    async def run(self, multi: Multi) -> MultiResult:
        """Run every step of ``multi`` in one transaction; the first failure undoes all."""
        from ._multi import run_multi

        return await run_multi(self, multi)


def _is_connect_error(exc: OperationalError | InterfaceError) -> bool:
    text = str(exc.orig).lower()
    return exc.connection_invalidated or any(
        word in text for word in ("unable to open", "connect", "refused", "timeout")
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
    return text.splitlines()[0]
