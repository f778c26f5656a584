"""The timeline: a LiveView (class style) over a stream of chirps, live in every tab.

Posting, liking and reposting go through the chirps context, which broadcasts; every
open timeline (in this process or, with Redis, in another) receives the message and
updates only the row it concerns. Presence lists who has a timeline open, and the
trending report runs as a task with a loading state.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from reactpy import component, html, use_state

import ember.components as ui
from ember.jobs import JobFinished, JobOutcome, JobProgress, job_topic
from ember.live import (
    AsyncResult,
    LiveSession,
    LiveView,
    Socket,
    on_async,
    on_event,
    on_info,
    stream,
    stream_delete,
    stream_insert,
    use_subscription,
)
from ember.pubsub import MessagesMayBeLost, undelivered

from . import chirps, online, reports
from .chirp_editor import MyChirpsCard
from .layout import shell
from .logins import Member

OTHERS_MISSED = "{what}. Pages served by other workers will show it after a reload."


@dataclasses.dataclass
class Mine:
    """What this tab's member likes and has reposted. One object per tab, changed in place:
    a stream keeps the row function it was first given, and rows read their state here."""

    liked: set[int]
    reposted: set[int]


def guest_name() -> str:
    return f"guest-{secrets.randbelow(9000) + 1000}"  # as guests.py names them


def as_author(params: Mapping[str, Any], member: Member | None) -> Mapping[str, Any]:
    """A member's chirps carry their name, whatever the form sent."""
    return {**params, "author": member.name} if member else params


class TimelineLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: LiveSession, socket: Socket) -> None:
        member = session.identity if isinstance(session.identity, Member) else None
        name = member.name if member else session.identity or guest_name()  # auth.py
        if socket.connected:
            kinds = [chirps.ChirpPosted, chirps.ChirpChanged, chirps.ChirpDeleted]
            await socket.subscribe(chirps.TOPIC, types=kinds)
            await online.arrive(session.id, name)
        socket.assign(
            tab=session.id,
            name=name,
            member=member,  # a member posts under their name; a guest under any
            form=ui.to_form(chirps.change_chirp(name), id="compose"),
            trending=None,
            trending_done=None,
            mine=Mine(await chirps.likes_of(name), await chirps.reposts_of(name)),
            posted=0,  # chirps posted from this tab: the composer takes the focus after each
        )
        stream(socket, "chirps", await chirps.list_chirps(), limit=50, reset=True)

    async def terminate(self, reason: str, socket: Socket) -> None:
        await online.leave(socket.assigns["tab"])

    # -- posting -----------------------------------------------------------------------------

    @on_event("validate")
    async def validate(self, params: Mapping[str, Any], socket: Socket) -> None:
        params = as_author(params, socket.assigns["member"])
        changeset = chirps.change_chirp(socket.assigns["name"], params).put_action("validate")
        socket.assign(form=ui.to_form(changeset, id="compose"))

    @on_event("post")
    async def post(self, params: Mapping[str, Any], socket: Socket) -> None:
        params = as_author(params, socket.assigns["member"])
        with undelivered() as missed:
            result = await chirps.post_chirp(params)
        if not result.ok:
            socket.assign(form=ui.to_form(result.changeset, id="compose"))
            return
        author = result.value.author
        renamed = author != socket.assigns["name"]
        socket.assign(
            name=author,
            form=ui.to_form(chirps.change_chirp(author), id="compose"),
            posted=socket.assigns["posted"] + 1,
        )
        if renamed:  # likes and reposts belong to a name: show the new name's
            await online.rename(socket.assigns["tab"], author)
            mine = socket.assigns["mine"]
            mine.liked, mine.reposted = (
                await chirps.likes_of(author),
                await chirps.reposts_of(author),
            )
            stream(socket, "chirps", await chirps.list_chirps(), reset=True)
        if missed:  # saved, and this process's tabs have it; other workers were not told
            socket.put_flash("info", OTHERS_MISSED.format(what="Chirp posted"))
        else:
            socket.put_flash("success", "Chirp posted.")

    # The buttons send the state they showed (data-pressed): the handler sets the opposite,
    # so a double-click, or a click in two tabs at once, sets it once instead of twice.

    @on_event("like")
    async def like(self, params: Mapping[str, Any], socket: Socket) -> None:
        chirp_id, want = int(params["id"]), params.get("pressed") != "true"
        with undelivered() as missed:
            chirp = await chirps.set_like(chirp_id, socket.assigns["name"], want)
        liked = socket.assigns["mine"].liked
        (liked.add if want else liked.discard)(chirp_id)
        if chirp is not None:
            stream_insert(socket, "chirps", chirp)
            if missed:
                socket.put_flash("info", OTHERS_MISSED.format(what="Liked" if want else "Unliked"))

    @on_event("repost")
    async def repost(self, params: Mapping[str, Any], socket: Socket) -> None:
        want = params.get("pressed") != "true"
        with undelivered() as missed:
            original = await chirps.set_repost(int(params["id"]), socket.assigns["name"], want)
        if original is None:
            return
        reposted = socket.assigns["mine"].reposted
        (reposted.add if want else reposted.discard)(original.id)
        stream_insert(socket, "chirps", original)
        if missed:
            what = "Reposted" if want else "Repost undone"
            socket.put_flash("info", OTHERS_MISSED.format(what=what))
        else:
            socket.put_flash("info", "Reposted to every timeline." if want else "Repost undone.")

    # -- live updates ------------------------------------------------------------------------

    @on_info(chirps.ChirpPosted)
    async def chirp_posted(self, msg: chirps.ChirpPosted, socket: Socket) -> None:
        stream_insert(socket, "chirps", msg.chirp, at=0)

    @on_info(chirps.ChirpChanged)
    async def chirp_changed(self, msg: chirps.ChirpChanged, socket: Socket) -> None:
        if msg.chirp in socket.assigns["chirps"]:
            stream_insert(socket, "chirps", msg.chirp)

    @on_info(chirps.ChirpDeleted)
    async def chirp_deleted(self, msg: chirps.ChirpDeleted, socket: Socket) -> None:
        if msg.chirp in socket.assigns["chirps"]:
            stream_delete(socket, "chirps", msg.chirp)

    @on_info(MessagesMayBeLost)
    async def refetch(self, msg: MessagesMayBeLost, socket: Socket) -> None:
        stream(socket, "chirps", await chirps.list_chirps(), reset=True)

    # -- the slow report ---------------------------------------------------------------------

    @on_event("trending")
    async def trending(self, params: Mapping[str, Any], socket: Socket) -> None:
        cached = await reports.cached_trending()
        if cached is not None:  # counted less than reports.TTL seconds ago
            socket.assign(trending=AsyncResult.succeeded(cached), trending_done=None)
            return
        job_id = await reports.start_trending()
        if job_id is None:  # jobs are not running (no lifespan): count right here
            socket.assign(trending=AsyncResult.loading())
            socket.start_async("trending", chirps.trending_words)
            return
        await socket.subscribe(job_topic(job_id), types=[JobProgress, JobFinished])
        socket.assign(trending=AsyncResult.loading(), trending_done=0.0)

    @on_info(JobProgress)
    async def trending_progress(self, progress: JobProgress, socket: Socket) -> None:
        socket.assign(trending_done=progress.fraction or 0.0)

    @on_info(JobFinished)
    async def trending_finished(self, finished: JobFinished, socket: Socket) -> None:
        if finished.outcome == JobOutcome.SUCCEEDED:
            socket.assign(trending=AsyncResult.succeeded(finished.result), trending_done=None)
        elif finished.outcome != JobOutcome.RETRYING:
            error = RuntimeError(finished.error or "the report failed")
            socket.assign(trending=AsyncResult.failed_with(error), trending_done=None)

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
                html.p({"className": "demo-posting-as"}, f"Posting as {assigns['name']}")
                if assigns["member"]
                else ui.input(form["author"], label="Your name", autocomplete="nickname"),
                ui.input(
                    form["body"],
                    type="textarea",
                    label="What's happening?",
                    placeholder="Say something to every open tab…",
                    help="Ctrl+Enter posts.",
                    rows=3,
                    # After each post from this tab the composer takes the focus back
                    # (the busy submit button it was on is disabled while posting).
                    focus=str(assigns["posted"]) if assigns["posted"] else None,
                ),
                ui.submit_button("Chirp", busy_label="Posting…"),
                on_change=self.on("validate"),
                on_submit=self.on("post"),
                label="Compose a chirp",
            ),
            id="compose-card",
        )
        mine = assigns["mine"]
        timeline = assigns["chirps"].render(
            lambda chirp: self.chirp_row(chirp, mine.liked, mine.reposted),
            attributes={"className": "chirps", "id": "chirps"},
        )
        empty = html.div(
            {"className": "timeline-empty"},
            ui.empty_state(
                "No chirps yet",
                description="Post the first one: every open tab will see it at once.",
            ),
        )
        return shell(
            "/",
            ui.header(
                "Timeline",
                subtitle="Post, like and repost: every open tab sees it at once.",
            ),
            html.div(
                {"className": "demo-grid"},
                html.section(
                    {"className": "timeline", "aria-label": "Timeline"}, compose, empty, timeline
                ),
                html.aside(
                    {"className": "demo-side"},
                    MyChirpsCard(assigns["name"], key=assigns["name"]),
                    OnlineCard(),
                    self.trending_card(assigns["trending"], assigns["trending_done"]),
                ),
            ),
            status=html.span({"id": "who"}, f"You are {assigns['name']}"),
        )

    def chirp_row(self, chirp: chirps.ChirpOut, liked: set[int], reposted: set[int]) -> Any:
        repost_line: Any = ""
        if chirp.reposted_from:
            repost_line = html.div(
                {"className": "chirp-repost"},
                ui.icon("repeat", size="sm"),
                f" reposted from {chirp.reposted_from}",
            )
        # A repost's repost button acts on the original; only the original shows the count.
        repost_count = None if chirp.repost_of_id else chirp.reposts
        return html.article(
            {"className": "chirp", "data-chirp": str(chirp.id)},
            ui.avatar(chirp.author),
            html.div(
                {"className": "chirp-main"},
                repost_line,
                html.div({"className": "chirp-meta"}, html.strong(chirp.author), posted_at(chirp)),
                html.p({"className": "chirp-body"}, chirp.body),
                html.div(
                    {"className": "chirp-actions"},
                    self.toggle("like", chirp.id, chirp.id in liked, "heart", "Like", chirp.likes),
                    self.toggle(
                        "repost",
                        chirp.id,
                        chirp.original_id in reposted,
                        "repeat",
                        "Repost",
                        repost_count,
                    ),
                ),
            ),
        )

    def toggle(
        self, event: str, chirp_id: int, pressed: bool, icon: str, label: str, count: int | None
    ) -> Any:
        """A like or repost button: a toggle (aria-pressed) whose name is its visible text
        (the label is visually hidden, the count shown)."""
        return html.button(
            {
                "type": "button",
                "className": "ember-button ember-button-ghost ember-button-sm chirp-toggle",
                "data-id": str(chirp_id),
                "data-pressed": "true" if pressed else "false",
                "aria-pressed": "true" if pressed else "false",
                "id": f"{event}-{chirp_id}",
                "onClick": self.on(event),
            },
            ui.icon(icon),
            html.span({"className": "ember-visually-hidden"}, label),
            html.span({"className": "chirp-count"}, str(count)) if count is not None else "",
        )

    def trending_card(
        self, result: AsyncResult[list[tuple[str, int]]] | None, done: float | None = None
    ) -> Any:
        loading = result is not None and result.is_loading
        body: Any = html.p("Which words are people using? Counting takes a moment.")
        if result is not None:
            body = ui.async_result(
                result,
                ok=lambda words: (
                    html.div(
                        html.ol(
                            {"className": "trending", "id": "trending"},
                            *[html.li({"key": w}, f"{w} · {n}") for w, n in words],
                        ),
                        # Drawn in the browser on a canvas (a client hook, ember.components).
                        ui.bar_chart(
                            [n for _, n in words],
                            label="Trending words by count",
                            id="trending-chart",
                            width=280,
                            height=80,
                        ),
                    )
                    if words
                    else html.p({"id": "trending"}, "Nothing to count yet: post a chirp.")
                ),
                loading=html.p(
                    {"id": "trending-loading"},
                    ui.spinner(),
                    " Counting words…" if done is None else f" Counting words… {done:.0%}",
                ),
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


@component
def OnlineCard() -> Any:
    """Who is online: the count and the first few names, from the summary every tab shares.
    A component of its own, so a new summary re-renders this card only, not the view."""
    now, set_now = use_state(online.now)

    def received(message: Any) -> None:
        if isinstance(message, online.OnlineNow):
            set_now(message)

    use_subscription(online.SUMMARY_TOPIC, received, on=online.OnlineNow)
    people = [
        html.li({"key": f"{index}-{name}"}, ui.avatar(name, size="sm"), name)
        for index, name in enumerate(now.names)
    ]
    more = now.count - len(now.names)
    return ui.card(
        html.ul({"className": "online", "id": "online"}, *people)
        if people
        else html.p({"className": "ember-text-muted"}, "Connecting…"),
        html.p({"className": "ember-text-muted", "id": "online-more"}, f"and {more} more")
        if more > 0
        else "",
        title=f"Online now · {now.count}",
        id="online-card",
    )


def posted_at(chirp: chirps.ChirpOut) -> Any:
    """When a chirp was posted: the time today, with the date on other days (local time)."""
    if chirp.inserted_at is None:
        return ""
    when = chirp.inserted_at
    if when.tzinfo is None:  # SQLite hands back naive UTC
        when = when.replace(tzinfo=datetime.UTC)
    when = when.astimezone()
    today = datetime.datetime.now().astimezone().date()
    if when.date() == today:
        shown = when.strftime("%H:%M")
    elif when.year == today.year:
        shown = f"{when.day} {when:%b}, {when:%H:%M}"
    else:
        shown = f"{when.day} {when:%b} {when.year}, {when:%H:%M}"
    return html.time({"dateTime": when.isoformat(), "title": when.strftime("%c")}, shown)
