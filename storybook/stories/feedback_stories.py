"""Stories for spinner, progress, empty state, toast, flash group and async_result."""

from __future__ import annotations

from typing import Literal

from reactpy import component, html, use_effect
from reactpy.types import VdomDict

from ember.components import (
    async_result,
    button,
    empty_state,
    flash_group,
    progress,
    spinner,
    toast,
)
from ember.live import AsyncResult, use_session

from . import Story


@component
def flash_demo(
    kind: Literal["info", "success", "warning", "error"] = "info",
    message: str = "Saved.",
    auto_dismiss_ms: int = 5000,
) -> VdomDict:
    """A button that puts a flash message, and the flash group that shows it."""
    session = use_session()

    def put(event: object) -> None:
        session.put_flash(kind, message)

    def on_connect() -> None:
        if session.connected:
            session.put_flash(kind, message)

    use_effect(on_connect, [session.connected])
    return html.div(
        button("Show flash", variant="secondary", on_click=put, id="put-flash"),
        flash_group(auto_dismiss_ms=auto_dismiss_ms, position="bottom-end"),
    )


def _names(value: object) -> VdomDict:
    names = value if isinstance(value, list) else []
    return html.ul(*[html.li({"key": str(name)}, str(name)) for name in names])


stories = [
    Story(
        name="spinner",
        component=spinner,
        variations={"medium": {}, "small": {"size": "sm"}, "large": {"size": "lg"}},
    ),
    Story(
        name="progress",
        component=progress,
        variations={
            "a third": {"value": 33, "label": "Uploading", "show_value": True},
            "done": {"value": 100, "label": "Import", "show_value": True},
            "indeterminate": {"value": None, "label": "Waiting"},
        },
    ),
    Story(
        name="empty_state",
        component=empty_state,
        variations={
            "plain": {"title": "No users yet"},
            "with action": {
                "title": "No invoices",
                "description": "Invoices you create show up here.",
                "icon_name": "mail",
                "action": button("New invoice", icon_name="plus"),
            },
        },
    ),
    Story(
        name="toast",
        component=toast,
        variations={
            kind: {"message": f"This is a {kind} message.", "kind": kind}
            for kind in ("info", "success", "warning", "error")
        }
        | {
            "with title and dismiss": {
                "message": "Your changes were saved.",
                "title": "Saved",
                "kind": "success",
                "on_close": lambda event: None,
            }
        },
    ),
    Story(
        name="flash_group",
        component=flash_demo,
        description="put_flash shows a toast that goes away by itself.",
        variations={
            "info": {"kind": "info", "message": "Welcome back."},
            "error, kept": {"kind": "error", "message": "Could not save.", "auto_dismiss_ms": 0},
        },
    ),
    Story(
        name="async_result",
        component=async_result,
        variations={
            "loading": {"result": AsyncResult.loading(), "ok": _names},
            "ok": {"result": AsyncResult.succeeded(["Ada", "Grace"]), "ok": _names},
            "failed": {"result": AsyncResult.failed_with(RuntimeError("boom")), "ok": _names},
        },
    ),
]
