"""The timeline: a LiveView (class style) over a stream of chirps, live in every tab.

Posting, liking and reposting go through the chirps context, which broadcasts; every
open timeline (in this process or, with Redis, in another) receives the message and
updates only the row it concerns. Presence lists who has a timeline open, and the
trending report runs as a task with a loading state.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from reactpy import html

import ember.components as ui
from ember.live import (
    AsyncResult,
    LiveSession,
    LiveView,
    Socket,
    on_async,
    on_event,
    on_info,
    stream,
    stream_insert,
)
from ember.pubsub import MessagesMayBeLost, PresenceDiff, undelivered

from . import chirps, online
from .layout import shell

OTHERS_MISSED = "{what}. Pages served by other workers will show it after a reload."


class TimelineLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: LiveSession, socket: Socket) -> None:
        name = f"guest-{secrets.randbelow(9000) + 1000}"
        if socket.connected:
            await socket.subscribe(chirps.TOPIC, types=[chirps.ChirpPosted, chirps.ChirpChanged])
            await socket.subscribe(online.TOPIC, types=[PresenceDiff])
            await online.arrive(session.id, name)
        socket.assign(
            tab=session.id,
            name=name,
            form=ui.to_form(chirps.change_chirp(name), id="compose"),
            online=online.names(),
            trending=None,
        )
        stream(socket, "chirps", await chirps.list_chirps(), limit=50, reset=True)

    async def terminate(self, reason: str, socket: Socket) -> None:
        await online.leave(socket.assigns["tab"])

    # -- posting -----------------------------------------------------------------------------

    @on_event("validate")
    async def validate(self, params: Mapping[str, Any], socket: Socket) -> None:
        changeset = chirps.change_chirp(socket.assigns["name"], params).put_action("validate")
        socket.assign(form=ui.to_form(changeset, id="compose"))

    @on_event("post")
    async def post(self, params: Mapping[str, Any], socket: Socket) -> None:
        with undelivered() as missed:
            result = await chirps.post_chirp(params)
        if not result.ok:
            socket.assign(form=ui.to_form(result.changeset, id="compose"))
            return
        author = result.value.author
        if author != socket.assigns["name"]:
            await online.rename(socket.assigns["tab"], author)
        socket.assign(name=author, form=ui.to_form(chirps.change_chirp(author), id="compose"))
        if missed:  # saved, and this process's tabs have it; other workers were not told
            socket.put_flash("info", OTHERS_MISSED.format(what="Chirp posted"))
        else:
            socket.put_flash("success", "Chirp posted.")

    @on_event("like")
    async def like(self, params: Mapping[str, Any], socket: Socket) -> None:
        with undelivered() as missed:
            chirp = await chirps.like_chirp(int(params["id"]))
        if missed and chirp is not None:
            socket.put_flash("info", OTHERS_MISSED.format(what="Liked"))

    @on_event("repost")
    async def repost(self, params: Mapping[str, Any], socket: Socket) -> None:
        with undelivered() as missed:
            original = await chirps.repost_chirp(int(params["id"]), socket.assigns["name"])
        if original is None:
            return
        if missed:
            socket.put_flash("info", OTHERS_MISSED.format(what="Reposted"))
        else:
            socket.put_flash("info", "Reposted to every timeline.")

    # -- live updates ------------------------------------------------------------------------

    @on_info(chirps.ChirpPosted)
    async def chirp_posted(self, msg: chirps.ChirpPosted, socket: Socket) -> None:
        stream_insert(socket, "chirps", msg.chirp, at=0)

    @on_info(chirps.ChirpChanged)
    async def chirp_changed(self, msg: chirps.ChirpChanged, socket: Socket) -> None:
        if msg.chirp in socket.assigns["chirps"]:
            stream_insert(socket, "chirps", msg.chirp)

    @on_info(PresenceDiff)
    async def presence_changed(self, msg: PresenceDiff, socket: Socket) -> None:
        socket.assign(online=online.names())

    @on_info(MessagesMayBeLost)
    async def refetch(self, msg: MessagesMayBeLost, socket: Socket) -> None:
        stream(socket, "chirps", await chirps.list_chirps(), reset=True)

    # -- the slow report ---------------------------------------------------------------------

    @on_event("trending")
    async def trending(self, params: Mapping[str, Any], socket: Socket) -> None:
        socket.assign(trending=AsyncResult.loading())
        socket.start_async("trending", chirps.trending_words)

    @on_async("trending")
    async def trending_done(
        self, result: AsyncResult[list[tuple[str, int]]], socket: Socket
    ) -> None:
        socket.assign(trending=result)

    # -- markup ------------------------------------------------------------------------------

    def render(self, assigns: Mapping[str, Any]) -> Any:
        form = assigns["form"]
        compose = ui.card(
            ui.form(
                form,
                ui.input(form["author"], label="Your name", autocomplete="nickname"),
                ui.input(
                    form["body"],
                    type="textarea",
                    label="What's happening?",
                    placeholder="Say something to every open tab…",
                    rows=3,
                ),
                ui.submit_button("Chirp", busy_label="Posting…"),
                on_change=self.on("validate"),
                on_submit=self.on("post"),
                label="Compose a chirp",
            ),
            id="compose-card",
        )
        timeline = assigns["chirps"].render(self.chirp_row, attributes={"className": "chirps"})
        return shell(
            "/",
            ui.header(
                "Timeline",
                subtitle="Post, like and repost: every open tab sees it at once.",
            ),
            html.div(
                {"className": "demo-grid"},
                html.section({"aria-label": "Timeline"}, compose, timeline),
                html.aside(
                    {"className": "demo-side"},
                    self.online_card(assigns["online"]),
                    self.trending_card(assigns["trending"]),
                ),
            ),
            status=html.span({"id": "who"}, f"You are {assigns['name']}"),
        )

    def chirp_row(self, chirp: chirps.ChirpOut) -> Any:
        when = chirp.inserted_at.strftime("%H:%M") if chirp.inserted_at else ""
        return html.article(
            {"className": "chirp", "data-chirp": str(chirp.id)},
            ui.avatar(chirp.author),
            html.div(
                {"className": "chirp-main"},
                html.div({"className": "chirp-repost"}, f"↻ reposted from {chirp.reposted_from}")
                if chirp.reposted_from
                else "",
                html.div({"className": "chirp-meta"}, html.strong(chirp.author), html.span(when)),
                html.p({"className": "chirp-body"}, chirp.body),
                html.div(
                    {"className": "chirp-actions"},
                    self.action("like", chirp, f"♥ {chirp.likes}", "Like"),
                    self.action("repost", chirp, f"↻ {chirp.reposts}", "Repost"),
                ),
            ),
        )

    def action(self, event: str, chirp: chirps.ChirpOut, text: str, label: str) -> Any:
        return html.button(
            {
                "type": "button",
                "className": "ember-button ember-button-ghost ember-button-sm",
                "data-id": str(chirp.id),
                "id": f"{event}-{chirp.id}",
                "aria-label": f"{label} ({text.split()[-1]})",
                "onClick": self.on(event),
            },
            text,
        )

    def online_card(self, names: list[str]) -> Any:
        people = [
            html.li({"key": f"{index}-{name}"}, ui.avatar(name, size="sm"), name)
            for index, name in enumerate(names)
        ]
        return ui.card(
            html.ul({"className": "online", "id": "online"}, *people)
            if people
            else html.p({"className": "ember-text-muted"}, "Connecting…"),
            title=f"Online now · {len(names)}",
            id="online-card",
        )

    def trending_card(self, result: AsyncResult[list[tuple[str, int]]] | None) -> Any:
        loading = result is not None and result.is_loading
        body: Any = html.p("Which words are people using? Counting takes a moment.")
        if result is not None:
            body = ui.async_result(
                result,
                ok=lambda words: (
                    html.ol(
                        {"className": "trending", "id": "trending"},
                        *[html.li({"key": w}, f"{w} · {n}") for w, n in words],
                    )
                    if words
                    else html.p({"id": "trending"}, "Nothing to count yet: post a chirp.")
                ),
                loading=html.p({"id": "trending-loading"}, ui.spinner(), " Counting words…"),
            )
        return ui.card(
            body,
            title="Trending words",
            actions=ui.button(
                "Count",
                variant="secondary",
                size="sm",
                loading=loading,
                on_click=self.on("trending"),
                id="trending-button",
            ),
            id="trending-card",
        )
