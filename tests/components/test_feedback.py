"""toast, flash_group (from put_flash, auto-dismissed) and async_result."""

from __future__ import annotations

import anyio
from reactpy import component, html

from ember.components import async_result, button, flash_group, toast
from ember.live import AsyncResult, use_async, use_session

from .conftest import OpenView


def flash_view(auto_dismiss_ms: int):
    @component
    def View():
        session = use_session()
        return html.div(
            button("Saved", id="ok", on_click=lambda e: session.put_flash("info", "Saved it.")),
            button("Failed", id="bad", on_click=lambda e: session.put_flash("error", "Broke.")),
            flash_group(auto_dismiss_ms=auto_dismiss_ms),
        )

    return View


async def test_flash_group_shows_put_flash_as_toasts_and_dismisses_on_click(
    open_view: OpenView,
) -> None:
    async with open_view(flash_view(0)) as page:
        group = page.find("#ember-flash")
        assert group.attr("aria-live") == "polite"
        assert page.find_all(".ember-toast") == []
        await page.click("#ok")
        await page.click("#bad")
        toasts = page.find_all(".ember-toast")
        assert [t.attr("data-kind") for t in toasts] == ["error", "info"]  # errors first
        assert [t.attr("role") for t in toasts] == ["alert", "status"]
        assert page.find("[data-kind=info]").text() == "Saved it."
        await page.click("[data-kind=error] .ember-toast-close")
        assert [t.attr("data-kind") for t in page.find_all(".ember-toast")] == ["info"]
        assert page.find(".ember-toast-close").attr("aria-label") == "Dismiss"


async def test_flash_toasts_go_away_by_themselves(open_view: OpenView) -> None:
    # Longer than the second of timers an event waits for (LiveClient(timers_within=1.0)).
    async with open_view(flash_view(1200)) as page:
        await page.click("#ok")
        assert page.has("[data-kind=info]")
        await page.wait_for(lambda p: not p.has(".ember-toast"), timeout=3)


async def test_toast_kinds_title_and_close(open_view: OpenView) -> None:
    closed: list[str] = []

    @component
    def View():
        return html.div(
            toast("Careful", kind="warning", title="Heads up"),
            toast("Hello", kind="unknown-kind", on_close=lambda e: closed.append("x")),
        )

    async with open_view(View) as page:
        warning = page.find(".ember-toast-warning")
        assert warning.attr("role") == "alert"
        assert page.find(".ember-toast-title").text() == "Heads up"
        other = page.find("[data-kind=unknown-kind]")
        assert "ember-toast-info" in (other.attr("class") or "")
        await page.click(".ember-toast-close")
        assert closed == ["x"]


async def test_async_result_shows_loading_then_the_value(open_view: OpenView) -> None:
    release = anyio.Event()

    async def load() -> list[str]:
        await release.wait()
        return ["Ada", "Grace"]

    @component
    def View():
        users = use_async(load)
        return async_result(
            users,
            ok=lambda names: html.ul(*[html.li({"key": n}, n) for n in names]),
            loading=html.p({"id": "wait"}, "Loading users"),
        )

    async with open_view(View) as page:
        assert page.find(".ember-async").attr("data-status") == "loading"
        assert page.find(".ember-async").attr("aria-busy") == "true"
        assert page.find("#wait").text() == "Loading users"
        release.set()
        await page.wait_for("[data-status=ok]")
        assert [li.text() for li in page.find_all("li")] == ["Ada", "Grace"]


async def test_async_result_failed_slot_hides_the_error_text_by_default(
    open_view: OpenView,
) -> None:
    error = RuntimeError("password=hunter2 in the stack")

    @component
    def View():
        return html.div(
            html.div({"id": "default"}, async_result(AsyncResult.failed_with(error), ok=str)),
            html.div(
                {"id": "custom"},
                async_result(
                    AsyncResult.failed_with(error),
                    ok=str,
                    failed=lambda e: html.p(type(e).__name__),
                ),
            ),
            html.div({"id": "spin"}, async_result(AsyncResult.loading(), ok=str)),
        )

    async with open_view(View) as page:
        assert "hunter2" not in page.html()
        assert (
            page.find("#default [role=alert]").text() == "Something went wrong while loading this."
        )
        assert page.find("#custom p").text() == "RuntimeError"
        assert page.find("#spin .ember-spinner")
