"""Resolving a mount's FastAPI dependencies for the page and for each live session.

ember resolves them itself rather than through a FastAPI route signature, for two reasons:

- **release**: FastAPI keeps a ``yield`` dependency open until its endpoint returns, and a
  websocket endpoint returns when the tab closes. A dependency that opens a database
  session would hold a pooled connection per open tab (15 tabs exhaust SQLAlchemy's
  default pool). ember runs the clean-up as soon as the view has mounted; the values
  stay readable, what they acquired is released.
- **refusal**: an ``HTTPException`` raised by a dependency (``401``/``403`` from an auth
  dependency) reaches ember, which can send the browser to a login page instead of raw
  JSON on the page and a refused handshake on the socket.

The app's own router-level dependencies (``FastAPI(dependencies=[...])``) are resolved
first, as FastAPI does for its routes, and ``app.dependency_overrides`` apply.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from anyio.abc import TaskGroup, TaskStatus
from fastapi import FastAPI, Request, WebSocket
from fastapi.dependencies.utils import get_dependant, solve_dependencies
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.params import Depends
from starlette.requests import HTTPConnection

# The scope keys under which FastAPI's dependency solver looks for its exit stacks (the
# names changed across FastAPI releases; every one points at ember's own stack).
_STACK_KEYS = ("fastapi_astack", "fastapi_inner_astack", "fastapi_function_astack")


@dataclass
class Resolved:
    """Dependency values, and how to release what producing them acquired."""

    values: dict[str, Any]
    _release: Callable[[], Awaitable[None]]

    async def release(self) -> None:
        """Run the clean-up of every ``yield`` dependency (once; later calls do nothing).

        Raises:
            Exception: what a dependency's clean-up raised.
        """
        await self._release()


class DependencyResolver:
    """Resolves named dependencies (plus the app's router-level ones) for a connection."""

    def __init__(
        self,
        app: FastAPI,
        path: str,
        dependencies: Mapping[str, inspect.Parameter],
        router_dependencies: Sequence[Depends] = (),
    ) -> None:
        self._app = app
        self._names = list(dependencies)
        parameters = [
            inspect.Parameter(
                f"__ember_router_{index}", inspect.Parameter.KEYWORD_ONLY, default=dependency
            )
            for index, dependency in enumerate(router_dependencies)
        ]
        parameters += dependencies.values()

        def signature_holder(**values: Any) -> None:  # pragma: no cover - never called
            del values

        signature_holder.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        self._dependant = get_dependant(path=path, call=signature_holder)
        # Nothing to resolve (the common mount): no solver, no task, no exit stack.
        self._empty = not parameters

    @property
    def resolves(self) -> bool:
        """Whether there is anything to resolve (the mount's or the app's dependencies)."""
        return not self._empty

    async def resolve(self, connection: HTTPConnection) -> Resolved:
        """Resolve the dependencies for ``connection``; the caller releases the result in
        the same task (FastAPI's clean-up scopes are tied to the task that entered them).

        Raises:
            HTTPException: a dependency refused the connection (e.g. 401 from an auth
                dependency); nothing it acquired is held.
            RequestValidationError: a parameter is missing or invalid (for a websocket:
                ``WebSocketRequestValidationError``).
        """
        if self._empty:
            return Resolved({}, _nothing_to_release)
        stack = AsyncExitStack()
        try:
            values = await self._solve(connection, stack)
        except BaseException:
            await stack.aclose()
            raise
        return Resolved(values, stack.aclose)

    async def hold(self, connection: HTTPConnection, group: TaskGroup) -> Resolved:
        """Resolve in a task of ``group`` that keeps what the dependencies acquired until
        :meth:`Resolved.release`, so it can be released from any task (a live session
        releases from inside its own task group, once the view has mounted).

        Raises:
            the same as :meth:`resolve`.
        """
        if self._empty:
            return Resolved({}, _nothing_to_release)
        # Futures, not Events: a session keeps these for its whole life, and an asyncio
        # Event holds a deque (760 bytes) where a future holds nothing until awaited.
        loop = asyncio.get_running_loop()
        released: asyncio.Future[None] = loop.create_future()
        finished: asyncio.Future[None] = loop.create_future()
        failure: list[BaseException] = []

        async def keep(*, task_status: TaskStatus[dict[str, Any]]) -> None:
            started = False
            try:
                async with AsyncExitStack() as stack:
                    task_status.started(await self._solve(connection, stack))
                    started = True
                    await released
            except Exception as error:
                if not started:
                    raise  # refused while resolving: start() raises it, nothing is held
                failure.append(error)  # a clean-up failed: release() raises it
            finally:
                if not finished.done():
                    finished.set_result(None)

        values: dict[str, Any] = await group.start(keep)

        async def release() -> None:
            if not released.done():
                released.set_result(None)
            await asyncio.shield(finished)  # a cancelled caller leaves it for the next
            if failure:
                error, failure[:] = failure[0], []
                raise error

        return Resolved(values, release)

    async def _solve(self, connection: HTTPConnection, stack: AsyncExitStack) -> dict[str, Any]:
        scope = {**connection.scope, **dict.fromkeys(_STACK_KEYS, stack)}
        target: Request | WebSocket
        if isinstance(connection, WebSocket):
            target = WebSocket(scope, connection.receive, connection.send)
        elif isinstance(connection, Request):
            target = Request(scope, connection.receive)
        else:
            target = Request(scope)
        solved = await solve_dependencies(
            request=target,
            dependant=self._dependant,
            dependency_overrides_provider=self._app,
            async_exit_stack=stack,
            embed_body_fields=False,
        )
        if solved.errors:
            if isinstance(connection, WebSocket):
                raise WebSocketRequestValidationError(solved.errors)
            raise RequestValidationError(solved.errors)
        return {name: solved.values[name] for name in self._names}


async def _nothing_to_release() -> None:
    return None
