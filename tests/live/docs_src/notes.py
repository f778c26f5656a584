from collections.abc import Mapping
from typing import Any

import anyio
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

import ember.live
from ember.live import (
    AsyncResult,
    ComponentSocket,
    LiveComponent,
    LiveView,
    Socket,
    live_component,
    on_async,
    on_event,
)


async def count_words(text: str) -> int:
    await anyio.sleep(0.1)  # stands for slow work: a spell checker, an API call
    return len(text.split())


class NoteDraft(BaseModel):
    """The assigns that come back after a reconnect."""

    draft: str = ""


class NoteEditor(LiveComponent):
    recoverable = NoteDraft  # as on a LiveView: these fields are kept in the snapshot

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(draft="", words=None)

    @on_event("type")
    async def type(self, params: Any, socket: ComponentSocket) -> None:
        text = params["value"]
        socket.assign(draft=text, words=AsyncResult.loading())
        # Runs beside the page; starting "count" again cancels the running one.
        socket.start_async("count", lambda: count_words(text))

    @on_async("count")  # this component's only: its parent and siblings do not re-render
    async def counted(self, result: AsyncResult[int], socket: ComponentSocket) -> None:
        socket.assign(words=result)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        words = assigns["words"]
        shown = "…" if words is None or words.is_loading else f"{words.result} words"
        if words is not None and words.failed:
            shown = "could not count"
        return html.section(
            {"id": f"note-{assigns['id']}"},
            html.textarea({"value": assigns["draft"], "onChange": self.on("type")}),
            html.p({"className": "words"}, shown),
        )


class NotesLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(topics=["monday", "tuesday"])

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main([live_component(NoteEditor, topic) for topic in assigns["topics"]])


app = FastAPI(lifespan=ember.live.lifespan)
ember.live.mount(app, "/notes", NotesLive)
