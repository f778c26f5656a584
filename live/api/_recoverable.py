"""Recoverable assigns of a class-style owner (a ``LiveComponent``): what goes into the
session's snapshot and what comes back from it after a reconnect.

The owner's class names a pydantic model (``recoverable``), its version
(``recoverable_version``) and a ``migrate_recoverable`` classmethod for older snapshots,
as a ``LiveView`` does. The snapshot entry is ``{"version": …, "data": {…}}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ValidationError

from ..server._session import MISSING, LiveSession

logger = logging.getLogger("ember.live")


class Recoverable(Protocol):
    """A class whose instances keep some assigns across reconnects."""

    recoverable: ClassVar[type[BaseModel] | None]
    recoverable_version: ClassVar[int]

    def migrate_recoverable(self, version: int, data: dict[str, Any]) -> dict[str, Any] | None: ...


def restored_assigns(
    owner: Recoverable, session: LiveSession, key: str, name: str
) -> dict[str, Any] | None:
    """The assigns the snapshot this session resumed from holds under ``key``, validated
    by the owner's model (migrated first when older), or None: nothing there, or
    something that no longer validates (logged)."""
    model = owner.recoverable
    raw = session.restored_value("views", key)
    if model is None or raw is MISSING or not isinstance(raw, dict):
        return None
    data, version = raw.get("data"), raw.get("version")
    if isinstance(data, dict) and isinstance(version, int) and version != owner.recoverable_version:
        data = owner.migrate_recoverable(version, data)
        if data is None:
            logger.info("%s dropped a version %s snapshot of session %s", name, version, session.id)
            return None
    try:
        state = model.model_validate(data)
    except ValidationError as error:
        logger.warning(
            "%s dropped the snapshot of session %s: it does not validate (%s)",
            name,
            session.id,
            error.errors()[0]["msg"] if error.errors() else error,
        )
        return None
    return {field: getattr(state, field) for field in type(state).model_fields}


def remember_assigns(
    owner: Recoverable, session: LiveSession, key: str, name: str, assigns: Mapping[str, Any]
) -> None:
    """Keep the owner's recoverable assigns in the session's snapshot under ``key``."""
    model = owner.recoverable
    if model is None or not session.connected:
        return
    values = {f: assigns[f] for f in model.model_fields if f in assigns}
    try:
        data = model.model_validate(values).model_dump(mode="json")
    except ValidationError as error:
        logger.warning(
            "%s could not snapshot its assigns (%s); the last snapshot stands",
            name,
            error.errors()[0]["msg"] if error.errors() else error,
        )
        return
    session.remember("views", key, {"version": owner.recoverable_version, "data": data})


def forget_assigns(owner: Recoverable, session: LiveSession, key: str) -> None:
    """Drop what the snapshot holds under ``key`` (the owner failed: it starts afresh)."""
    if owner.recoverable is not None and session.connected:
        session.remember("views", key, None)
