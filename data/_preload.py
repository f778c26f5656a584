"""Loader options for preloading relationships, and the raise-on-lazy-load mode.

Paths are dotted relationship names (``"posts.comments"``), loaded with one extra query
per level (``"selectin"``, the default) or a JOIN (``"joined"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, joinedload, raiseload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.strategy_options import _AbstractLoad

from ._errors import DataError

__all__ = ["Strategy", "load_into", "path_tree", "preload_options"]

Strategy = Literal["selectin", "joined"]


def _relationship(mapper: Mapper[object], name: str, path: str) -> object:
    if name not in mapper.relationships:
        known = ", ".join(sorted(mapper.relationships.keys())) or "none"
        raise DataError(
            f"Expected a relationship of {mapper.class_.__name__} in preload path {path!r}, "
            f"but got {name!r}. Its relationships are: {known}."
        )
    return getattr(mapper.class_, name)


def preload_options(
    model: type,
    paths: Sequence[str],
    *,
    strategy: Strategy = "selectin",
    raise_on_lazy_load: bool = False,
) -> list[_AbstractLoad]:
    """Loader options that preload ``paths`` of ``model``.

    Args:
        model: the mapped class queried.
        paths: dotted relationship paths, e.g. ``["posts", "posts.comments"]``.
        strategy: ``"selectin"`` (one query per level) or ``"joined"`` (a JOIN).
        raise_on_lazy_load: add ``raiseload("*")`` so touching anything not preloaded
            raises instead of silently running a query per row.
    """
    loader = selectinload if strategy == "selectin" else joinedload
    options: list[_AbstractLoad] = []
    for path in paths:
        mapper: Mapper[object] = sa_inspect(model)
        option: _AbstractLoad | None = None
        for name in path.split("."):
            attr = _relationship(mapper, name, path)
            option = loader(attr) if option is None else getattr(option, loader.__name__)(attr)  # type: ignore[arg-type]
            mapper = mapper.relationships[name].mapper
        if option is not None:
            options.append(option)
    if raise_on_lazy_load:
        options.append(raiseload("*"))
    return options


def path_tree(paths: Sequence[str]) -> dict[str, Any]:
    """``["posts", "posts.comments", "tags"]`` as ``{"posts": {"comments": {}}, "tags": {}}``."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for name in path.split("."):
            node = node.setdefault(name, {})
    return tree


def _key(
    obj: object, mapper: Mapper[object], columns: Sequence[ColumnElement[Any]]
) -> tuple[Any, ...]:
    return tuple(getattr(obj, mapper.get_property_by_column(c).key) for c in columns)


async def load_into(
    session: AsyncSession,
    records: Sequence[object],
    tree: Mapping[str, Any],
    query: Callable[[type], Select[Any]],
) -> None:
    """Load each relationship in ``tree`` onto ``records`` themselves: one query per level.

    The records are not reloaded: rows deleted meanwhile stay in the list, and the
    objects the caller holds get the relationships (Ecto's ``Repo.preload``).
    """
    if not records:
        return
    mapper: Mapper[object] = sa_inspect(type(records[0]))
    for name, subtree in tree.items():
        _relationship(mapper, name, name)  # an unknown name raises, listing the known ones
        rel = mapper.relationships[name]
        target: Mapper[object] = rel.mapper
        if rel.secondary is not None:
            local = [parent for parent, _ in rel.synchronize_pairs]
            link = [sec for _, sec in rel.synchronize_pairs]
            stmt = query(target.class_).add_columns(*link).join(rel.secondary, rel.secondaryjoin)
        else:
            local = [pair[0] for pair in rel.local_remote_pairs]
            link = [pair[1] for pair in rel.local_remote_pairs]
            stmt = query(target.class_)
        keys = {_key(r, mapper, local) for r in records}
        keys.discard(tuple(None for _ in local))
        found: dict[tuple[Any, ...], list[object]] = {}
        if keys:
            where = link[0].in_([k[0] for k in keys]) if len(link) == 1 else tuple_(*link).in_(keys)
            stmt = stmt.where(where)
            if rel.order_by:
                stmt = stmt.order_by(*rel.order_by)
            rows = (await session.execute(stmt)).unique().all()
            for row in rows:
                child = row[0]
                key = tuple(row[1:]) if rel.secondary is not None else _key(child, target, link)
                found.setdefault(key, []).append(child)
        children: list[object] = []
        for record in records:
            loaded = found.get(_key(record, mapper, local), [])
            children.extend(loaded)
            value = loaded if rel.uselist else (loaded[0] if loaded else None)
            set_committed_value(record, name, value)
        if subtree:
            await load_into(session, list(dict.fromkeys(children)), subtree, query)
