"""ember's element constructor (``ember.live.engine._elements``) against ReactPy's own
``Vdom.__call__``: the same elements, handlers and errors for generated attributes and
children, and ReactPy's constructor wherever the pinned version is not installed."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any

import pytest
import reactpy
from hypothesis import given, settings
from hypothesis import strategies as st
from reactpy import component, event, html
from reactpy.config import REACTPY_DEBUG
from reactpy.core.vdom import Vdom
from reactpy.types import InlineJavaScript, VdomDict

from ember.live.engine import _reactpy
from ember.live.engine._engine import Engine

stock = _reactpy.STOCK_ELEMENT_CALL

# -- handlers of every kind ReactPy accepts -----------------------------------------------------


def _with_debounce(milliseconds: int) -> Callable[[Any], None]:
    def handler(event: Any) -> None:
        event.debounce = milliseconds  # read from the closure: differs per function

    return handler


def _with_default_debounce(milliseconds: int) -> Callable[..., None]:
    def handler(event: Any, wait: int = milliseconds) -> None:
        event.debounce = wait

    return handler


def _clicked(event: Any) -> None:
    event.preventDefault()
    event.stopPropagation()


async def _async_clicked(event: Any) -> None:
    event.preventDefault()


async def _async_plain(event: Any) -> None:
    return None


def _no_arguments() -> None:
    return None


@functools.wraps(_clicked)
def _decorated(event: Any) -> None:
    return None


class _Handlers:
    def sync(self, event: Any) -> None:
        event.stopPropagation()

    async def asynchronous(self, event: Any) -> None:
        return None

    def __call__(self, event: Any) -> None:  # a callable object: no __code__
        return None


_OBJECT = _Handlers()


def _lambdas() -> list[Any]:
    count = 3
    return [
        lambda event: None,
        lambda: count,
        lambda event: event.preventDefault(),
        lambda *data: data,
    ]


HANDLER_VALUES = [
    *_lambdas(),
    *_lambdas(),  # the same code, other function objects
    _with_debounce(100),
    _with_debounce(250),  # the same code, another debounce
    _with_default_debounce(40),
    _with_default_debounce(70),
    _clicked,
    _async_clicked,
    _async_plain,
    _no_arguments,
    _decorated,
    _OBJECT.sync,
    _OBJECT.asynchronous,
    _OBJECT,
    functools.partial(_clicked),
    print,  # a builtin
    event(lambda event: None, prevent_default=True),
    event(_async_plain, stop_propagation=True, debounce=5),
]
"""Every kind of handler value (``_OBJECT`` and ``print`` make ReactPy raise: no
``__code__`` to inspect)."""
_RAISING = (_OBJECT, print)
HANDLERS = st.sampled_from(
    [h for h in HANDLER_VALUES if all(h is not r for r in _RAISING)] * 4 + list(_RAISING)
)

NAMES = st.sampled_from(
    ["id", "className", "key", "style", "onClick", "on_click", "onchange", "onX", "on", "title"]
)
VALUES = st.one_of(
    st.text(max_size=5),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dictionaries(st.sampled_from(["color", "width"]), st.text(max_size=3), max_size=2),
    st.lists(st.integers(0, 3), max_size=2),
    st.builds(InlineJavaScript, st.sampled_from(["alert(1)", "x"])),
    st.sampled_from([object(), b"bytes", 2j]),
    HANDLERS,
)
ATTRIBUTES = st.dictionaries(st.one_of(NAMES, st.text(max_size=4)), VALUES, max_size=5)
ODD_KEYS = st.dictionaries(st.sampled_from([1, b"onClick", ("k",)]), VALUES, min_size=1, max_size=2)


@component
def _Child(label: str) -> Any:
    return html.p(label)


_ELEMENT = html.span({"id": "s"}, "shared")
_COMPONENT = _Child("c")
_COMPONENT_KEYED = _Child("k", key="k1")


class _Generated:
    """A generator of ``items`` in a child spec: made anew for each call compared."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items


