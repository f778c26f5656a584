"""An existing FastAPI app, shaped like full-stack-fastapi-template's backend (tag-based
route ids, a bearer-token API, a ``yield`` database dependency, its own lifespan, a router
included with a prefix), with a live page added by ``add_live_pages``."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie, OAuth2PasswordBearer
from pydantic import BaseModel
from reactpy import html
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.requests import HTTPConnection

import ember.live
from ember.live import LiveView, on_info
from ember.pubsub import message

# -- the app as it was ---------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(50))


TOKENS: dict[str, str] = {}  # access token -> user name (a real app signs a JWT)
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


async def get_db(connection: HTTPConnection) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(connection.app.state.engine) as session:
        yield session


async def current_user(
    token: Annotated[str, Depends(bearer)], db: Annotated[AsyncSession, Depends(get_db)]
) -> str:
    user = TOKENS.get(token)
    if user is None:
        raise HTTPException(401, "Not authenticated")
    return user


class ItemIn(BaseModel):
    title: str


items = APIRouter(prefix="/items", tags=["items"])


@items.get("/")
async def read_items(
    user: Annotated[str, Depends(current_user)], db: Annotated[AsyncSession, Depends(get_db)]
) -> list[str]:
    rows = await db.scalars(select(Item.title).where(Item.owner == user).order_by(Item.id))
    return list(rows)


@items.post("/")
async def create_item(
    item: ItemIn,
    user: Annotated[str, Depends(current_user)],
    db: Annotated[AsyncSession, Depends(get_db)],
) -> dict[str, str]:
    db.add(Item(title=item.title, owner=user))
    await db.commit()
    await ember.live.default_ember().pubsub.broadcast(  # added with the live page
        f"items:{user}", ItemCreated(title=item.title)
    )
    return {"title": item.title}


login = APIRouter(prefix="/login", tags=["login"])


@login.post("/access-token")
def log_in() -> JSONResponse:
    token = secrets.token_urlsafe(16)
    TOKENS[token] = "ada"  # a real app checks a password
    response = JSONResponse({"access_token": token, "token_type": "bearer"})
    # Added with the live page: browsers send no Authorization header on a page load or a
    # websocket, so the same token also travels as an HttpOnly cookie.
    response.set_cookie("access_token", token, httponly=True, samesite="lax")
    return response


@contextlib.asynccontextmanager
async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.engine = engine = create_async_engine(
        app.state.database_url, pool_size=5, max_overflow=10
    )
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


def unique_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


# -- the live page: added without touching the API above ---------------------------------


@message("items.created")
class ItemCreated(BaseModel):
    title: str


cookie = APIKeyCookie(name="access_token", auto_error=False)


async def page_user(
    token: Annotated[str | None, Depends(cookie)], db: Annotated[AsyncSession, Depends(get_db)]
) -> str:
    """The API's ``current_user``, reading the token from the cookie."""
    return await current_user(token or "", db)


class MyItemsLive(LiveView):
    async def mount(
        self,
        params: Mapping[str, str],
        session: Any,
        socket: Any,
        db: Annotated[AsyncSession, Depends(get_db)],
    ) -> None:
        user = session.identity
        if socket.connected:
            await socket.subscribe(f"items:{user}")
        titles = await db.scalars(select(Item.title).where(Item.owner == user))
        socket.assign(user=user, titles=tuple(titles))

    @on_info(ItemCreated)
    async def created(self, item: ItemCreated, socket: Any) -> None:
        socket.assign(titles=(*socket.assigns["titles"], item.title))

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.section(
            html.h1(f"{assigns['user']}'s items"),
            html.ul({"id": "items"}, [html.li(title) for title in assigns["titles"]]),
        )


def add_live_pages(app: FastAPI) -> None:
    """Everything ember adds to the app: one mount (its lifespan is combined below)."""
    ember.live.mount(
        app,
        "/live/items",
        MyItemsLive,
        dependencies={"identity": page_user},
        login_redirect=lambda url, error: f"/login?next={quote(url)}",
    )


def create_app(database_url: str, *, live: bool = True) -> FastAPI:
    lifespan = ember.live.combine_lifespans(ember.live.lifespan, app_lifespan)
    app = FastAPI(generate_unique_id_function=unique_id, lifespan=lifespan)
    app.state.database_url = database_url
    app.include_router(items, prefix="/api/v1")
    app.include_router(login, prefix="/api/v1")

    @app.get("/login", include_in_schema=False, tags=["login"])
    def login_page(next: str = "/live/items") -> HTMLResponse:
        return HTMLResponse(f"<h1 id='login'>Log in</h1><p>then go to {next}</p>")

    if live:
        add_live_pages(app)
    return app
