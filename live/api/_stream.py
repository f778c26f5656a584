"""Streams: keyed collections whose changes cost the rows touched, not the list.

Like LiveView's streams. A :class:`Stream` remembers the keys of the rows in the page and
the operations not yet rendered; the items themselves are kept only until their row is
rendered. ``stream.render(row)`` returns the container component: it renders only the rows
that changed, and its mark (``data-ember-stream``) carries the operations, which the
engine's reconciler (``ember.live.engine._reconcile``) sends as list operations on the
container's children.
A re-render of the surrounding component re-renders no row.
"""

from __future__ import annotations

import inspect
import threading
import uuid
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import anyio
from reactpy import component, use_effect, use_ref, use_state

from .._errors import EmberError, RenderError
from ..engine._diff import STREAM_ATTRIBUTE
from ..engine._reactpy import Component

if TYPE_CHECKING:
    from ._view import Socket

T = TypeVar("T")
Row = Callable[[T], Any]


class StreamMark(str):
    """The container's ``data-ember-stream`` value: its token, plus one render's operations.

    A ``str`` so it renders (and serialises) as the token; the diff and the layout read
    the operations from it.
    """

    fresh: bool
    reset: bool
    seq: int
    acknowledge: Callable[[int], None]
    alive: Callable[[str], bool]

    # Each render's mark differs from the last one (its operations do), so the diff never
    # takes a re-rendered container for unchanged; as text it is still the token.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, StreamMark):
            return self is other
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __deepcopy__(self, memo: dict[int, Any]) -> str:
        return str(self)  # a copy of a model is plain data

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))

    ops: tuple[tuple[int, str, int, int], ...]
    deleted: tuple[str, ...]


def _default_key(item: Any) -> Hashable:
    if isinstance(item, Mapping):
        if "id" in item:
            return cast(Hashable, item["id"])
    elif hasattr(item, "id"):
        return cast(Hashable, item.id)
    msg = (
        f"A stream item needs a key: {type(item).__name__} has no 'id'. Pass key= to the "
        "stream, e.g. use_stream(items, key=lambda item: item.slug)."
    )
    raise EmberError(msg)


