"""``toast``, ``flash_group`` (the session's flash as toasts, auto-dismissed) and
``async_result`` (loading / ok / failed slots for an ``AsyncResult``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

import reactpy
from reactpy import html, use_effect
from reactpy.types import VdomDict

from ember.live import AsyncResult, use_flash, use_session

from ._base import Child, Handler, classes, kids, typed_component
from ._basic import spinner
from ._icons import icon

__all__ = ["async_result", "flash_group", "toast"]

T = TypeVar("T")
Kind = Literal["info", "success", "warning", "error"]
_ICONS = {"info": "info", "success": "success", "warning": "alert", "error": "error"}
_ORDER = ("error", "warning", "success", "info")


def toast(
    message: str,
    *,
    kind: str = "info",
    title: str | None = None,
    on_close: Handler | None = None,
    close_label: str = "Dismiss",
) -> VdomDict:
    """A short message in a box: ``role="alert"`` for errors and warnings (read at once),
    ``role="status"`` otherwise.

    Args:
        message: the text.
        kind: ``"info"``, ``"success"``, ``"warning"`` or ``"error"`` (other kinds look
            like info).
        title: a bold first line.
        on_close: shows a dismiss button that calls it with the click event.
        close_label: the dismiss button's accessible name.
    """
    known = kind if kind in _ICONS else "info"
    urgent = known in {"error", "warning"}
    return html.div(
        {
            "className": classes("ember-toast", f"ember-toast-{known}"),
            "role": "alert" if urgent else "status",
            "data-kind": kind,
        },
        icon(_ICONS[known]),
        html.div(
            {"className": "ember-toast-text"},
            *kids(
                html.p({"className": "ember-toast-title"}, title) if title else None,
                html.p({"className": "ember-toast-message"}, message),
            ),
        ),
        *kids(
            html.button(
                {
                    "type": "button",
                    "className": "ember-toast-close",
                    "aria-label": close_label,
                    "onClick": on_close,
                },
                icon("x", size="sm"),
            )
            if on_close is not None
            else None
        ),
    )


@reactpy.component
def _flash_toast(kind: str, message: str, auto_dismiss_ms: int) -> VdomDict:
    session = use_session()

    def schedule() -> Callable[[], None] | None:
        if not session.connected or auto_dismiss_ms <= 0:
            return None
        live = [True]

        def dismiss() -> None:
            if live[0] and session.flash.get(kind) == message:
                session.clear_flash(kind)

        session.call_later(auto_dismiss_ms / 1000, dismiss, name=f"flash {kind} auto-dismiss")
        return lambda: live.__setitem__(0, False)

    use_effect(schedule, [session.connected, kind, message, auto_dismiss_ms])
    return toast(message, kind=kind, on_close=lambda event: session.clear_flash(kind))


@typed_component
def flash_group(
    *,
    auto_dismiss_ms: int = 5000,
    position: Literal["top-end", "top-start", "bottom-end", "bottom-start"] = "top-end",
) -> VdomDict:
    """The session's flash messages (``put_flash``) as toasts, each dismissable and gone
    by itself after ``auto_dismiss_ms`` (errors too, unless 0).

    Args:
        auto_dismiss_ms: how long a message stays; 0 keeps it until dismissed.
        position: the screen corner the toasts stack in.
    """
    flash = use_flash()
    ordered = sorted(flash.items(), key=lambda kv: (_rank(kv[0]), kv[0]))
    return html.div(
        {
            "className": classes("ember-flash-group", f"ember-flash-{position}"),
            "aria-live": "polite",
            "id": "ember-flash",
        },
        *[
            _flash_toast(kind, message, auto_dismiss_ms, key=f"{kind}:{message}")
            for kind, message in ordered
        ],
    )


def _rank(kind: str) -> int:
    return _ORDER.index(kind) if kind in _ORDER else len(_ORDER)


def async_result(
    result: AsyncResult[T],
    *,
    ok: Callable[[T], Child],
    loading: Child = None,
    failed: Callable[[BaseException], Child] | None = None,
) -> VdomDict:
    """Show an ``AsyncResult``: a loading slot, the value, or the failure.

    Args:
        result: from ``use_async`` or ``socket.start_async``.
        ok: builds the content from the value.
        loading: shown while loading; a spinner by default.
        failed: builds the content from the error; by default a generic message (the
            error's text is not shown to users: it may hold internals).
    """
    if result.ok:
        body = ok(result.result)  # type: ignore[arg-type]  # ok means result is a T
        return html.div({"className": "ember-async", "data-status": "ok"}, *kids(body))
    if result.failed:
        error = result.error if result.error is not None else RuntimeError("failed")
        shown = (
            failed(error)
            if failed is not None
            else toast("Something went wrong while loading this.", kind="error")
        )
        return html.div({"className": "ember-async", "data-status": "failed"}, *kids(shown))
    return html.div(
        {"className": "ember-async", "data-status": "loading", "aria-busy": "true"},
        *kids(loading if loading is not None else spinner()),
    )
