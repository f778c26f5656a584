"""``AsyncResult``: the state of work that runs beside a view (loading, ok or failed)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class AsyncStatus(enum.Enum):
    """Where a piece of async work stands."""

    LOADING = "loading"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AsyncResult(Generic[T]):
    """The outcome of async work, as a view renders it.

    Build one with :meth:`loading`, :meth:`succeeded` or :meth:`failed_with`.
    """

    status: AsyncStatus
    result: T | None = None
    error: BaseException | None = None

    @classmethod
    def loading(cls) -> AsyncResult[T]:
        """The work has started and not finished."""
        return cls(AsyncStatus.LOADING)

    @classmethod
    def succeeded(cls, result: T) -> AsyncResult[T]:
        """The work finished with ``result``."""
        return cls(AsyncStatus.OK, result=result)

    @classmethod
    def failed_with(cls, error: BaseException) -> AsyncResult[T]:
        """The work raised ``error`` (or was cancelled)."""
        return cls(AsyncStatus.FAILED, error=error)

    @property
    def is_loading(self) -> bool:
        return self.status is AsyncStatus.LOADING

    @property
    def ok(self) -> bool:
        return self.status is AsyncStatus.OK

    @property
    def failed(self) -> bool:
        return self.status is AsyncStatus.FAILED
