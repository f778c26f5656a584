"""The frame around every demo page: the top bar with navigation, the flash toasts."""

from __future__ import annotations

from typing import Any

from reactpy import component, html

import ember.components as ui
from ember.live import use_session

from .activity import CSS as ACTIVITY_CSS
from .activity import activity
from .logins import Member

NAV = (("/", "Timeline"), ("/users", "Members"))
STORYBOOK = ("/storybook/", "Storybook")
storybook_mounted = False  # set by the app once /storybook is mounted


# The demo's own layout rules, on top of ember.components' theme (its tokens and classes).
CSS = """
body { margin: 0; background: var(--ember-bg); color: var(--ember-text);
  font-family: var(--ember-font); }
.demo-bar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center;
  gap: 1.5rem; padding: .75rem max(1.25rem, calc(50vw - 34rem));
  background: var(--ember-surface); border-bottom: 1px solid var(--ember-border); }
.demo-brand { display: flex; align-items: center; gap: .5rem; font-weight: 700;
  font-size: 1.15rem; color: var(--ember-text); text-decoration: none; white-space: nowrap; }
.demo-brand span.logo { flex: none; display: inline-grid; place-items: center; width: 1.9rem;
  height: 1.9rem; border-radius: 50%; background: var(--ember-primary);
  color: var(--ember-on-primary); font-size: 1rem; }
.demo-nav { display: flex; gap: .25rem; }
.demo-nav a { padding: .4rem .75rem; border-radius: var(--ember-radius); text-decoration: none;
  color: var(--ember-text-muted); font-weight: 500; }
.demo-nav a:hover { background: var(--ember-surface-2, rgba(127,127,127,.1)); }
.demo-nav a[aria-current=page] { color: var(--ember-primary-text);
  background: color-mix(in srgb, var(--ember-primary) 12%, transparent); }
.demo-status { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center;
  justify-content: flex-end; gap: .25rem .75rem; font-size: var(--ember-text-sm);
  color: var(--ember-text-muted); }
.demo-main { max-width: 68rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
.demo-grid { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1.5rem;
  align-items: start; }
.demo-side { display: grid; gap: 1.5rem; }
@media (max-width: 860px) { .demo-grid { grid-template-columns: 1fr; } }
.chirps { display: grid; gap: .75rem; margin-top: 1.5rem; }
.chirp { display: flex; gap: .85rem; padding: 1rem 1.1rem; background: var(--ember-surface);
  border: 1px solid var(--ember-border); border-radius: var(--ember-radius-lg); }
.chirp-main { flex: 1; min-width: 0; }
.chirp-meta { display: flex; gap: .5rem; align-items: baseline; font-size: var(--ember-text-sm);
  color: var(--ember-text-muted); }
.chirp-meta strong { color: var(--ember-text); font-size: var(--ember-text-md); }
.chirp-repost { font-size: var(--ember-text-sm); color: var(--ember-text-muted);
  margin-bottom: .2rem; }
.chirp-body { margin: .35rem 0 .6rem; white-space: pre-wrap; overflow-wrap: anywhere;
  line-height: 1.45; }
.chirp-actions { display: flex; gap: .5rem; }
.timeline:has(.chirp) .timeline-empty { display: none; }
.timeline-empty { margin-top: 1.5rem; }
.chirp-repost { display: flex; align-items: center; gap: .3rem; }
.chirp-meta time { white-space: nowrap; }
.chirp-toggle[aria-pressed=true] { color: var(--ember-primary-text); }
.chirp-toggle > * { pointer-events: none; }  /* the click lands on the button itself */
.chirp-toggle[id^=like-][aria-pressed=true] svg { fill: currentColor; }
.demo-skip { position: absolute; left: .75rem; top: -3rem; z-index: 100; padding: .5rem .9rem;
  border-radius: var(--ember-radius); background: var(--ember-surface); color: var(--ember-text);
  border: 2px solid var(--ember-focus, var(--ember-primary)); }
.demo-skip:focus { top: .75rem; }
.online { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; margin: 0;
  padding: 0; }
.online li { display: flex; align-items: center; gap: .4rem; font-size: var(--ember-text-sm); }
.trending { margin: 0; padding-left: 1.2rem; display: grid; gap: .3rem; }
.my-chirps { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
.my-chirp { display: flex; align-items: flex-start; gap: .5rem; }
.my-chirp-body { flex: 1; min-width: 0; margin: .3rem 0; overflow-wrap: anywhere; }
.my-chirp-editing { display: block; }
.my-chirp-actions { display: flex; gap: .5rem; }
.members { list-style: none; margin: 0; padding: 0; display: grid; gap: .6rem; }
.members li { display: flex; align-items: center; gap: .7rem; }
.members small { display: block; color: var(--ember-text-muted); overflow-wrap: anywhere; }
.demo-account { display: flex; align-items: center; gap: .75rem; }
.demo-log-out { margin: 0; }
.demo-narrow { max-width: 28rem; display: grid; gap: 1rem; }
.demo-more { font-size: var(--ember-text-sm); color: var(--ember-text-muted); }
@media (max-width: 640px) {
  .demo-bar { flex-wrap: wrap; gap: .4rem 1rem; padding: .6rem 1rem; }
  .demo-status { margin-left: auto; }
  /* A row of its own, in its place in the page's order: moved below the status (CSS order),
     Tab went down to it and back up. */
  .demo-nav { flex-basis: 100%; }
  .demo-main { padding: 1.25rem 1rem 3rem; }
}
"""


