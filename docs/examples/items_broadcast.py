"""Writes made outside ember reach live views: an ORM commit hook broadcasts, from a sync
REST route (a worker thread) and from an async one (the loop's thread) alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html
from sqlalchemy import String, create_engine, event
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import ember.live
from ember.live import LiveView, on_info
from ember.pubsub import message


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


@message("items.added")
class ItemAdded(BaseModel):
    title: str


class AppSession(Session):
    """The app's sessions (sync and, as sync_session_class, async): the hooks below
    listen on this class only."""


@event.listens_for(AppSession, "after_flush")
def collect_new_items(session: Session, _flush: object) -> None:
    pending = session.info.setdefault("broadcasts", [])
    pending += [ItemAdded(title=obj.title) for obj in session.new if isinstance(obj, Item)]


@event.listens_for(AppSession, "after_commit")
def broadcast_new_items(session: Session) -> None:
    # Only what was committed goes out; a rollback drops it (below).
    pubsub = ember.live.default_ember().pubsub
    for item in session.info.pop("broadcasts", []):
        pubsub.broadcast_sync("items", item)


@event.listens_for(AppSession, "after_rollback")
def forget_new_items(session: Session) -> None:
    session.info.pop("broadcasts", None)


class ItemsLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Any) -> None:
        if socket.connected:
            await socket.subscribe("items")
        socket.assign(titles=())

    @on_info(ItemAdded)
    async def added(self, item: ItemAdded, socket: Any) -> None:
        socket.assign(titles=(*socket.assigns["titles"], item.title))

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.ul({"id": "items"}, [html.li(t) for t in assigns["titles"]])


def create_app(database: str) -> FastAPI:
    """The app, on the SQLite file ``database``."""
    engine = create_engine(f"sqlite:///{database}")
    async_engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    Base.metadata.create_all(engine)
    app = FastAPI(lifespan=ember.live.lifespan)

    @app.post("/api/items")
    def create_item(title: str) -> dict[str, str]:  # sync: FastAPI runs it in a thread
        with AppSession(engine) as db, db.begin():
            db.add(Item(title=title))
        return {"title": title}

    @app.post("/api/items/async")
    async def create_item_async(title: str) -> dict[str, str]:
        async with AsyncSession(async_engine, sync_session_class=AppSession) as db, db.begin():
            db.add(Item(title=title))
        return {"title": title}

    ember.live.mount(app, "/items", ItemsLive)
    return app