class Stream(Generic[T]):
    """A keyed collection rendered by a container whose rows are sent once.

    Args:
        items: the first items (rendered with the container's first render).
        name: prefix of each row's DOM id (``f"{name}-{key}"``).
        key: the key of an item; defaults to its ``id`` (attribute or mapping key).
        limit: keep at most this many rows in the page: a positive limit keeps the first
            rows (prune from the end), a negative one the last rows (prune from the start).
    """

    def __init__(
        self,
        items: Iterable[T] = (),
        *,
        name: str = "items",
        key: Callable[[T], Hashable] | None = None,
        limit: int | None = None,
    ) -> None:
        self.name = name
        self.limit = limit
        self.token = uuid.uuid4().hex
        self._key_of: Callable[[T], Hashable] = key or _default_key
        self._lock = threading.RLock()
        self._keys: list[str] = []
        self._present: set[str] = set()
        # Operations the client has not got yet: (seq, kind, index, dom id, item). Every
        # render of the container carries all of them; the session's diff sends the ones
        # it has not sent (renders can finish out of order or be cancelled) and acknowledges.
        self._ops: list[tuple[int, str, int, str, Any]] = []
        self._seq = 0
        self._rerender: Callable[[], None] | None = None
        for item in items:
            self._insert(item, -1, limit)

    # -- reading -----------------------------------------------------------------------------

    def dom_id(self, item: T) -> str:
        """The DOM id (and ReactPy key) of ``item``'s row."""
        return f"{self.name}-{self._key_of(item)}"

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, item: object) -> bool:
        return self.dom_id(cast(T, item)) in self._present

    @property
    def dom_ids(self) -> list[str]:
        """The DOM ids of the rows in the page, in order."""
        return list(self._keys)

    # -- changing ----------------------------------------------------------------------------

    def insert(self, item: T, *, at: int = -1, limit: int | None = None) -> None:
        """Insert ``item`` at ``at`` (0: first, -1: last, n: before the n-th row).

        An item whose key is already in the page replaces its row in place. ``limit``
        overrides the stream's limit for this insert.
        """
        with self._lock:
            self._insert(item, at, self.limit if limit is None else limit)
        self._changed()

    def delete(self, item: T) -> None:
        """Remove ``item``'s row (by key); nothing happens if it is not in the page."""
        self.delete_by_dom_id(self.dom_id(item))

    def delete_by_dom_id(self, dom_id: str) -> None:
        with self._lock:
            self._delete(dom_id)
        self._changed()

    def reset(self, items: Iterable[T] = ()) -> None:
        """Empty the container and render ``items`` instead."""
        with self._lock:
            self._keys.clear()
            self._present.clear()
            self._op("c", 0, "", None)
            for item in items:
                self._insert(item, -1, self.limit)
        self._changed()

    def _insert(self, item: T, at: int, limit: int | None) -> None:
        dom_id = self.dom_id(item)
        if dom_id in self._present:
            self._op("r", self._keys.index(dom_id), dom_id, item)
            return
        size = len(self._keys)
        if at == -1 or at > size:
            index = size
        elif at < -1:
            msg = f"Expected at= to be -1 (last), 0 (first) or a row index, got {at}."
            raise ValueError(msg)
        else:
            index = at
        if limit is not None and limit != 0 and _pruned(index, size + 1, limit):
            return
        self._keys.insert(index, dom_id)
        self._present.add(dom_id)
        self._op("i", index, dom_id, item)
        if limit:
            while len(self._keys) > abs(limit):
                self._delete(self._keys[-1] if limit > 0 else self._keys[0])

    def _delete(self, dom_id: str) -> None:
        if dom_id not in self._present:
            return
        index = self._keys.index(dom_id)
        del self._keys[index]
        self._present.discard(dom_id)
        self._op("d", index, dom_id, None)

    def _op(self, kind: str, index: int, dom_id: str, item: Any) -> None:
        self._seq += 1
        self._ops.append((self._seq, kind, index, dom_id, item))

    def _acknowledge(self, seq: int) -> None:
        """The client has every operation up to ``seq``: forget them and their items."""
        with self._lock:
            if self._ops and self._ops[0][0] <= seq:
                self._ops = [op for op in self._ops if op[0] > seq]

    def _alive(self, dom_id: str) -> bool:
        return dom_id in self._present

    def _changed(self) -> None:
        rerender = self._rerender
        if rerender is not None:
            rerender()

    # -- rendering ---------------------------------------------------------------------------

    def render(
        self,
        row: Callable[[T], Any],
        *,
        tag: str = "div",
        attributes: Mapping[str, Any] | None = None,
    ) -> Component:
        """The container component: a ``tag`` element whose children are the rows.

        ``row(item)`` returns one row's element (``html.tr(...)`` …); its ``key`` and, when
        missing, its ``id`` are set to the row's DOM id. Rows are rendered once: components
        inside a row render once too (see docs/streams.md).
        """
        return _StreamContainer(self, row, tag, dict(attributes or {}), key=self.token)

    def _take_batch(self, row: Callable[[T], Any], *, fresh: bool) -> tuple[StreamMark, list[Any]]:
        with self._lock:
            latest = {k: item for _, kind, _, k, item in self._ops if kind in ("i", "r")}
            rows: list[Any] = []
            ops: list[tuple[int, str, int, int]] = []
            if fresh:
                # A new container is empty in the browser: it shows the rows whose items
                # are still here (on mount, all of them); rows already sent are gone.
                self._keys = [k for k in self._keys if k in latest]
                self._present = set(self._keys)
                rows = [self._row(row, latest[k], k) for k in self._keys]
            else:
                # Each row is rendered once per render (keys are unique among the
                # container's children), with its latest item; a row no longer in the
                # page is an empty placeholder (it is deleted by a later operation).
                position: dict[str, int] = {}
                for seq, kind, index, dom_id, _ in self._ops:
                    if kind in ("i", "r") and dom_id not in position:
                        position[dom_id] = len(rows)
                        rows.append(
                            self._row(row, latest[dom_id], dom_id)
                            if dom_id in self._present
                            else {"tagName": "", "attributes": {"key": dom_id}}
                        )
                    ops.append((seq, kind, index, position.get(dom_id, 0)))
            mark = StreamMark(self.token)
            mark.fresh, mark.ops, mark.seq = fresh, tuple(ops), self._seq
            mark.reset = any(kind == "c" for _, kind, _, _, _ in self._ops)
            mark.deleted = tuple(
                dict.fromkeys(
                    k for _, kind, _, k, _ in self._ops if kind == "d" and k not in self._present
                )
            )
            mark.acknowledge, mark.alive = self._acknowledge, self._alive
        return mark, rows

    def _row(self, row: Callable[[T], Any], item: T, dom_id: str) -> Any:
        element = row(item)
        if not isinstance(element, Mapping) or "tagName" not in element:
            msg = (
                f"A stream row must be an element such as html.tr(...), got "
                f"{type(element).__name__} for row {dom_id!r}. Wrap components in an element."
            )
            raise RenderError(msg)
        attributes = dict(element.get("attributes") or {})
        attributes["key"] = dom_id
        attributes.setdefault("id", dom_id)
        return {**element, "attributes": attributes}