def _materialise(spec: Any) -> Any:
    if isinstance(spec, _Generated):
        return (_materialise(item) for item in spec.items)
    if type(spec) is list:
        return [_materialise(item) for item in spec]
    if type(spec) is tuple:
        return tuple(_materialise(item) for item in spec)
    return spec


LEAVES = st.one_of(
    st.text(max_size=4),
    st.integers(0, 9),
    st.none(),
    st.sampled_from([_ELEMENT, _COMPONENT, _COMPONENT_KEYED, {"tagName": "i"}, b"ab"]),
    st.sampled_from([frozenset({1, 2}), range(3), InlineJavaScript("j")]),
)
CHILDREN = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.lists(inner, max_size=3).map(_Generated),
    ),
    max_leaves=12,
)

_WEB = Vdom(
    "Widget",
    import_source={"source": "x", "sourceType": "NAME", "fallback": None},  # type: ignore[typeddict-item]
)
CONSTRUCTORS = st.sampled_from(
    [
        html.div,
        html.button,
        html.input,  # no children allowed
        html.br,
        html.fragment,  # a custom constructor
        html.script,  # a custom constructor with rules of its own
        html.svg.circle,
        html.svg.svg,
        _WEB,
    ]
)

# -- the comparison ------------------------------------------------------------------------------


def _outcome(call: Callable[..., Any], arguments: list[Any]) -> Any:
    try:
        return call(*[_materialise(a) for a in arguments])
    except Exception as error:  # the same error is part of the same behaviour
        return ("raised", type(error), str(error))


def _function_facts(function: Any) -> Any:
    if type(function) is not FunctionType:
        return ("object", function)  # compared by identity below
    closure = tuple(cell.cell_contents for cell in function.__closure__ or ())
    return (
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__qualname__,
        function.__module__,
        function.__doc__,
        function.__defaults__,
        function.__kwdefaults__,
        function.__annotations__,
        sorted(vars(function)),
        [id(v) for v in vars(function).values()],
        [id(v) for v in closure],
    )


def _assert_same(mine: Any, theirs: Any) -> None:
    assert type(mine) is type(theirs)
    if isinstance(theirs, tuple) and theirs[:1] == ("raised",):
        assert mine == theirs
        return
    assert isinstance(theirs, VdomDict)
    assert list(mine) == list(theirs)  # the same keys in the same order
    for name, value in theirs.items():
        found = mine[name]
        if name == "eventHandlers":
            assert list(found) == list(value)
            for event_name, handler in value.items():
                _assert_same_handler(found[event_name], handler)
        elif name == "children":
            assert len(found) == len(value)
            assert all(a is b for a, b in zip(found, value, strict=True))
        elif name == "inlineJavaScript":
            assert found == value
            assert [type(v) for v in found.values()] == [type(v) for v in value.values()]
        else:
            assert found == value
            if name == "attributes":
                assert list(found) == list(value)
                assert all(found[k] is value[k] for k in value)


def _assert_same_handler(mine: Any, theirs: Any) -> None:
    assert type(mine) is type(theirs)
    assert vars(mine) == vars(theirs)
    for field in ("prevent_default", "stop_propagation", "debounce", "throttle", "target"):
        assert getattr(mine, field) == getattr(theirs, field), field
    if mine is theirs:
        return
    assert _function_facts(mine.function) == _function_facts(theirs.function)


@settings(max_examples=600, deadline=None)
@given(CONSTRUCTORS, st.one_of(st.none(), ATTRIBUTES), st.lists(CHILDREN, max_size=4))
def test_elements_match_reactpys_constructor(
    constructor: Any, attributes: dict[Any, Any] | None, children: list[Any]
) -> None:
    arguments = children if attributes is None else [attributes, *children]
    mine = _outcome(constructor, arguments)
    theirs = _outcome(functools.partial(stock, constructor), arguments)
    _assert_same(mine, theirs)


