"""The reconciler: compares a node's old children with the ones just rendered, by key
then by position, and writes the ``ember-patch`` operations for what changed as it goes.

There is no second pass over the model: an unchanged element costs one comparison of its
attributes and handlers; a keyed list edit costs the deletes, moves and inserts it needs
(runs of deletes and inserts become one op); a child whose type changed is set whole.
Stream containers (``data-ember-stream``) keep no copy of their rows: the rows are sent
once, and the stream's own operations (carried by its mark) say where they go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from .._errors import RenderError
from ._diff import STREAM_ATTRIBUTE, as_text, diff_mapping, sent_whole, stream_ops
from ._patch import Op, Path, encode_child
from ._reactpy import (
    KNOWN_TAGS,
    BaseEventHandler,
    Component,
    EngineHook,
    VdomDict,
    check_element,
    component_type,
    normalise_handlers,
    serialize_handler,
)
from ._sanitize import PLAIN_NAMES, safe_attributes

_ELEMENT, _COMPONENT, _TEXT = 1, 2, 3
_MISSING: Any = object()
_INPUTS = frozenset({"input", "select", "textarea"})
_MAX_REORDER = 2000
"""Beyond this many children, a reordered list is resent whole (keeps the compare O(n))."""
_ROOT_EMPTIES: dict[str, Any] = {
    "attributes": {},
    "eventHandlers": {},
    "inlineJavaScript": {},
    "children": [],
}

Entry = Any  # a Node, or the text of a text child
_NO_TARGETS: Mapping[str, str] = MappingProxyType({})
"""The handler targets of a node without handlers (most): one shared empty mapping."""


class Node:
    """One element or component in the tree (a component has a hook)."""

    __slots__ = (
        "children",
        "component",
        "dead",
        "failed",
        "hook",
        "index",
        "key",
        "key_path",
        "model",
        "parent",
        "rows",
        "targets",
    )

    def __init__(self, parent: Node | None, key: Any, key_path: str) -> None:
        self.parent = parent
        self.key = key
        self.key_path = key_path
        """ReactPy's path of keys: handler targets are ``f"{key_path}:{event}"``."""
        self.index = 0
        self.model: dict[str, Any] = {"tagName": ""}
        self.children: dict[Any, Entry] = {}
        """Children by key, in model order."""
        self.hook: EngineHook | None = None
        self.component: Any = None
        self.failed = False
        self.dead = False
        self.targets: Mapping[str, str] = _NO_TARGETS
        self.rows: dict[str, list[str]] | None = None
        """For a stream container: the handler targets of each row still in the page."""


