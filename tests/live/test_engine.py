"""ember's render engine: its patches rebuild exactly a fresh render, and hooks behave as
in ReactPy's Layout on the same components."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reactpy import (
    component,
    create_context,
    html,
    use_context,
    use_effect,
    use_memo,
    use_reducer,
    use_ref,
    use_state,
)
from reactpy.core.layout import Layout

from ember.live.engine._engine import Engine
from ember.live.engine._patch import apply_ops, normalized
from ember.live.engine._reactpy import OwnEffect, current_engine_hook

# -- generated trees ---------------------------------------------------------------------------
# A spec is ("el", tag, key, attrs, children) | ("comp", key, child) | ("text", s)
# | ("frag", children) | ("none",). Components render their child spec.

TAGS = st.sampled_from(["div", "span", "li", "p"])
TEXT = st.sampled_from(["a", "b", "hello", "z"])
ATTRS = st.dictionaries(st.sampled_from(["className", "id", "title", "data-x"]), TEXT, max_size=2)
KEYS = st.one_of(st.none(), st.integers(0, 6).map(lambda k: f"k{k}"))


def _specs() -> st.SearchStrategy[Any]:
    leaves = st.one_of(TEXT.map(lambda s: ("text", s)), st.just(("none",)))

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        kids = st.lists(children, max_size=5)
        return st.one_of(
            st.tuples(st.just("el"), TAGS, KEYS, ATTRS, kids, st.booleans()),
            st.tuples(st.just("comp"), KEYS, children),
            st.tuples(st.just("frag"), kids),
        )

    return st.recursive(leaves, extend, max_leaves=20)


SPECS = _specs()


@component
def Spec(spec: Any) -> Any:
    return _build(spec)


def _dedupe(children: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    unique = []
    for child in children:
        key = _key_of(child)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        unique.append(child)
    return unique


def _key_of(spec: Any) -> Any:
    if spec[0] == "el":
        return spec[2]
    if spec[0] == "comp":
        return spec[1]
    return None


def _build(spec: Any) -> Any:
    kind = spec[0]
    if kind == "text":
        return spec[1]
    if kind == "none":
        return None
    if kind == "comp":
        return Spec(spec[2], key=spec[1])
    if kind == "frag":
        return html.fragment(*[_build(c) for c in _dedupe(spec[1])])
    _, tag, key, attrs, children, handler = spec
    attributes = dict(attrs)
    if key is not None:
        attributes["key"] = key
    if handler:
        attributes["onClick"] = lambda event: None
    return getattr(html, tag)(attributes, *[_build(c) for c in _dedupe(children)])


class _Holder:
    set_spec: Any = None


@component
def Root(first: Any, holder: _Holder) -> Any:
    spec, set_spec = use_state(first)
    holder.set_spec = set_spec
    return html.div({"id": "root"}, Spec(spec))


def _fresh(spec: Any) -> dict[str, Any]:
    engine = Engine(Root(spec, _Holder()))
    return copy.deepcopy(engine.mount())


async def _reactpy_model(root: Any) -> dict[str, Any]:
    async with Layout(root) as layout:
        update = await layout.render()
        return copy.deepcopy(update["model"])


@settings(max_examples=150, deadline=None)
@given(st.lists(SPECS, min_size=2, max_size=5))
def test_engine_ops_applied_to_the_last_model_give_a_fresh_render(specs: list[Any]) -> None:
    async def run() -> None:
        holder = _Holder()
        engine = Engine(Root(specs[0], holder))
        client = copy.deepcopy(engine.mount())
        assert normalized(client) == normalized(_fresh(specs[0]))
        for spec in specs[1:]:
            holder.set_spec(spec)
            ops = engine.render()
            apply_ops(client, copy.deepcopy(ops))
            assert normalized(client) == normalized(engine.model)
            assert normalized(client) == normalized(_fresh(spec))
        await engine.close()

    asyncio.run(run())


@settings(max_examples=60, deadline=None)
@given(SPECS)
def test_engine_first_model_is_reactpys(spec: Any) -> None:
    async def run() -> None:
        engine = Engine(Root(spec, _Holder()))
        ours = normalized(copy.deepcopy(engine.mount()))
        await engine.close()
        theirs = normalized(await _reactpy_model(Root(spec, _Holder())))
        assert ours == theirs

    asyncio.run(run())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 30), unique=True, max_size=12),
    st.lists(st.integers(0, 30), unique=True, max_size=12),
)
def test_keyed_list_edits_keep_each_rows_state(first: list[int], second: list[int]) -> None:
    setters: dict[int, Any] = {}

    @component
    def Row(n: int) -> Any:
        clicks, set_clicks = use_state(0)
        setters[n] = set_clicks
        return html.li({"key": n}, f"{n}:{clicks}")

    holder = _Holder()

    @component
    def Rows() -> Any:
        keys, set_keys = use_state(first)
        holder.set_spec = set_keys
        return html.ul([Row(n, key=n) for n in keys])

    async def run() -> None:
        engine = Engine(Rows())
        client = copy.deepcopy(engine.mount())
        for n in first:
            setters[n](n + 100)
        apply_ops(client, engine.render())
        holder.set_spec(second)
        apply_ops(client, copy.deepcopy(engine.render()))
        assert normalized(client) == normalized(engine.model)
        rows = client["children"][0].get("children", [])
        texts = [row["children"][0]["children"][0] for row in rows]
        assert texts == [f"{n}:{n + 100 if n in first else 0}" for n in second]
        await engine.close()

    asyncio.run(run())


# -- hook semantics ----------------------------------------------------------------------------


async def test_engine_one_pass_renders_dirty_components_once_in_tree_order() -> None:
    order: list[str] = []
    setters: dict[str, Any] = {}

    @component
    def Leaf(name: str) -> Any:
        value, set_value = use_state(0)
        setters[name] = set_value
        order.append(name)
        return html.span(f"{name}{value}")

    @component
    def Branch() -> Any:
        value, set_value = use_state(0)
        setters["branch"] = set_value
        order.append("branch")
        return html.div(Leaf("a"), Leaf("b"), str(value))

    engine = Engine(Branch())
    engine.mount()
    order.clear()
    setters["b"](1)
    setters["a"](1)
    setters["branch"](1)
    ops = engine.render()
    assert order == ["branch", "a", "b"]  # the leaves render once, with their parent
    assert ops == [["s", [0, 0, 0, 0], "a1"], ["s", [0, 1, 0, 0], "b1"], ["s", [0, 2], "1"]]
    await engine.close()


async def test_engine_effects_run_clean_up_and_rerun_as_in_reactpy() -> None:
    log: list[str] = []
    holder = _Holder()

    @component
    def Child(n: int) -> Any:
        def effect() -> Any:
            log.append(f"run {n}")
            return lambda: log.append(f"clean {n}")

        use_effect(effect, [n])
        return html.p(str(n))

    @component
    def Parent() -> Any:
        n, set_n = use_state(1)
        holder.set_spec = set_n
        return Child(n) if n < 3 else None

    engine = Engine(Parent())
    engine.mount()
    assert log == ["run 1"]
    holder.set_spec(2)
    engine.render()
    assert log == ["run 1", "clean 1", "run 2"]
    holder.set_spec(3)
    engine.render()
    assert log == ["run 1", "clean 1", "run 2", "clean 2"]
    await engine.close()
    assert log == ["run 1", "clean 1", "run 2", "clean 2"]


class _LoggedEffect(OwnEffect):
    """An effect of an ember hook's own (as use_subscription's): started with its key."""

    __slots__ = ("key", "log", "running")

    def __init__(self) -> None:
        self.key: Any = None
        self.running: Any = None
        self.log: list[str] = []

    def run(self) -> None:
        self.cleanup()
        self.running = self.key
        self.log.append(f"run {self.key}")

    def cleanup(self) -> None:
        running, self.running = self.running, None
        if running is not None:
            self.log.append(f"clean {running}")


def _use_logged_effect(key: Any, log: list[str]) -> None:
    hook = current_engine_hook()
    assert hook is not None
    effect = hook.use_state(_LoggedEffect)
    effect.log = log
    if effect.key != key:
        effect.key = key
        hook.add_own_effect(effect)


async def test_engine_own_effects_run_after_the_pass_and_clean_up_before_rerun_and_unmount() -> (
    None
):
    log: list[str] = []
    holder = _Holder()
    counts: dict[str, Any] = {}

    @component
    def Child() -> Any:
        key, set_key = use_state("a")
        count, set_count = use_state(0)
        counts["key"], counts["count"] = set_key, set_count
        _use_logged_effect(key, log)
        log.append(f"render {key}{count}")
        return html.p(f"{key}{count}")

    @component
    def Parent() -> Any:
        shown, set_shown = use_state(True)
        holder.set_spec = set_shown
        return Child() if shown else None

    engine = Engine(Parent())
    engine.mount()
    assert log == ["render a0", "run a"]
    counts["count"](1)
    engine.render()
    assert log == ["render a0", "run a", "render a1"]  # the same key: no run
    counts["key"]("b")
    engine.render()
    assert log[3:] == ["render b1", "clean a", "run b"]
    holder.set_spec(False)
    engine.render()
    assert log[6:] == ["clean b"]
    await engine.close()
    assert log[7:] == []


async def test_engine_async_effects_start_and_are_stopped_on_unmount() -> None:
    from reactpy import use_async_effect

    started = asyncio.Event()
    log: list[str] = []

    @component
    def Loader() -> Any:
        async def load() -> Any:
            started.set()
            log.append("loaded")
            return lambda: log.append("cleaned")

        use_async_effect(load, [])
        return html.p("x")

    engine = Engine(Loader())
    engine.mount()
    await asyncio.wait_for(started.wait(), 1)
    await asyncio.sleep(0)
    await engine.close()
    assert log == ["loaded", "cleaned"]


async def test_engine_context_reducer_memo_ref_match_reactpy() -> None:
    Theme = create_context("light")
    renders: list[Any] = []

    @component
    def Reader() -> Any:
        theme = use_context(Theme)
        count, dispatch = use_reducer(lambda state, action: state + action, 0)
        memo = use_memo(lambda: theme.upper(), [theme])
        ref = use_ref(0)
        ref.current += 1
        renders.append(dispatch)
        return html.p(f"{theme}/{memo}/{count}/{ref.current}")

    holder = _Holder()

    @component
    def App() -> Any:
        theme, set_theme = use_state("dark")
        holder.set_spec = set_theme
        return html.div(Theme(Reader(), value=theme), Reader())

    theirs = normalized(await _reactpy_model(App()))
    renders.clear()
    engine = Engine(App())
    model = copy.deepcopy(engine.mount())
    assert normalized(model) == theirs
    renders[0](5)
    apply_ops(model, engine.render())
    holder.set_spec("blue")
    apply_ops(model, engine.render())
    assert normalized(model) == normalized(engine.model)
    texts = [model["children"][0]["children"][i] for i in (0, 1)]
    assert texts[0]["children"][0]["children"][0]["children"][0]["children"] == ["blue/BLUE/5/3"]
    assert texts[1]["children"][0]["children"] == ["light/LIGHT/0/2"]
    await engine.close()


async def test_engine_failing_component_is_replaced_alone_and_recovers() -> None:
    holder = _Holder()

    @component
    def Fragile(fail: bool) -> Any:
        if fail:
            raise ValueError("boom")
        return html.b("fine")

    @component
    def App() -> Any:
        fail, set_fail = use_state(False)
        holder.set_spec = set_fail
        return html.div(html.i("sibling"), Fragile(fail))

    engine = Engine(App())
    client = copy.deepcopy(engine.mount())
    holder.set_spec(True)
    apply_ops(client, engine.render())
    assert client["children"][0]["children"][1]["attributes"]["role"] == "alert"
    holder.set_spec(False)
    apply_ops(client, engine.render())
    assert normalized(client) == normalized(engine.model)
    assert client["children"][0]["children"][1]["children"][0]["children"] == ["fine"]
    await engine.close()


async def test_engine_refuses_reactpy_web_modules_with_the_alternative() -> None:
    @component
    def Widget() -> Any:
        return {"tagName": "Chart", "importSource": {"source": "x", "sourceType": "URL"}}

    engine = Engine(Widget())
    model = engine.mount()
    assert model["attributes"]["role"] == "alert"
    await engine.close()


async def test_engine_rejects_handlers_the_current_render_did_not_emit() -> None:
    holder = _Holder()

    @component
    def App() -> Any:
        shown, set_shown = use_state(True)
        holder.set_spec = set_shown
        return html.button({"onClick": lambda event: None}) if shown else html.p("gone")

    engine = Engine(App())
    model = engine.mount()
    target = model["children"][0]["eventHandlers"]["onClick"]["target"]
    assert engine.handler_for(target) is not None
    holder.set_spec(False)
    engine.render()
    assert engine.handler_for(target) is None
    await engine.close()


async def test_engine_snake_case_handlers_become_camel_case_and_forms_prevent_default() -> None:
    @component
    def Form() -> Any:
        return html.form(
            {"on_submit": lambda event: None}, html.input({"on_change": lambda event: None})
        )

    engine = Engine(Form())
    form = engine.mount()["children"][0]
    assert form["eventHandlers"]["onSubmit"]["preventDefault"] is True
    assert "onChange" in form["children"][0]["eventHandlers"]
    await engine.close()


@pytest.mark.parametrize("threaded", [False, True])
async def test_engine_state_set_from_a_worker_thread_is_rendered(threaded: bool) -> None:
    holder = _Holder()
    woke = asyncio.Event()

    @component
    def App() -> Any:
        n, set_n = use_state(0)
        holder.set_spec = set_n
        return html.p(str(n))

    engine = Engine(App(), on_dirty=woke.set)
    engine.mount()
    if threaded:
        await asyncio.to_thread(holder.set_spec, 5)
    else:
        holder.set_spec(5)
    await asyncio.wait_for(woke.wait(), 1)
    assert engine.render() == [["s", [0, 0], "5"]]
    await engine.close()


def test_reactpy_debug_still_turns_the_json_attribute_check_on_under_ember() -> None:
    """ember stores REACTPY_CHECK_JSON_ATTRS's default as its value (no AttributeError per
    element); the option still follows REACTPY_DEBUG as in plain ReactPy."""
    from reactpy.config import REACTPY_CHECK_JSON_ATTRS, REACTPY_DEBUG

    assert REACTPY_CHECK_JSON_ATTRS.current is False
    html.div({"title": object()})  # not checked: the default is off
    REACTPY_DEBUG.current = True
    try:
        assert REACTPY_CHECK_JSON_ATTRS.current is True
        with pytest.raises(TypeError):
            html.div({"title": object()})
    finally:
        REACTPY_DEBUG.current = False
    assert REACTPY_CHECK_JSON_ATTRS.current is False
    html.div({"title": object()})


async def test_the_roots_context_providers_are_given_to_it_not_rendered() -> None:
    """The providers the server wraps a root in add no node to the tree: the model starts
    at the root component, which reads their values (an inner provider of the same context
    wins, as when rendered), and a provider's new value shows after a render."""
    Theme = create_context("none")
    Size = create_context(0)
    seen: list[tuple[str, int]] = []

    @component
    def Root() -> Any:
        theme, size = use_context(Theme), use_context(Size)
        seen.append((theme, size))
        return html.p(f"{theme} {size}")

    engine = Engine(Theme(Size(Theme(Root(), value="inner"), value=3), value="outer"))
    assert engine.mount() == {
        "tagName": "",
        "children": [{"tagName": "p", "children": ["inner 3"]}],
    }
    engine.provided(Size).value = 4
    engine.adopt(lambda: None)  # renders again the components that read a context
    assert seen == [("inner", 3), ("inner", 4)]
    assert engine.model["children"][0]["children"] == ["inner 4"]
    await engine.close()