def head() -> str:
    """What every demo page puts in ``<head>``: the components' theme and the demo's CSS."""
    icon = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">'
    return icon + ui.head() + f"<style>{CSS}{ACTIVITY_CSS}</style>"


def shell(active: str, *children: Any, status: Any = None) -> Any:
    """A page: the top bar (``active`` is the current path), the content, the toasts."""
    # Relative links ("./users"): under a path prefix (uvicorn --root-path) they keep it.
    links = [
        html.a(
            {
                "href": f".{path}",
                "key": path,
                **({"aria-current": "page"} if path == active else {}),
            },
            label,
        )
        for path, label in (*NAV, *([STORYBOOK] if storybook_mounted else []))
    ]
    return html.div(
        html.a({"className": "demo-skip", "href": "#main"}, "Skip to content"),
        html.header(
            {"className": "demo-bar"},
            html.a(
                {"className": "demo-brand", "href": "./"},
                html.span({"className": "logo", "aria-hidden": "true"}, "✦"),
                "ember chirp",
            ),
            html.nav({"className": "demo-nav", "aria-label": "Main"}, *links),
            html.div(
                {"className": "demo-status"},
                activity(),  # a sticky nested view: it lives across the pages (activity.py)
                status,
                # The timeline says who you are itself (a guest may post under a new name).
                account_menu(show_who=status is None),
            ),
        ),
        html.main({"className": "demo-main", "id": "main", "tabIndex": -1}, *children),
        ui.flash_group(position="bottom-end"),
    )


def csrf_input(csrf: object) -> Any:
    return html.input({"type": "hidden", "name": "csrf_token", "value": str(csrf or "")})


@component
def account_menu(show_who: bool = True) -> Any:
    """Who is there (``show_who``), then Log out for a member, Log in and Sign up else."""
    session = use_session()
    me = session.identity
    name = me.name if isinstance(me, Member) else str(me or "")
    who = html.span({"id": "who"}, f"You are {name}") if show_who and name else ""
    if isinstance(me, Member):
        return html.div(
            {"className": "demo-account", "aria-label": "Account", "role": "group"},
            who,
            html.form(
                {"method": "post", "action": "/log-out", "className": "demo-log-out"},
                csrf_input(session.dependencies.get("csrf")),
                html.button(
                    {
                        "type": "submit",
                        "id": "log-out",
                        "className": "ember-button ember-button-ghost",
                    },
                    "Log out",
                ),
            ),
        )
    return html.div(
        {"className": "demo-account", "aria-label": "Account", "role": "group"},
        who,
        ui.link("Log in", href="/log-in", id="log-in-link"),
        ui.link("Sign up", href="/sign-up", id="sign-up-link"),
    )
