"""The demo app that ``ember demo`` runs: "ember chirp", every part of ember working together.

- a timeline of chirps (post, like, repost) live in every tab: a ``LiveView`` over a stream,
  fed by PubSub messages from the chirps context;
- members: a registration form validated by a changeset (unique email), in hook style;
- sign up, log in and log out (a password, a session cookie): a member posts under their
  name in every tab; guests keep a name of their own (a signed cookie);
- who is online (Presence), a slow report run as a background job with live progress and
  a cached result (ember.jobs, ember.cache), flash toasts,
  navigation between the two live pages, the storybook at ``/storybook`` when present.

Embedded defaults: a SQLite file and the in-process PubSub. With ``EMBER_DATABASE_URL``
(PostgreSQL) and ``EMBER_PUBSUB_URL`` (Redis), several ``ember demo`` processes share one
live timeline.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Response

import ember.components as ui
import ember.live
from ember.pubsub import Presence

from . import auth, avatars, db, guests, layout, online, reports
from .layout import head
from .members import Members
from .signin import LogIn, SignUp
from .timeline import TimelineLive

logger = logging.getLogger("ember.demo")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the tables on first start, run the PubSub and Presence with the app."""
    await db.create_tables()
    async with (
        ember.live.lifespan(app),
        Presence(ember.live.default_ember().pubsub) as presence,
        online.watching(presence),
        reports.running(db.repo, ember.live.default_ember().pubsub),
    ):
        yield
    await db.repo.dispose()


app = FastAPI(title="ember demo", lifespan=lifespan)


@app.get("/api/health")
def health() -> dict[str, str]:
    """A plain JSON route, next to the live pages."""
    return {"status": "ok"}


FAVICON = (Path(__file__).parent / "static" / "favicon.svg").read_bytes()


@app.get("/favicon.svg", include_in_schema=False)
@app.get("/favicon.ico", include_in_schema=False)  # asked for by pages without a <link>
def favicon() -> Response:
    """The demo's icon (every page links it; browsers ask for /favicon.ico otherwise)."""
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def mount_storybook(target: FastAPI) -> bool:
    """Mount ember's storybook at /storybook/, if this ember has one."""
    try:
        import ember.storybook as storybook
    except ImportError:  # pragma: no cover - the storybook ships with ember
        return False
    factory = getattr(storybook, "Storybook", None)
    if factory is None:
        logger.info("ember.storybook has no Storybook app; /storybook is not mounted")
        return False
    target.mount("/storybook", factory(packages=["ember.storybook.stories"]))
    return True


ui.mount_static(app)
avatars.serve(app)
# A guest keeps one name across reloads, pages and reconnects (guests.py); a member logs
# in (auth.py, logins.py): every page's identity is the member, else the guest's name.
app.add_middleware(guests.GuestCookie)
app.add_middleware(auth.CsrfCookie)
app.include_router(auth.router)
# One live_session: the top bar's links switch between the pages over one socket, and a
# member's tabs are sent through the check again when they log out (in every tab).
auth.chirp.mount(app, "/", TimelineLive, title="ember chirp · timeline", head=head())
auth.chirp.mount(app, "/users", Members, title="ember chirp · members", head=head())
auth.chirp.mount(app, "/sign-up", SignUp, title="ember chirp · sign up", head=head())
auth.chirp.mount(app, "/log-in", LogIn, title="ember chirp · log in", head=head())
layout.storybook_mounted = mount_storybook(app)