@settings(max_examples=150, deadline=None)
@given(ODD_KEYS, st.lists(CHILDREN, max_size=2))
def test_elements_with_attribute_names_not_strings_match_reactpys(
    attributes: dict[Any, Any], children: list[Any]
) -> None:
    mine = _outcome(html.div, [attributes, *children])
    theirs = _outcome(functools.partial(stock, html.div), [attributes, *children])
    _assert_same(mine, theirs)


@pytest.mark.parametrize("handler", HANDLER_VALUES)
@pytest.mark.parametrize("constructor", [html.button, html.fragment])
def test_elements_make_each_kind_of_handler_as_reactpy_does(constructor: Any, handler: Any) -> None:
    for attributes in ({"onClick": handler}, {"id": "b", "on_submit": handler, "key": 1}):
        mine = _outcome(constructor, [attributes, "label"])
        theirs = _outcome(functools.partial(stock, constructor), [attributes, "label"])
        _assert_same(mine, theirs)


def _failing_rows() -> Iterator[Any]:
    yield html.li("one")
    msg = "the rows could not be read"
    raise LookupError(msg)


def test_elements_read_children_before_attributes_as_reactpy_does() -> None:
    """A child generator that raises and a handler ReactPy cannot inspect: the generator's
    error comes first, as in ReactPy."""
    arguments = [{"onClick": _OBJECT}, _Generated([html.b("x")])]
    mine = _outcome(html.ul, [arguments[0], _failing_rows()])
    theirs = _outcome(functools.partial(stock, html.ul), [arguments[0], _failing_rows()])
    assert mine == theirs == ("raised", LookupError, "the rows could not be read")
    mine = _outcome(html.ul, arguments)
    theirs = _outcome(functools.partial(stock, html.ul), arguments)
    assert mine == theirs
    assert mine[:2] == ("raised", AttributeError)


def test_elements_handler_inspection_is_per_function_where_the_closure_decides() -> None:
    """The debounce ReactPy reads from bytecode may come from a closure: two functions with
    one code object keep their own values (the per-code memory holds only what the code
    alone decides)."""
    first = html.input({"onChange": _with_debounce(100)})["eventHandlers"]["onChange"]
    second = html.input({"onChange": _with_debounce(250)})["eventHandlers"]["onChange"]
    assert (first.debounce, second.debounce) == (100, 250)
    for _ in range(2):  # the second time from the memory
        clicked = html.a({"onClick": _clicked})["eventHandlers"]["onClick"]
        assert (clicked.prevent_default, clicked.stop_propagation) == (True, True)


def test_elements_keep_string_event_attributes_for_the_engine_to_refuse(
    caplog: pytest.LogCaptureFixture,
) -> None:
    element = html.button({"onClick": "alert(1)", "title": "t"}, "x")
    assert element["inlineJavaScript"] == {"onClick": "alert(1)"}
    assert type(element["inlineJavaScript"]["onClick"]) is InlineJavaScript

    @component
    def Page() -> Any:
        return html.div(html.button({"onClick": "alert(1)"}, "x"))

    engine = Engine(Page())
    with caplog.at_level(logging.ERROR, logger="ember.live"):
        model = engine.mount()
    assert "string event attributes (onClick)" in caplog.text
    assert "inlineJavaScript" not in str(model)
    assert "alert(1)" not in str(model)
    assert "This part of the page failed to render." in str(model)


def test_elements_refuse_children_on_void_elements_as_reactpy_does() -> None:
    with pytest.raises(TypeError, match="'input' nodes cannot have children"):
        html.input({"value": "x"}, "child")
    with pytest.raises(TypeError, match="'br' nodes cannot have children"):
        html.br(["a"])


def test_elements_under_reactpy_debug_are_reactpys_own_with_its_warnings() -> None:
    REACTPY_DEBUG.current = True
    try:
        with pytest.warns(UserWarning, match="Key not specified"):
            html.ul([html.li("a"), html.li("b")])
    finally:
        REACTPY_DEBUG.current = False
    html.ul([html.li("a"), html.li("b")])  # no warning (errors here) once it is off again


