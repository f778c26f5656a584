"""Loader options for preloading relationships, and the raise-on-lazy-load mode.

Paths are dotted relationship names (``"posts.comments"``), loaded with one extra query
per level (``"selectin"``, the default) or a JOIN (``"joined"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, joinedload, raiseload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from ._errors import DataError

__all__ = ["Strategy", "preload_options"]

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
