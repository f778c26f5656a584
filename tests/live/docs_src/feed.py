from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import component, html

import ember.live
from ember.live import LiveView, Socket, on_event, stream, stream_delete, stream_insert, use_stream

POSTS = [{"id": n, "text": f"post {n}"} for n in range(1, 4)]  # your database


def post_row(post: dict[str, Any], on_hide: Any) -> Any:
    return html.li(post["text"], html.button({"class": "hide", "onClick": on_hide}, "hide"))


# Hook style: use_stream gives the stream; posts.render(...) is its container.
@component
def Feed() -> Any:
    posts = use_stream(lambda: list(POSTS), name="posts", limit=50)  # newest 50 in the page

    def publish(event: Any) -> None:
        post = {"id": len(POSTS) + 1, "text": f"post {len(POSTS) + 1}"}
        POSTS.append(post)
        posts.insert(post, at=0)  # sends one row, whatever the length of the list

    def row(post: dict[str, Any]) -> Any:
        return post_row(post, lambda event: posts.delete(post))

    return html.main(
        html.button({"id": "publish", "onClick": publish}, "publish"),
        posts.render(row, tag="ul", attributes={"id": "posts"}),
    )


# Class style: stream(socket, ...) in mount, stream_insert / stream_delete in callbacks.
class FeedLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        stream(socket, "posts", list(POSTS), limit=50)

    @on_event("publish")
    async def publish(self, params: Any, socket: Socket) -> None:
        post = {"id": len(POSTS) + 1, "text": f"post {len(POSTS) + 1}"}
        POSTS.append(post)
        stream_insert(socket, "posts", post, at=0)

    @on_event("hide")
    async def hide(self, params: Any, socket: Socket) -> None:
        stream_delete(socket, "posts", {"id": int(params["id"])})  # from data-id

    def render(self, assigns: Mapping[str, Any]) -> Any:
        def row(post: dict[str, Any]) -> Any:
            return html.li(
                post["text"],
                html.button(
                    {"class": "hide", "data-id": str(post["id"]), "onClick": self.on("hide")},
                    "hide",
                ),
            )

        return html.main(
            html.button({"id": "publish", "onClick": self.on("publish")}, "publish"),
            assigns["posts"].render(row, tag="ul", attributes={"id": "posts"}),
        )


app = FastAPI()
ember.live.mount(app, "/feed", Feed)
ember.live.mount(app, "/feed-class", FeedLive)