def test_elements_constructor_is_installed_for_the_pinned_reactpy_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert reactpy.__version__ == _reactpy.REACTPY_VERSION == "2.0.0b13"
    assert _reactpy.FAST_ELEMENTS is True
    assert Vdom.__call__ is not stock
    assert Vdom.__call__.__wrapped__ is stock  # type: ignore[attr-defined]
    installed = Vdom.__call__
    with caplog.at_level(logging.WARNING, logger="ember.live"):
        assert _reactpy.install_element_call("2.0.0") is False
    assert Vdom.__call__ is installed
    assert "ReactPy 2.0.0 is installed" in caplog.text
    assert "reactpy==2.0.0b13" in caplog.text


def _rows() -> Iterator[Any]:
    for n in range(3):
        yield html.li({"key": str(n)}, str(n))


def test_elements_html_attribute_lookup_is_remembered_and_the_same_constructor() -> None:
    first = html.data_table
    assert html.data_table is first
    assert first.__name__ == "data-table"
    assert html.ul(_rows())["children"][2]["attributes"] == {"key": "2"}


# -- state and deps compared as ReactPy compares them -------------------------------------------


class _RaisingEquality:
    def __eq__(self, other: object) -> bool:
        raise ValueError("no comparison")

    __hash__ = object.__hash__


_SHARED_LIST = [1, 2]
COMPARED = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.complex_numbers(allow_nan=False),
    st.text(max_size=4),
    st.binary(max_size=4),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.tuples(st.integers()),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.sampled_from(
        [_SHARED_LIST, _RaisingEquality(), _RaisingEquality, len, *_lambdas()[:2], Vdom]
    ),
)


@settings(max_examples=400, deadline=None)
@given(COMPARED, COMPARED)
def test_strictly_equal_matches_reactpys(x: Any, y: Any) -> None:
    assert _reactpy.strictly_equal(x, y) == _reactpy.STOCK_STRICTLY_EQUAL(x, y)
    assert _reactpy.strictly_equal(x, x) == _reactpy.STOCK_STRICTLY_EQUAL(x, x)


def test_strictly_equal_is_installed_for_the_pinned_reactpy_only() -> None:
    from reactpy.core import hooks

    assert _reactpy.FAST_COMPARE is True
    assert hooks.strictly_equal is _reactpy.strictly_equal
    assert _reactpy.install_strictly_equal("2.0.0") is False
    assert hooks.strictly_equal is _reactpy.strictly_equal


def test_current_hook_is_installed_for_the_pinned_reactpy_and_refuses_outside_a_render() -> None:
    from reactpy.core import hooks
    from reactpy.core._life_cycle_hook import HOOK_STACK

    assert HOOK_STACK.current_hook is _reactpy.current_hook
    assert hooks._use_const is _reactpy.use_const
    assert _reactpy.install_current_hook("2.0.0") is False
    with pytest.raises(RuntimeError, match="No life cycle hook is active"):
        reactpy.use_state(0)  # what ReactPy's own says when no component renders
    with pytest.raises(RuntimeError, match="No life cycle hook is active"):
        reactpy.use_effect(lambda: None)


def test_state_set_to_an_equal_value_renders_nothing_and_a_new_one_renders() -> None:
    @component
    def Counter() -> Any:
        count, set_count = reactpy.use_state(1)
        return html.div(
            html.button({"id": "same", "onClick": lambda event: set_count(1)}),
            html.button({"id": "float", "onClick": lambda event: set_count(1.0)}),
            html.p(f"{count!r}"),
        )

    engine = Engine(Counter(), context="test")
    engine.mount()
    same, as_float = (engine.handler_for(t) for t in sorted(engine._handlers))
    for handler, expected in ((same, []), (as_float, [["s", [0, 2, 0], "1.0"]])):
        assert _reactpy.is_lambda_handler(handler)
        _reactpy.run_lambda_handler(handler, [{}])
        assert engine.render() == expected
