"""Error boundaries: a component that fails to render takes down only its own part.

Without a boundary, a component whose render raises is replaced by a small fallback (a
``role="alert"`` element), the error is logged once with the session and the component,
and the rest of the page stays live. Inside :func:`error_boundary`, the boundary shows its
``fallback`` instead of its children, and the fallback's ``reset`` remounts them afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from reactpy import component, create_context, html, use_state

BoundaryReport = Callable[[BaseException], None]
BoundaryContext = create_context(cast(BoundaryReport | None, None))
Fallback = Callable[[BaseException, Callable[[], None]], Any]


def default_fallback(error: BaseException, reset: Callable[[], None]) -> Any:
    """A fallback that says something failed and offers to try again."""
    return html.div(
        {"role": "alert", "className": "ember-boundary-error"},
        html.p("This part of the page failed to load."),
        html.button({"type": "button", "onClick": lambda event: reset()}, "Try again"),
    )


def render_error_model() -> dict[str, Any]:
    """What stands in for a failed component that has no boundary around it."""
    return {
        "tagName": "div",
        "attributes": {"role": "alert", "className": "ember-render-error"},
        "children": ["This part of the page failed to render."],
    }


@component
def error_boundary(*children: Any, fallback: Fallback | None = None) -> Any:
    """Render ``children``; if one of them fails to render, show ``fallback(error, reset)``.

    ``reset()`` clears the error and mounts the children again with fresh state.
    """
    error, set_error = use_state(cast(BaseException | None, None))
    attempt, set_attempt = use_state(0)
    if error is not None:

        def reset() -> None:
            set_error(None)
            set_attempt(lambda n: n + 1)

        return (fallback or default_fallback)(error, reset)
    report: BoundaryReport = set_error
    return BoundaryContext(
        html.div({"key": f"attempt-{attempt}", "style": {"display": "contents"}}, *children),
        value=report,
    )