class Reconciler:
    """Renders elements and reconciles children; :class:`ember.live.engine._engine.Engine`
    adds components, dirtiness and effects."""

    __slots__ = ("_handlers", "_kept", "_seen", "_sent_rows", "_seqs", "context")

    def __init__(self, context: str) -> None:
        self.context = context
        self._handlers: dict[str, BaseEventHandler] = {}
        self._kept: dict[str, BaseEventHandler] = {}  # handlers of stream rows sent
        self._seqs: dict[str, int] = {}
        self._seen: dict[str, int] = {}  # per stream token: the last op sent
        self._sent_rows: list[dict[str, Any]] = []

    # -- provided by the engine ----------------------------------------------------------------

    def _render_component(
        self, node: Node, path: Path | None, ops: list[Op] | None, providers: dict[Any, Any]
    ) -> None:
        raise NotImplementedError

    def _new_hook(self, node: Node) -> EngineHook:
        raise NotImplementedError

    def _unmount_hook(self, node: Node) -> None:
        raise NotImplementedError

    # -- children ------------------------------------------------------------------------------

    def _reconcile(
        self,
        parent: Node,
        raw_children: Any,
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
    ) -> None:
        """Render ``raw_children`` into ``parent``, writing ops when ``ops`` is given.

        Children are updated where they are for as long as their keys are the old ones in
        the old order (most re-renders: no moves, inserts or deletes); from the first one
        that differs on, :meth:`_reconcile_rest` compares by key.
        """
        if type(raw_children) is not list:
            raw_children = list(raw_children) if isinstance(raw_children, tuple) else [raw_children]
        children = parent.children
        models: list[Any] = []
        done = 0
        if len(raw_children) == len(children):
            writes = ops is not None and path is not None
            try:
                # Setting a key that is there already is allowed while the dict is iterated;
                # the lengths are equal (checked above).
                for (key, previous), child in zip(children.items(), raw_children):  # noqa: B905
                    of = type(child)
                    kind: int
                    if of is VdomDict or (of is not str and isinstance(child, dict)):
                        attributes = child.get("attributes")
                        own_key = attributes.get("key") if attributes else None
                        if key != (done if own_key is None else own_key):
                            break
                        if (
                            type(previous) is Node
                            and previous.hook is None
                            and previous.model["tagName"] == child.get("tagName")
                        ):
                            at = [*path, done] if writes else None  # type: ignore[misc]
                            self._render_element(previous, child, at, ops, providers)
                            models.append(previous.model)
                            done += 1
                            continue
                        kind = _ELEMENT
                    elif of is str or not (child is None or isinstance(child, Component)):
                        if key != done:
                            break
                        if of is not str:
                            child = f"{child}"
                        if isinstance(previous, str):
                            if previous != child:
                                if writes:
                                    ops.append(["s", [*path, done], child])  # type: ignore[misc, union-attr]
                                children[key] = child
                            models.append(child)
                            done += 1
                            continue
                        kind = _TEXT
                    elif child is None:
                        break
                    else:
                        if key != (done if child.key is None else child.key):
                            break
                        kind = _COMPONENT
                    at = [*path, done] if writes else None  # type: ignore[misc]
                    entry = self._update(
                        parent, previous, kind, child, key, done, at, ops, providers
                    )
                    if entry is not previous:
                        children[key] = entry
                    models.append(entry if isinstance(entry, str) else entry.model)
                    done += 1
            except BaseException:
                self._abandon(parent, children.values())
                raise
        if done < len(raw_children) or done < len(children):
            self._reconcile_rest(parent, raw_children, path, ops, providers, done, models)
        else:
            _set_children_model(parent, models)

    def _reconcile_one(
        self,
        parent: Node,
        raw: Any,
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
    ) -> None:
        """:meth:`_reconcile` for what a component rendered: most often one element, the
        same as before (its key and tag), updated where it is."""
        children = parent.children
        if len(children) == 1 and isinstance(raw, dict):
            for key, previous in children.items():
                attributes = raw.get("attributes")
                own_key = attributes.get("key") if attributes else None
                if (
                    key == (0 if own_key is None else own_key)
                    and type(previous) is Node
                    and previous.hook is None
                    and previous.model["tagName"] == raw.get("tagName")
                ):
                    at = [*path, 0] if ops is not None and path is not None else None
                    try:
                        self._render_element(previous, raw, at, ops, providers)
                    except BaseException:
                        self._unmount(previous)
                        parent.children = {}
                        raise
                    parent.model["children"] = [previous.model]
                    return
        self._reconcile(parent, [raw], path, ops, providers)

    def _reconcile_rest(
        self,
        parent: Node,
        raw_children: list[Any],
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
        done: int,
        models: list[Any],
    ) -> None:
        """:meth:`_reconcile` by key, after the first ``done`` children (updated where they
        were, their models in ``models``)."""
        infos, keys = _children_info(raw_children)
        _check_unique(keys)
        old = parent.children
        if not old and (ops is None or path is None):
            # A new parent (a first paint, a new subtree): every child is created, in order.
            self._create_all(parent, infos, providers, models)
            return
        wanted = set(keys)
        current: list[Any] = []
        gone: list[int] = []
        for position, (key, entry) in enumerate(old.items()):
            if key in wanted:
                current.append(key)
            else:
                gone.append(position)
                if isinstance(entry, Node):
                    self._unmount(entry)
        if ops is not None and path is not None and gone:
            _delete_runs(gone, path, ops)
        whole = False
        if ops is not None and len(infos) > _MAX_REORDER and current:
            whole = [key for key in keys if key in old] != current
        child_ops = None if whole else ops
        new: dict[Any, Entry] = {}
        last_insert: Op | None = None
        try:
            for _, _, key in infos[:done]:  # the same keys as the old ones, in order
                new[key] = old[key]
            for position, (kind, child, key) in enumerate(infos[done:], done):
                previous = old.get(key, _MISSING)
                if previous is _MISSING:
                    entry = self._create(parent, kind, child, key, position, providers)
                    if child_ops is not None and path is not None:
                        current.insert(position, key)
                        encoded = self._encode(entry)
                        if last_insert is not None and last_insert[2] + len(last_insert[3]) == (
                            position
                        ):
                            last_insert[3].append(encoded)
                        else:
                            last_insert = ["i", path, position, [encoded]]
                            child_ops.append(last_insert)
                else:
                    at: Path | None = None
                    if child_ops is not None and path is not None:
                        last_insert = None
                        if current[position] != key:
                            found = current.index(key, position)
                            child_ops.append(["m", path, found, position])
                            current.insert(position, current.pop(found))
                        at = [*path, position]
                    entry = self._update(
                        parent, previous, kind, child, key, position, at, child_ops, providers
                    )
                new[key] = entry
                models.append(entry if isinstance(entry, str) else entry.model)
        except BaseException:
            gone = [entry for key, entry in old.items() if key not in new]
            self._abandon(parent, [*new.values(), *gone])
            raise
        parent.children = new
        _set_children_model(parent, models)
        if whole and ops is not None and path is not None:
            ops.append(["c", path, [self._encode(entry) for entry in new.values()]])

    def _create_all(
        self,
        parent: Node,
        infos: list[tuple[int, Any, Any]],
        providers: dict[Any, Any],
        models: list[Any],
    ) -> None:
        """:meth:`_reconcile_rest` for a parent with no children yet, and no ops to write."""
        new: dict[Any, Entry] = {}
        try:
            for position, (kind, child, key) in enumerate(infos):
                entry = self._create(parent, kind, child, key, position, providers)
                new[key] = entry
                models.append(entry if isinstance(entry, str) else entry.model)
        except BaseException:
            self._abandon(parent, new.values())
            raise
        parent.children = new
        _set_children_model(parent, models)

    def _abandon(self, parent: Node, entries: Iterable[Entry]) -> None:
        """A pass over ``parent``'s children failed: unmount the nodes it mounted or left
        behind, and leave ``parent`` with no children."""
        for entry in entries:
            if isinstance(entry, Node):
                self._unmount(entry)
        parent.children = {}

    def _create(
        self, parent: Node, kind: int, child: Any, key: Any, index: int, providers: dict[Any, Any]
    ) -> Entry:
        if kind == _TEXT:
            return child
        node = Node(parent, key, f"{parent.key_path}/{key}")
        node.index = index
        try:
            if kind == _COMPONENT:
                node.hook = self._new_hook(node)
                node.component = child
                self._render_component(node, None, None, providers)
            else:
                self._render_element(node, child, None, None, providers)
        except BaseException:
            self._unmount(node)
            raise
        return node

    def _update(
        self,
        parent: Node,
        previous: Entry,
        kind: int,
        child: Any,
        key: Any,
        index: int,
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
    ) -> Entry:
        if kind == _TEXT:
            if isinstance(previous, str):
                if previous != child and ops is not None:
                    ops.append(["s", path, child])
                return child
        elif isinstance(previous, Node):
            if kind == _COMPONENT:
                if previous.hook is not None and component_type(previous.component) == (
                    component_type(child)
                ):
                    previous.index = index
                    previous.component = child
                    self._render_component(previous, path, ops, providers)
                    return previous
            elif previous.hook is None:
                previous.index = index
                if previous.model["tagName"] == child["tagName"]:
                    self._render_element(previous, child, path, ops, providers)
                else:  # ReactPy keeps the element's state below; the client gets it whole
                    self._render_element(previous, child, None, None, providers)
                    if ops is not None and path is not None:
                        ops.append(self._set_op(path, previous.model))
                return previous
        # Another kind of child under the same key: the old one goes, the new one is set.
        if isinstance(previous, Node):
            self._unmount(previous)
        entry = self._create(parent, kind, child, key, index, providers)
        if ops is not None and path is not None:
            ops.append(self._set_op(path, entry))
        return entry

    # -- elements -------------------------------------------------------------------------------

    def _render_element(
        self,
        node: Node,
        raw: Any,
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
    ) -> None:
        old_model = node.model
        tag = raw.get("tagName")
        if tag not in KNOWN_TAGS or "importSource" in raw or "inlineJavaScript" in raw:
            check_element(raw)
        attributes = raw.get("attributes")
        if attributes:
            for name in attributes:
                if name not in PLAIN_NAMES:
                    checked = safe_attributes(tag, attributes, self.context)
                    break
            else:
                checked = attributes  # what safe_attributes returns for these names
            # ReactPy's html.* make a new mapping per element: it is the model's own. Any
            # other mapping (a dict written by hand, which its author may change) is copied.
            if checked is attributes and type(raw) is not VdomDict:
                checked = dict(checked)
            attributes = checked
            model: dict[str, Any] = {"tagName": tag, "attributes": attributes}
        else:
            attributes = None
            model = {"tagName": tag}
        handlers = raw.get("eventHandlers")
        if handlers:
            for name in handlers:
                if "_" in name or name == "onSubmit":  # what normalise_handlers may change
                    handlers = normalise_handlers(handlers)
                    break
        old_targets = node.targets
        wire: dict[str, Any] | None = None
        if handlers:
            targets: dict[str, str] = {}
            registry = self._handlers
            key_path = node.key_path
            # The wire entries of the last render are kept when nothing in them changed
            # (most renders): the compare below is then one identity check.
            old_wire = old_model.get("eventHandlers")
            reuse = old_wire is not None and len(old_wire) == len(handlers)
            for event, handler in handlers.items():
                target = handler.target or f"{key_path}:{event}"
                targets[event] = target
                registry[target] = handler
                if reuse:
                    entry = old_wire.get(event)  # type: ignore[union-attr]
                    reuse = (
                        entry is not None
                        and len(entry) == 3
                        and entry["target"] == target
                        and entry["preventDefault"] == handler.prevent_default
                        and entry["stopPropagation"] == handler.stop_propagation
                        and handler.debounce is None
                        and handler.throttle is None
                        and not hasattr(handler, "js")
                    )
            if reuse:
                wire = old_wire
            else:
                wire = {}
                for event, handler in handlers.items():
                    wire[event] = serialize_handler(handler, targets[event])
            if old_targets and old_targets != targets:
                for event, target in old_targets.items():
                    if targets.get(event) != target:
                        registry.pop(target, None)
            node.targets = targets
            model["eventHandlers"] = wire
            if self._seqs and tag in _INPUTS and attributes:
                acks = [self._seqs[t] for t in targets.values() if t in self._seqs]
                if acks:
                    # The element's own copy: the rendered mapping may be the component's.
                    attributes = {**attributes, "_reactpy_ack_seq": max(acks)}
                    model["attributes"] = attributes
        elif old_targets:
            for target in old_targets.values():
                self._handlers.pop(target, None)
            node.targets = _NO_TARGETS
        if ops is not None and path is not None:
            before = old_model.get("attributes")
            if before is not attributes and (before or attributes):
                before, after = before or {}, attributes or {}
                if STREAM_ATTRIBUTE in after:
                    before, after = as_text(before), as_text(after)
                if before != after:
                    diff_mapping(before, after, [*path, "attributes"], ops)
            before = old_model.get("eventHandlers")
            if before is not wire and (before or wire) and before != wire:
                diff_mapping(before or {}, wire or {}, [*path, "eventHandlers"], ops)
        node.model = model
        mark = (
            attributes[STREAM_ATTRIBUTE] if attributes and STREAM_ATTRIBUTE in attributes else None
        )
        if mark is not None and hasattr(mark, "ops"):
            self._render_stream(node, raw, mark, old_model, path, ops, providers)
            return
        children = raw.get("children")
        old_children = node.children
        if children:
            if len(children) == 1 and len(old_children) == 1:
                # One text, as before (a label, a count): the commonest leaf, compared here.
                text = children[0]
                previous = old_children.get(0)
                if type(text) is str and type(previous) is str:
                    if previous != text:
                        if ops is not None and path is not None:
                            ops.append(["s", [*path, 0], text])
                        old_children[0] = text
                    model["children"] = [text]
                    return
            self._reconcile(node, children, path, ops, providers)
        elif old_children:
            self._reconcile(node, (), path, ops, providers)

    def _render_stream(
        self,
        node: Node,
        raw: Any,
        mark: Any,
        old_model: dict[str, Any],
        path: Path | None,
        ops: list[Op] | None,
        providers: dict[Any, Any],
    ) -> None:
        rows = node.rows if node.rows is not None else {}
        node.rows = rows
        gone = list(rows) if mark.fresh or mark.reset else mark.deleted
        for key in gone:
            for target in rows.pop(key, ()):
                self._kept.pop(target, None)
        # Rows are rendered once; the ones holding components stay mounted until the
        # container's next render (as in ReactPy), the others go at once.
        self._reconcile(node, raw.get("children", ()), None, None, providers)
        for key, entry in list(node.children.items()):
            if not isinstance(entry, Node):
                continue
            for target in rows.pop(key, ()):
                self._kept.pop(target, None)
            targets, holds_components = _row_targets(entry)
            if mark.alive(key):
                for target in targets:
                    self._kept[target] = self._handlers[target]
                rows[key] = targets
            if not holds_components:
                self._unmount(entry)
                del node.children[key]
        self._sent_rows.append(node.model)
        if ops is not None and path is not None:
            stream_ops(old_model, node.model, mark, path, ops, self._seen)

    def _release_sent_rows(self) -> None:
        """The rows of the last pass have been sent: the server keeps no copy."""
        for model in self._sent_rows:
            model["children"] = []
        self._sent_rows = []

    # -- unmounting and encoding ----------------------------------------------------------------

    def _unmount(self, node: Node) -> None:
        pending = [node]
        while pending:
            current = pending.pop()
            if current.dead:
                continue
            current.dead = True
            for target in current.targets.values():
                self._handlers.pop(target, None)
            if current.rows:
                for targets in current.rows.values():
                    for target in targets:
                        self._kept.pop(target, None)
                current.rows.clear()
            if current.hook is not None:
                self._unmount_hook(current)
            pending.extend(e for e in current.children.values() if isinstance(e, Node))
            # Parent and children refer to each other, and a component (its props, its
            # closures) may refer to the session that holds the engine: cycles, which
            # reference counting cannot free (the engine's close unmounts the whole tree).
            current.parent = None
            current.component = None

    def _encode(self, entry: Entry) -> Any:
        if isinstance(entry, str):
            return entry
        model = entry.model if isinstance(entry, Node) else entry
        sent_whole(model, self._seen)
        return encode_child(model)

    def _set_op(self, path: Path, entry: Entry) -> Op:
        if path:
            return ["s", path, self._encode(entry)]
        model = entry.model if isinstance(entry, Node) else entry
        sent_whole(model, self._seen)
        return ["s", [], {**_ROOT_EMPTIES, **model}]


