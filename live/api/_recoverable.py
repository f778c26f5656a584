"""Recoverable assigns, shared by ``LiveView`` and ``LiveComponent``: what goes into the
session's snapshot and what comes back from it after a reconnect.

The class names a pydantic model (``recoverable``), its version (``recoverable_version``)
and a ``migrate_recoverable`` classmethod for older snapshots. The snapshot entry is
``{"version": …, "data": {…}}`` under a key the owner chooses (a view's qualified name, a
component's name and id).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from ..server._session import MISSING, LiveSession

logger = logging.getLogger("ember.live")


class RecoverableAssigns:
    """The base of views and components whose assigns may survive reconnects."""

    recoverable: ClassVar[type[BaseModel] | None] = None
    """A pydantic model naming the assigns that survive reconnects (its fields), or None."""
    recoverable_version: ClassVar[int] = 1
    """Bump when ``recoverable`` changes shape; older snapshots go to ``migrate_recoverable``."""

    @classmethod
    def migrate_recoverable(cls, version: int, data: dict[str, Any]) -> dict[str, Any] | None:
        """Turn a snapshot of an older ``recoverable_version`` into the current shape.

        Return None (the default) to drop it: the view or component then mounts fresh.
        """
        return None

    def restored_assigns(self, session: LiveSession, key: str, name: str) -> dict[str, Any] | None:
        """The assigns the snapshot this session resumed from holds under ``key``, validated
        by ``recoverable`` (migrated first when older), or None: nothing there (or an entry
        :meth:`forget_assigns` cleared), or something that does not validate, an entry that
        is not a dict included (logged, with ``name`` saying whose it was)."""
        model = self.recoverable
        raw = session.restored_value("views", key)
        if model is None or raw is MISSING or raw is None:  # None: forgotten (forget_assigns)
            return None
        # Any other entry that is not a dict fails validation below: logged, never silent.
        data = raw.get("data") if isinstance(raw, dict) else None
        version = raw.get("version") if isinstance(raw, dict) else None
        if (
            isinstance(data, dict)
            and isinstance(version, int)
            and version != self.recoverable_version
        ):
            data = self.migrate_recoverable(version, data)
            if data is None:
                logger.info(
                    "%s dropped a version %s snapshot of session %s", name, version, session.id
                )
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
        self, session: LiveSession, key: str, name: str, assigns: Mapping[str, Any]
    ) -> None:
        """Keep the recoverable ones of ``assigns`` in the session's snapshot under ``key``
        (connected sessions only; the first paint has no snapshot)."""
        model = self.recoverable
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
        session.remember("views", key, {"version": self.recoverable_version, "data": data})

    def forget_assigns(self, session: LiveSession, key: str) -> None:
        """Drop what the snapshot holds under ``key`` (the owner failed: it starts afresh)."""
        if self.recoverable is not None and session.connected:
            session.remember("views", key, None)
