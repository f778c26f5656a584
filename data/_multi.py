"""``Multi``: several changeset writes run atomically, reporting which step failed.

Build one step by step (each step has a name), then ``await repo.run(multi)``. A step's
changeset may be given directly or computed from the values of the steps before it::

    multi = (
        Multi()
        .insert("user", user_changeset(User(), attrs))
        .insert("post", lambda done: post_changeset(Post(user_id=done["user"].id), attrs))
    )
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import inspect as sa_inspect

from ._changeset import Action, Changeset
from ._errors import ChangesetError
from ._result import Result

if TYPE_CHECKING:
    from ._repo import Repo

__all__ = ["Multi", "MultiResult"]

Values = Mapping[str, object]
ChangesetSource = Changeset[object] | Callable[[Values], Changeset[object]]
Step = Callable[["Repo", Values], Awaitable[Result[object]]]


@dataclass(frozen=True)
class MultiResult:
    """The outcome of a Multi: every step's value, or the step that failed."""

    ok: bool
    values: Mapping[str, object]
    failed_step: str | None = None
    changeset: Changeset[object] | None = None


@dataclass(frozen=True)
class Multi:
    """An ordered list of named writes that succeed or fail together (immutable)."""

    steps: tuple[tuple[str, Step], ...] = field(default=())
    # Changesets given directly, checked before the transaction starts (as Ecto does).
    given: tuple[tuple[str, Changeset[object], str], ...] = field(default=())

    def _add(self, name: str, step: Step) -> Multi:
        if any(existing == name for existing, _ in self.steps):
            raise ChangesetError(
                f"Expected a new step name, but {name!r} is already used in this Multi. "
                f"Give every step its own name so the results can be told apart."
            )
        return dataclasses.replace(self, steps=(*self.steps, (name, step)))

    def _write(self, name: str, source: ChangesetSource, method: str) -> Multi:
        async def step(repo: Repo, values: Values) -> Result[object]:
            cs = source(values) if callable(source) else source
            write: Callable[[Changeset[object]], Awaitable[Result[object]]] = getattr(repo, method)
            return await write(cs)

        added = self._add(name, step)
        if isinstance(source, Changeset):
            added = dataclasses.replace(added, given=(*added.given, (name, source, method)))
        return added

    def insert(self, name: str, source: ChangesetSource) -> Multi:
        """Add an insert step."""
        return self._write(name, source, "insert")

    def update(self, name: str, source: ChangesetSource) -> Multi:
        """Add an update step."""
        return self._write(name, source, "update")

    def delete(self, name: str, source: ChangesetSource) -> Multi:
        """Add a delete step."""
        return self._write(name, source, "delete")

    def insert_or_update(self, name: str, source: ChangesetSource) -> Multi:
        """Add an insert-or-update step."""
        return self._write(name, source, "insert_or_update")

    def run(self, name: str, fn: Step) -> Multi:
        """Add a custom step: ``await fn(repo, values)`` returning a Result."""
        return self._add(name, fn)


def _action_of(cs: Changeset[object], method: str) -> Action:
    if method == "insert_or_update":
        state = sa_inspect(cs.data, raiseerr=False)
        return Action.UPDATE if state is not None and state.has_identity else Action.INSERT
    return Action(method)


class _Abort(Exception):
    pass


async def run_multi(repo: Repo, multi: Multi) -> MultiResult:
    """Run ``multi`` in one transaction of ``repo``; see ``Repo.run``.

    An invalid changeset given directly to a step fails the Multi before any SQL is sent.
    """
    for name, cs, method in multi.given:
        if not cs.valid:
            return MultiResult(False, {}, name, cs.put_action(_action_of(cs, method)))
    values: dict[str, object] = {}
    failure: MultiResult | None = None
    try:
        async with repo.transaction():
            for name, step in multi.steps:
                result = await step(repo, values)
                if not result.ok:
                    failure = MultiResult(False, dict(values), name, result.changeset)
                    raise _Abort
                values[name] = result.value
    except _Abort:
        assert failure is not None  # noqa: S101 - set right before raising
        return failure
    return MultiResult(True, values)