def _children_info(raw_children: Any) -> tuple[list[tuple[int, Any, Any]], list[Any]]:
    """Each child's kind, the child (a text as ``str``) and its key; and the keys in order."""
    infos: list[tuple[int, Any, Any]] = []
    keys: list[Any] = []
    for index, child in enumerate(raw_children):
        if child is None:
            continue
        if type(child) is str:
            kind = _TEXT
            key = None
        elif isinstance(child, dict):
            kind = _ELEMENT
            attributes = child.get("attributes")
            key = attributes.get("key") if attributes else None
        elif isinstance(child, Component):
            kind = _COMPONENT
            key = child.key
        else:
            child = f"{child}"
            kind = _TEXT
            key = None
        if key is None:
            key = index
        infos.append((kind, child, key))
        keys.append(key)
    return infos, keys


def _check_unique(keys: list[Any]) -> None:
    """Raise when two children share a key."""
    if len(set(keys)) == len(keys):
        return
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            msg = (
                f"Expected every child of an element to have its own key, got the key "
                f"{key!r} twice. Give each item of a list a unique key (e.g. its id)."
            )
            raise RenderError(msg)
        seen.add(key)


def _delete_runs(gone: list[int], path: Path, ops: list[Op]) -> None:
    """Delete the children at the ``gone`` positions (ascending), runs from the end."""
    index = len(gone) - 1
    while index >= 0:
        end = gone[index]
        start = end
        while index > 0 and gone[index - 1] == start - 1:
            index -= 1
            start -= 1
        ops.append(["d", path, start, end - start + 1])
        index -= 1


def _row_targets(node: Node) -> tuple[list[str], bool]:
    targets: list[str] = []
    holds_components = False
    pending = [node]
    while pending:
        current = pending.pop()
        targets.extend(current.targets.values())
        holds_components = holds_components or current.hook is not None
        pending.extend(e for e in current.children.values() if isinstance(e, Node))
    return targets, holds_components


def _set_children_model(parent: Node, models: list[Any]) -> None:
    """``parent``'s model lists ``models`` as its children, or has no children key."""
    if models:
        parent.model["children"] = models
    else:
        parent.model.pop("children", None)
