"""LiveSession: reachable through use_session, and everything released at close."""

from __future__ import annotations

import asyncio
import gc
import threading

import anyio
from fastapi import FastAPI, HTTPException
from fastapi.requests import HTTPConnection
from reactpy import component, html, use_effect, use_ref, use_state

from ember.live import AsyncResult, use_async, use_flash, use_session
from ember.live.testing import LiveClient

from .conftest import Counter


async def test_sessions_are_released_when_sockets_close(ember):
    cleaned: list[str] = []

    @component
    def Holder():
        session = use_session()

        def on_connect():
            if session.connected:
                session.add_cleanup(lambda: cleaned.append(session.id))

                async def forever():
                    await anyio.sleep_forever()

                session.start_task(forever, name="forever")

        use_effect(on_connect, [session.connected])
        return html.p({"id": "sid"}, session.id)

    app = FastAPI()
    ember.mount(app, "/holder", Holder)
    async with LiveClient(app) as client:
        await client.live("/holder")  # warm up imports and lazily created tasks
        tasks_before = len(asyncio.all_tasks())
        pages = [await client.live("/holder") for _ in range(20)]
        assert len(ember.sessions) == 21
        assert all(s.task_count == 1 for s in ember.sessions.values())
        for page in pages:
            await page.close()
        for _ in range(100):
            if len(ember.sessions) == 1:
                break
            await anyio.sleep(0.01)
        await anyio.sleep(0.05)
        assert len(ember.sessions) == 1
        assert len(cleaned) == 20
        assert len(asyncio.all_tasks()) <= tasks_before
    gc.collect()
    assert ember.sessions == {}


async def test_use_session_exposes_identity_from_a_dependency(ember):
    def current_user(connection: HTTPConnection) -> str:
        user = connection.headers.get("x-user")
        if user is None:
            raise HTTPException(401)
        return user

    @component
    def Whoami():
        session = use_session()
        state = "live" if session.connected else "static"
        return html.p({"id": "who"}, f"{session.identity} ({state})")

    app = FastAPI()
    ember.mount(app, "/whoami", Whoami, dependencies={"identity": current_user})
    async with LiveClient(app, headers={"x-user": "ada"}) as client:
        page = await client.live("/whoami")
        assert "ada (static)" in page.static_html
        assert page.find("#who").text() == "ada (live)"
    async with LiveClient(app) as anonymous:
        assert (await anonymous.get("/whoami")).status_code == 401


async def test_dependency_overrides_apply_to_page_and_socket(ember):
    def current_user(request: HTTPConnection) -> str:
        return "real"

    @component
    def Whoami():
        return html.p({"id": "who"}, str(use_session().dependencies["user"]))

    app = FastAPI()
    ember.mount(app, "/whoami", Whoami, dependencies={"user": current_user})
    app.dependency_overrides[current_user] = lambda: "override"
    async with LiveClient(app) as client:
        page = await client.live("/whoami")
        assert "override" in page.static_html
        assert page.find("#who").text() == "override"


async def test_sync_handler_runs_in_a_worker_thread_and_renders(ember):
    threads: list[int] = []

    @component
    def Blocking():
        count, set_count = use_state(0)

        def handle(event):
            threads.append(threading.get_ident())
            set_count(count + 1)

        return html.button({"id": "b", "onClick": handle}, f"{count}")

    app = FastAPI()
    ember.mount(app, "/blocking", Blocking)
    async with LiveClient(app) as client:
        page = await client.live("/blocking")
        await page.click("#b")
        assert page.find("#b").text() == "1"
    assert threads
    assert threads[0] != threading.get_ident()


async def test_snake_case_handler_names_reach_the_browser_as_camel_case(ember):
    @component
    def Snake():
        count, set_count = use_state(0)
        return html.button({"id": "b", "on_click": lambda e: set_count(count + 1)}, str(count))

    app = FastAPI()
    ember.mount(app, "/snake", Snake)
    async with LiveClient(app) as client:
        page = await client.live("/snake")
        assert set(page.find("#b").handlers) == {"onClick"}
        await page.click("#b")
        assert page.find("#b").text() == "1"


async def test_use_async_goes_from_loading_to_ok(ember):
    release = anyio.Event()

    @component
    def Slow():
        async def load() -> str:
            await release.wait()
            return "done"

        result: AsyncResult[str] = use_async(load)
        if result.is_loading:
            return html.p({"id": "r"}, "loading")
        return html.p({"id": "r"}, result.result)

    app = FastAPI()
    ember.mount(app, "/slow", Slow)
    async with LiveClient(app) as client:
        page = await client.live("/slow")
        assert "loading" in page.static_html
        assert page.find("#r").text() == "loading"
        release.set()
        await page.wait_for(lambda p: p.find("#r").text() == "done")


async def test_use_async_failure_becomes_failed_result(ember, caplog):
    @component
    def Broken():
        def load() -> str:  # sync: runs in a thread
            raise ValueError("no data")

        result = use_async(load)
        text = f"failed: {result.error}" if result.failed else "loading"
        return html.p({"id": "r"}, text)

    app = FastAPI()
    ember.mount(app, "/broken", Broken)
    async with LiveClient(app) as client:
        page = await client.live("/broken")
        await page.wait_for(lambda p: p.find("#r").text() == "failed: no data")
    assert len([r for r in caplog.records if "use_async work" in r.getMessage()]) == 1


