"""``Result``: the outcome of a changeset write, ok or failed, without exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ._changeset import Changeset
from ._errors import ResultError

__all__ = ["Result"]

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Result(Generic[T]):
    """The outcome of a write: ``ok`` with a ``value``, or failed with the ``changeset``.

    Either way ``changeset`` is the changeset with its action set, so a form built from a
    failed result shows its errors.
    """

    ok: bool
    changeset: Changeset[T]
    _value: T | None = None

    @classmethod
    def success(cls, value: T, changeset: Changeset[T]) -> Result[T]:
        """A successful result holding ``value``."""
        return cls(True, changeset, value)

    @classmethod
    def failure(cls, changeset: Changeset[T]) -> Result[T]:
        """A failed result; ``changeset`` carries the errors."""
        return cls(False, changeset, None)

    @property
    def value(self) -> T:
        """The written record; raises ResultError when the result failed."""
        if not self.ok:
            raise ResultError(
                f"Expected a successful result, but this one failed with errors "
                f"{self.changeset.error_paths()}. Check result.ok before reading value, "
                f"and show result.changeset in the form."
            )
        return self._value  # type: ignore[return-value]

    def __repr__(self) -> str:
        if self.ok:
            return f"Result(ok, {self._value!r})"
        return f"Result(error, {self.changeset.error_paths()!r})"
