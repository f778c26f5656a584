"""Groups of mounts that share an identity check, like LiveView's ``live_session``.

A :class:`LiveSessionGroup` gives every mount made through it the same dependencies (an
``identity`` one that refuses anonymous visitors, say), the same ``login_redirect`` and
the same ``on_mount`` hooks, so the check runs for the page GET and for the websocket
alike. With ``disconnect_topic`` each connected session also listens on a PubSub topic
named after its identity (a session token, a user id); :func:`disconnect` on that topic,
from any worker, makes those sessions load their page again, which runs the check again:
a logged-out or revoked browser lands on the login page, in every tab at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from ember.pubsub import PubSub, message

from ..server._mount import Ember, LoginRedirect, Mount, Mountable, OnMount
from ..server._session import LiveSession

__all__ = ["Disconnect", "LiveSessionGroup", "disconnect", "live_session"]


@message("ember.live.disconnect")
class Disconnect(BaseModel):
    """Sent by :func:`disconnect`: the sessions listening on the topic must re-check."""

    model_config = ConfigDict(frozen=True)

    reason: str = ""


@dataclass(frozen=True)
class LiveSessionGroup:
    """Mounts that share their dependencies, login redirect and ``on_mount`` hooks; with a
    ``name``, links between them also switch views over the page's socket (live navigation,
    ``Ember.mount(live_session=...)``)."""

    name: str | None = None
    dependencies: Mapping[str, Any] = field(default_factory=dict)
    login_redirect: LoginRedirect | None = None
    on_mount: tuple[OnMount, ...] = ()
    ember: Ember | None = None
    login_flash: str | None = None

    def mount(self, app: FastAPI, path: str, view: Mountable, **options: Any) -> Mount:
        """Mount ``view`` as :meth:`Ember.mount` does, with the group's settings (a
        ``dependencies`` option adds to the group's; ``on_mount`` runs after its)."""
        dependencies = {**self.dependencies, **options.pop("dependencies", {})}
        on_mount = (*self.on_mount, *options.pop("on_mount", ()))
        options.setdefault("login_redirect", self.login_redirect)
        options.setdefault("live_session", self.name)
        options.setdefault("login_flash", self.login_flash)
        target = self.ember
        if target is None:
            from .. import default_ember  # the package's default, at mount time

            target = default_ember()
        return target.mount(
            app, path, view, dependencies=dependencies, on_mount=on_mount, **options
        )


def live_session(
    name: str | None = None,
    *,
    dependencies: Mapping[str, Any] | None = None,
    login_redirect: LoginRedirect | None = None,
    login_flash: str | None = None,
    on_mount: Sequence[OnMount] = (),
    disconnect_topic: Callable[[Any], str | None] | None = None,
    ember: Ember | None = None,
) -> LiveSessionGroup:
    """A group of mounts with one identity check (LiveView's ``live_session``).

    Args:
        name: the group's name: links, ``push_navigate`` and back/forward between its views
            switch views over the page's socket, without a page load (their dependencies and
            ``on_mount`` hooks run again for the new view). None: each page is a page load.
        dependencies: FastAPI dependencies for every mount of the group, by name; the
            name ``identity`` fills ``session.identity`` (raise 401/403 to refuse).
        login_redirect: where a refused browser goes (see :meth:`Ember.mount`).
        login_flash: an error flash the login page then shows.
        on_mount: ``async (session) -> None`` hooks run before each view mounts.
        disconnect_topic: ``identity -> topic`` (or None for no topic): each connected
            session listens there, and :func:`disconnect` on it sends those sessions
            through the check again (e.g. ``lambda user: f"users_sessions:{user.token}"``).
        ember: the ``Ember`` to mount with; the default one otherwise.
    """
    hooks = tuple(on_mount)
    if disconnect_topic is not None:
        hooks = (_listen_for_disconnect(disconnect_topic), *hooks)
    return LiveSessionGroup(
        name, dict(dependencies or {}), login_redirect, hooks, ember, login_flash
    )


def _listen_for_disconnect(topic_of: Callable[[Any], str | None]) -> OnMount:
    async def listen(session: LiveSession) -> None:
        if not session.connected or session.identity is None:
            return
        topic = topic_of(session.identity)
        if topic is None:
            return

        def reload(msg: Disconnect) -> None:
            # The page's GET runs the group's check again: a revoked identity is sent to
            # the login page (with login_redirect), a still-valid one just reloads.
            if isinstance(msg, Disconnect):
                session.redirect(session.location.url)

        await session.subscribe(topic, reload, types=[Disconnect])

    return listen


async def disconnect(topic: str, *, reason: str = "", pubsub: PubSub | None = None) -> None:
    """Send the live sessions listening on ``topic`` (on every worker) through their
    group's check again: call it after a log out or when revoking a session."""
    if pubsub is None:
        from .. import default_ember

        pubsub = default_ember().pubsub
    await pubsub.broadcast(topic, Disconnect(reason=reason))