async def test_async_work_is_cancelled_when_the_session_ends(ember):
    cancelled = anyio.Event()

    @component
    def Waiting():
        async def load() -> None:
            try:
                await anyio.sleep_forever()
            except anyio.get_cancelled_exc_class():
                cancelled.set()
                raise

        use_async(load)
        return html.p("waiting")

    app = FastAPI()
    ember.mount(app, "/waiting", Waiting)
    async with LiveClient(app) as client:
        page = await client.live("/waiting")
        await page.render()
        await page.close()
        with anyio.fail_after(2):
            await cancelled.wait()


async def test_flash_is_shown_and_cleared(ember):
    @component
    def Flashy():
        session = use_session()
        flash = use_flash()
        return html.div(
            html.p({"id": "flash"}, flash.get("info", "")),
            html.button({"id": "put", "onClick": lambda e: session.put_flash("info", "Saved")}),
            html.button({"id": "clear", "onClick": lambda e: session.clear_flash()}),
        )

    app = FastAPI()
    ember.mount(app, "/flash", Flashy)
    async with LiveClient(app) as client:
        page = await client.live("/flash")
        await page.click("#put")
        assert page.find("#flash").text() == "Saved"
        await page.click("#clear")
        assert page.find("#flash").text() == ""


async def test_failing_handler_closes_only_its_session(ember, caplog):
    @component
    def Fragile():
        def explode(event):
            raise RuntimeError("boom")

        return html.button({"id": "x", "onClick": explode}, "x")

    app = FastAPI()
    ember.mount(app, "/fragile", Fragile)
    ember.mount(app, "/counter", Counter)
    async with LiveClient(app) as client:
        other = await client.live("/counter")
        page = await client.live("/fragile")
        await page.click("#x")
        assert await page.wait_closed() == 1011
        await other.click("#inc")
        assert other.find("#count").text() == "Count: 1"
    failures = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(failures) == 1
    assert "view /fragile" in failures[0].getMessage()


async def test_run_in_thread_from_an_async_handler_renders_its_state(ember):
    from ember.live import run_in_thread

    threads: list[int] = []

    @component
    def Mixed():
        count, set_count = use_state(0)

        def blocking(step: int) -> int:
            threads.append(threading.get_ident())
            set_count(lambda c: c + step)  # set from the worker thread
            return step

        async def handle(event):
            assert await run_in_thread(blocking, 2) == 2

        return html.button({"id": "b", "onClick": handle}, str(count))

    app = FastAPI()
    ember.mount(app, "/mixed", Mixed)
    async with LiveClient(app) as client:
        page = await client.live("/mixed")
        for _ in range(5):
            await page.click("#b")
        assert page.find("#b").text() == "10"
    assert threads[0] != threading.get_ident()


async def test_an_event_is_handled_between_renders_never_in_the_middle_of_one(ember):
    """A browser sends blur then submit at once. The blur re-renders a form, which resets
    what its inputs register as they render; the submit must see all of them registered."""
    import orjson

    seen: list[int] = []

    @component
    def Field(name: str, registry: dict[str, str]):
        value, _ = use_state(f"{name}-value")
        registry[name] = value  # registered while rendering, as the kit's inputs do
        return html.input({"name": name, "value": value})

    @component
    def Form():
        version, set_version = use_state(0)
        registry = use_ref(cast_dict({})).current
        registry.clear()  # what the inputs rendered this time

        async def blur(event):
            set_version(version + 1)

        async def submit(event):
            seen.append(len(registry))

        return html.form(
            {"onSubmit": submit},
            html.button({"id": "blur", "onClick": blur}, "blur"),
            [Field(f"f{i}", registry, key=f"f{i}") for i in range(30)],
        )

    app = FastAPI()
    ember.mount(app, "/form", Form)
    async with LiveClient(app) as client:
        page = await client.live("/form")
        for turns in range(30):  # the submit lands a little later each time
            blur = page.find("#blur").handlers["onClick"]
            submit = page.find("form").handlers["onSubmit"]
            for target in (blur, submit):
                frame = {"type": "layout-event", "target": target, "data": [{"type": "x"}]}
                await page.send_raw(orjson.dumps(frame).decode())
                for _ in range(turns):
                    await asyncio.sleep(0)
            await page.render()
    assert seen == [30] * 30


def cast_dict(value: dict[str, str]) -> dict[str, str]:
    return value


async def test_closing_a_tab_unmounts_every_component_after_an_effect_awaits(ember):
    # Regression: the layout was closed inside the session's cancelled task group, so the
    # first component whose effects had to be awaited stopped the unmount; the components
    # after it kept their effect tasks, and Python logged "Task was destroyed but it is
    # pending!" for each when the session was collected (the demo's members page).
    cleaned: list[str] = []

    def effect_of(name: str):
        def start():
            return lambda: cleaned.append(name)

        return start

    @component
    def Leaf(name: str):
        use_effect(effect_of(name), [])
        return html.p(name)

    @component
    def Page():
        use_effect(effect_of("page"), [])
        return html.div(Leaf("first"), html.section(Leaf("second")), Leaf("third"))

    app = FastAPI()
    ember.mount(app, "/page", Page)
    async with LiveClient(app) as client:
        page = await client.live("/page")
        cleaned.clear()  # the first paint's own layout has unmounted its copies
        await page.close()
        for _ in range(100):
            if not ember.sessions:
                break
            await anyio.sleep(0.01)
        assert sorted(cleaned) == ["first", "page", "second", "third"]