def _pruned(index: int, size: int, limit: int) -> bool:
    """Would the row inserted at ``index`` (``size`` rows after) be pruned at once?"""
    if limit > 0:
        return index >= limit
    return index < size + limit


@component
def _StreamContainer(
    stream: Stream[Any], row: Callable[[Any], Any], tag: str, attributes: dict[str, Any]
) -> Any:
    _, set_version = use_state(0)
    mounted = use_ref(False)
    fresh = not mounted.current
    stream._rerender = lambda: set_version(lambda version: version + 1)

    def unbind() -> Callable[[], None]:
        def forget() -> None:
            stream._rerender = None

        return forget

    use_effect(unbind, [])
    mark, rows = stream._take_batch(row, fresh=fresh)
    mounted.current = True
    return {"tagName": tag, "attributes": {**attributes, STREAM_ATTRIBUTE: mark}, "children": rows}


def use_stream(
    source: Iterable[T] | Callable[[], Iterable[T]] | Callable[[], Awaitable[Iterable[T]]] = (),
    *,
    name: str = "items",
    key: Callable[[T], Hashable] | None = None,
    limit: int | None = None,
) -> Stream[T]:
    """A :class:`Stream` that lives as long as the component.

    ``source`` gives the first items: an iterable, a function returning one (called once,
    during the first render), or an async function (awaited once the websocket is
    connected; the stream is empty until then, and for the server-rendered first paint).
    """
    holder = use_ref(cast(Stream[T] | None, None))
    is_async = inspect.iscoroutinefunction(source)
    if holder.current is None:
        if is_async:
            first: Iterable[T] = ()
        elif callable(source):
            first = cast(Callable[[], Iterable[T]], source)()
        else:
            first = source
        holder.current = Stream(first, name=name, key=key, limit=limit)
    stream = holder.current
    if is_async:
        _use_async_source(stream, cast(Callable[[], Awaitable[Iterable[T]]], source))
    return stream


def _use_async_source(stream: Stream[T], source: Callable[[], Awaitable[Iterable[T]]]) -> None:
    from ._hooks import use_session

    session = use_session()

    def start() -> Callable[[], None] | None:
        if not session.connected:
            return None
        scope = anyio.CancelScope()

        async def load() -> None:
            with scope:
                stream.reset(await source())

        session.start_task(load, name=f"use_stream {stream.name}")
        return scope.cancel

    use_effect(start, [session.connected])


# -- LiveView class style (Phoenix's stream/3, stream_insert/4, stream_delete/3) ------------


def stream(
    socket: Socket,
    name: str,
    items: Iterable[T],
    *,
    key: Callable[[T], Hashable] | None = None,
    limit: int | None = None,
    reset: bool = False,
) -> Stream[T]:
    """Assign the stream ``name`` (created on first call) and insert ``items`` into it.

    In ``render``, ``assigns[name].render(row, tag="tbody")`` gives its container. With
    ``reset``, the rows already in the page are removed first.
    """
    existing = socket.assigns.get(name)
    if isinstance(existing, Stream):
        if reset:
            existing.reset(items)
        else:
            for item in items:
                existing.insert(item)
        return existing
    created: Stream[T] = Stream(items, name=name, key=key, limit=limit)
    socket.assign(**{name: created})
    return created


def stream_insert(
    socket: Socket, name: str, item: Any, *, at: int = -1, limit: int | None = None
) -> None:
    """Insert (or update in place) ``item`` in the stream ``name``; see :meth:`Stream.insert`."""
    _stream_of(socket, name).insert(item, at=at, limit=limit)


def stream_delete(socket: Socket, name: str, item: Any) -> None:
    """Remove ``item``'s row from the stream ``name``."""
    _stream_of(socket, name).delete(item)


def _stream_of(socket: Socket, name: str) -> Stream[Any]:
    found = socket.assigns.get(name)
    if not isinstance(found, Stream):
        msg = (
            f"There is no stream {name!r} in this view's assigns; call "
            f"stream(socket, {name!r}, items) in mount() first."
        )
        raise EmberError(msg)
    return found
