"""``ember storybook PACKAGE``: the storybook alone, served by uvicorn.

``ember.cli`` calls :func:`storybook_command` for ``ember storybook``; the storybook's own
serving code lives here, next to the storybook.
"""

from __future__ import annotations

import os
import sys

import uvicorn
from fastapi import FastAPI

from ember.live import uvicorn_log_config

from ._asgi import Storybook

__all__ = ["storybook_app", "storybook_command"]


def storybook_app(packages: list[str]) -> FastAPI:
    """A FastAPI app serving the stories of ``packages`` at ``/``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    storybook = Storybook(packages)
    storybook.app_for("")  # import the stories now, so a bad package fails before serving
    app.mount("/", storybook)
    return app


def storybook_command(package: str, host: str, port: int) -> None:
    """Serve the storybook for ``package`` (comma-separated for several) at http://host:port/.

    Raises:
        StorybookError: a package cannot be imported or declares stories wrongly.
    """
    packages = [p.strip() for p in package.split(",") if p.strip()]
    if os.getcwd() not in sys.path:  # `ember storybook shop` finds ./shop, like uvicorn
        sys.path.insert(0, os.getcwd())
    app = storybook_app(packages)
    print(f"ember storybook for {', '.join(packages)}: open http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="info", log_config=uvicorn_log_config())
