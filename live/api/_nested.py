"""``live_render``: a ``LiveView`` nested in a view or a hook tree, and its messages.

The child runs as a view of its own on the tab's websocket (``ember.live.server._children``):
its own session, mailbox and engine. This module is what view authors call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from reactpy import component, html, use_effect, use_ref

from .._errors import ConfigurationError, EmberError
from ..engine._reactpy import Component
from ..server._children import (
    ChildSpec,
    check_view_id,
    child_of,
    full_view_id,
    note_first_paint,
    tab_of,
    view_of,
)
from ..server._session import LiveSession
from ._hooks import use_session
from ._js import _VIEW_EVENTS
from ._view import LiveView, Socket

__all__ = ["live_render", "send_child", "send_parent"]

logger = logging.getLogger("ember.live")


def live_render(
    view: type[LiveView],
    *,
    id: str,
    session: Mapping[str, Any] | None = None,
    sticky: bool = False,
    on_message: Callable[[Any], Awaitable[None] | None] | None = None,
) -> Component:
    """Render ``view`` here as a nested live view (LiveView's ``live_render``).

    The child has its own session, mailbox and engine on the tab's websocket: a handler that
    raises in it remounts the child only (from its recovery snapshot, if it has one), and
    the parent keeps its state. The first paint includes the child's HTML. The child's DOM
    belongs to the child: the parent's renders never touch what is inside it.

    Args:
        view: the ``LiveView`` subclass to mount.
        id: the child's id among the tab's children (letters, digits, ``_``, ``-``); a
            child with another id is another child.
        session: values for the child, set as its assigns before its ``mount`` runs
            (read them there, e.g. ``socket.assigns["room"]``). Given once, at mount: later
            renders of the parent do not change them (send a message instead).
        sticky: keep the child (its session, state and DOM) across live navigation between
            the views of the page's ``live_session`` group; the next view adopts it when it
            renders the same ``live_render(view, id=..., sticky=True)`` (put it in a layout
            component all the views share). A page load mounts it afresh.
        on_message: where :func:`send_parent` messages go, run in the parent's mailbox.
            Default: the parent ``LiveView``'s ``@on_info`` / ``handle_info``.

    Raises:
        ConfigurationError: ``view`` is not a ``LiveView`` subclass, or ``id`` is unusable.
    """
    candidate: object = view
    if not (isinstance(candidate, type) and issubclass(candidate, LiveView)):
        msg = f"Expected a LiveView subclass to live_render, got {view!r}."
        raise ConfigurationError(msg)
    check_view_id(id)
    on = _VIEW_EVENTS.get()  # rendering a LiveView: its bound ``on`` names the view
    parent_view = getattr(on, "__self__", None)
    spec = ChildSpec(
        view=view,
        id=id,
        session=dict(session or {}),
        sticky=sticky,
        on_message=on_message,
        parent_view=parent_view if isinstance(parent_view, LiveView) else None,
    )
    return _NestedView(spec, key=f"ember-view:{id}")


@component
def _NestedView(spec: ChildSpec) -> Any:
    parent = use_session()
    owner = use_ref(None)  # this placeholder, for as long as it is on the page
    view_id = full_view_id(parent, spec.id)
    if not parent.connected:
        note_first_paint(parent, view_id, spec, owner)

    def start() -> Callable[[], None] | None:
        tab = tab_of(parent)
        if tab is None or not parent.connected:
            return None
        child = tab.open(view_id, spec, parent, owner)
        return lambda: tab.release(child)

    use_effect(start, [view_id])
    return html.div({"data-ember-view": view_id})


def _session_of(where: Socket | LiveSession) -> LiveSession:
    return where if isinstance(where, LiveSession) else where.session


async def send_parent(where: Socket | LiveSession, message: Any) -> None:
    """Send ``message`` from a nested view to the view that rendered it, whose
    ``on_message`` (or ``@on_info`` / ``handle_info``) handles it in its own turn.

    Args:
        where: the child's socket (in a ``LiveView``) or session (``use_session()``).

    Raises:
        EmberError: ``where`` is not a nested view's.
    """
    child = child_of(_session_of(where))
    if child is None or not hasattr(child, "parent"):
        msg = (
            "send_parent() needs the socket or session of a nested view (one rendered with "
            "live_render); this one is a page's own view."
        )
        raise EmberError(msg)
    parent, spec = child.parent, child.spec
    if spec.on_message is not None:
        handle = spec.on_message

        async def deliver() -> None:
            outcome = handle(message)
            if outcome is not None:
                await outcome

    elif spec.parent_view is not None:
        parent_view = spec.parent_view

        async def deliver() -> None:
            await parent_view._dispatch_info(message, parent_view._socket)

    else:
        logger.warning(
            "Dropped a message of type %s from child view %s: its parent is no LiveView and "
            "gave live_render no on_message",
            type(message).__name__,
            child.id,
        )
        return
    if parent._post is not None:
        parent._post(deliver)


async def send_child(where: Socket | LiveSession, id: str, message: Any) -> bool:
    """Send ``message`` to the nested view ``id`` of this tab (rendered by ``where``'s view,
    or any view of the tab for a child's child: ``"chat/typing"``); its ``@on_info`` /
    ``handle_info`` handles it in the child's own turn.

    Returns:
        False when no such child is live (the first paint, or it is remounting).
    """
    session = _session_of(where)
    tab = tab_of(session)
    child = tab.children.get(full_view_id(session, id)) if tab is not None else None
    if child is None:
        child = tab.children.get(id) if tab is not None else None
    target = child.session if child is not None else None
    if target is None or target._post is None:
        return False
    root = view_of(target)
    if root is None:
        return False

    async def deliver() -> None:
        await root._dispatch_info(message, root._socket)

    target._post(deliver)
    return True
