"""Counting the SQL statements an engine runs: the N+1 guard.

``assert_max_queries(engine, n)`` fails a block that runs more than ``n`` statements and
lists them, so a test catches a loop that loads one relationship per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from ._errors import QueryCountError

__all__ = ["QueryCounter", "assert_max_queries", "count_queries"]

# Transaction bookkeeping is not a query the code asked for.
_BOOKKEEPING = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA")


@dataclass
class QueryCounter:
    """The statements seen so far (transaction control left out)."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    """Count the statements ``engine`` runs inside the block."""
    counter = QueryCounter()

    def _before(
        _conn: object,
        _cursor: object,
        statement: str,
        *_args: Any,
    ) -> None:
        if not statement.lstrip().upper().startswith(_BOOKKEEPING):
            counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", _before)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", _before)


@contextmanager
def assert_max_queries(engine: AsyncEngine, limit: int) -> Iterator[QueryCounter]:
    """Fail with QueryCountError when the block runs more than ``limit`` statements.

    Raises:
        QueryCountError: listing every statement that ran.
    """
    with count_queries(engine) as counter:
        yield counter
    if counter.count > limit:
        listing = "\n".join(f"  {i}. {s}" for i, s in enumerate(counter.statements, 1))
        raise QueryCountError(
            f"Expected at most {limit} queries, but {counter.count} ran:\n{listing}\n"
            f"Preload relationships (preload=[...]) instead of loading them per row."
        )
