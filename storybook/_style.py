# ruff: noqa: E501  (CSS rules, one per line)
"""The storybook's own look: ember.components' theme plus the layout of the app.

The theme's light and dark tokens are read from ember.components' stylesheet and applied
to the storybook's root, so the theme switch works whatever the system prefers and stays
in step with the components' palette.
"""

from __future__ import annotations

import re
from functools import cache

from ember.components import stylesheet

__all__ = ["canvas_css", "storybook_css"]

# The canvas page's own rules: the story's page, its backgrounds, every variation.
CANVAS_LAYOUT = """
html, body { margin: 0; }
.sb-canvas-page { min-height: 100vh; box-sizing: border-box; padding: var(--ember-space-6); display: flex; justify-content: safe center; align-items: safe center; color: var(--ember-text); font-family: var(--ember-font); font-size: var(--ember-text-md); color-scheme: light; }
.sb-canvas-page[data-theme="dark"] { color-scheme: dark; }
.sb-canvas-page > .sb-frame { width: 100%; min-width: 0; }
.sb-canvas-every { display: block; padding: var(--ember-space-4); }
.sb-variations { margin: 2px 0 var(--ember-space-2) 1.05rem; padding-left: var(--ember-space-2); border-left: 1px solid var(--ember-border); }
.sb-canvas { border: 1px solid var(--ember-border); border-radius: var(--ember-radius-lg); padding: var(--ember-space-6); min-height: 9rem; overflow: auto; display: flex; justify-content: safe center; align-items: safe center; box-shadow: var(--ember-shadow); position: relative; transform: translateZ(0); }
.sb-every { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr)); gap: var(--ember-space-4); }
.sb-variation { margin: 0; display: flex; flex-direction: column; gap: var(--ember-space-2); min-width: 0; }
.sb-variation figcaption { font-size: var(--ember-text-sm); font-weight: 600; color: var(--ember-text-muted); }
.sb-variation .sb-canvas { min-height: 6rem; padding: var(--ember-space-4); }
.sb-bg-theme { background: var(--ember-bg); }
.sb-bg-surface { background: var(--ember-surface); }
.sb-bg-white { background: #ffffff; }
.sb-bg-dark { background: #0f172a; }
.sb-bg-checks { background: repeating-conic-gradient(var(--ember-surface-2) 0% 25%, var(--ember-surface) 0% 50%) 50% / 20px 20px; }
.sb-canvas .ember-flash-group { position: absolute; }
@media (max-width: 560px) { .sb-canvas-page { padding: var(--ember-space-3); } }
"""

_BLOCK = r"{selector}\s*\{{(?P<body>[^}}]*)\}}"
_SIZES = re.compile(r"--ember-(font|text-(sm|md|lg|xl)|space|radius|control|icon)")
_TOKEN = re.compile(r"(--ember-[\w-]+)\s*:\s*([^;]+);")

LAYOUT = """
.sb { height: 100vh; overflow: hidden; display: grid; grid-template-rows: auto 1fr; background: var(--ember-bg); color: var(--ember-text); font-family: var(--ember-font); font-size: var(--ember-text-md); color-scheme: light; }
.sb[data-theme="dark"] { color-scheme: dark; }
.sb-top { display: flex; align-items: center; gap: var(--ember-space-4); padding: 0 var(--ember-space-4); height: 3.25rem; background: var(--ember-surface); border-bottom: 1px solid var(--ember-border); z-index: 30; }
.sb-skip { position: absolute; left: var(--ember-space-3); top: -4rem; z-index: 100; padding: var(--ember-space-2) var(--ember-space-3); border: 1px solid var(--ember-border-strong); border-radius: var(--ember-radius); background: var(--ember-surface); color: var(--ember-text); font-weight: 600; text-decoration: none; box-shadow: var(--ember-shadow); }
.sb-skip:focus { top: var(--ember-space-2); outline: none; box-shadow: var(--ember-focus-ring), var(--ember-shadow); }
.sb-main:focus { outline: none; }
.sb-brand { display: flex; align-items: center; gap: var(--ember-space-2); font-weight: 750; font-size: 1.05rem; letter-spacing: -0.01em; white-space: nowrap; }
.sb-logo { flex: none; width: 1.6rem; height: 1.6rem; border-radius: 7px; display: grid; place-items: center; background: linear-gradient(135deg, #c2410c, #991b1b); color: #fff; font-weight: 800; font-size: 0.95rem; box-shadow: var(--ember-shadow); }
.sb-brand small { font-weight: 500; color: var(--ember-text-muted); }
.sb-crumbs { flex: 1; min-width: 0; color: var(--ember-text-muted); font-size: var(--ember-text-sm); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sb-crumbs strong { color: var(--ember-text); font-weight: 600; }
.sb-tools { display: flex; align-items: center; gap: var(--ember-space-2); }
.sb-tools .ember-control { width: auto; min-height: 2rem; height: 2rem; padding: 0 var(--ember-space-2); font-size: var(--ember-text-sm); }
.sb-body { display: grid; grid-template-columns: 17rem minmax(0, 1fr); min-height: 0; }
.sb-menu { display: none; align-items: center; gap: var(--ember-space-2); width: 100%; min-width: 0; box-sizing: border-box; padding: var(--ember-space-2) var(--ember-space-4); border: 0; border-bottom: 1px solid var(--ember-border); background: var(--ember-surface); color: var(--ember-text); font: inherit; font-size: var(--ember-text-sm); font-weight: 650; text-align: start; cursor: pointer; }
.sb-menu:hover { background: var(--ember-surface-2); }
.sb-menu:focus-visible { outline: none; box-shadow: inset var(--ember-focus-ring); }
.sb-menu[aria-expanded="true"] .ember-icon { color: var(--ember-primary-text); }
.sb-menu-current { margin-left: auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--ember-text-muted); font-weight: 400; }
.sb-side { border-right: 1px solid var(--ember-border); background: var(--ember-surface); padding: var(--ember-space-3); overflow-y: auto; min-height: 0; box-sizing: border-box; }
.sb-search { position: relative; margin-bottom: var(--ember-space-3); }
.sb-search .ember-icon { position: absolute; left: 0.6rem; top: 50%; transform: translateY(-50%); color: var(--ember-text-muted); }
.sb-search .ember-control { padding-left: 2rem; min-height: 2.25rem; }
.sb-group { margin: 0 0 var(--ember-space-3); }
.sb-group-title { margin: 0; padding: var(--ember-space-1) var(--ember-space-2); font-size: 0.7rem; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase; color: var(--ember-text-muted); }
.sb-tree, .sb-variations { list-style: none; margin: 0; padding: 0; }
.sb-item { display: flex; align-items: center; gap: var(--ember-space-2); width: 100%; padding: 0.3rem var(--ember-space-2); border: 0; border-radius: var(--ember-radius-sm); background: none; color: var(--ember-text); font: inherit; font-size: var(--ember-text-sm); text-align: start; cursor: pointer; }
.sb-item:hover { background: var(--ember-surface-2); }
.sb-item:focus-visible { outline: none; box-shadow: var(--ember-focus-ring); }
.sb-item[aria-current="page"] { background: color-mix(in srgb, var(--ember-primary) 14%, transparent); color: var(--ember-primary-text); font-weight: 650; }
.sb-item-story { font-weight: 600; }
.sb-item .ember-icon { color: var(--ember-text-muted); }
.sb-vgroup { margin: var(--ember-space-1) 0 0; padding: 0 var(--ember-space-2); font-size: 0.68rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--ember-text-muted); }
.sb-none { padding: var(--ember-space-2); color: var(--ember-text-muted); font-size: var(--ember-text-sm); }
.sb-main { padding: var(--ember-space-6); overflow-y: auto; min-height: 0; min-width: 0; display: flex; flex-direction: column; gap: var(--ember-space-4); }
.sb-main > * { flex: none; }
.sb-title { display: flex; align-items: baseline; gap: var(--ember-space-3); flex-wrap: wrap; }
.sb-title h1 { margin: 0; font-size: var(--ember-text-xl); line-height: 1.2; }
.sb-title p { margin: 0; color: var(--ember-text-muted); flex-basis: 100%; }
.sb-pills { display: flex; flex-wrap: wrap; gap: var(--ember-space-1); }
.sb-pill { padding: 0.2rem 0.65rem; border-radius: 999px; border: 1px solid var(--ember-border-strong); background: var(--ember-surface); color: var(--ember-text); font: inherit; font-size: var(--ember-text-sm); cursor: pointer; }
.sb-pill:hover { background: var(--ember-surface-2); }
.sb-pill[aria-pressed="true"] { background: var(--ember-primary); border-color: var(--ember-primary); color: var(--ember-on-primary); font-weight: 600; }
.sb-stage { border: 1px solid var(--ember-border); border-radius: var(--ember-radius-lg); box-shadow: var(--ember-shadow); background: var(--ember-surface-2); padding: var(--ember-space-2); height: 26rem; min-height: 8rem; resize: vertical; overflow: hidden; display: flex; justify-content: center; box-sizing: border-box; }
.sb-stage-every { height: 70vh; }
.sb-stage .sb-frame { height: 100%; }
.sb-iframe { display: block; width: 100%; height: 100%; border: 0; border-radius: var(--ember-radius); background: transparent; }
.sb-iframe:focus-visible { outline: none; box-shadow: var(--ember-focus-ring); }
.sb-pill-all { border-style: dashed; }
.sb-frame { width: 100%; min-width: 0; }
.sb-frame[data-width] { outline: 1px dashed var(--ember-border-strong); outline-offset: 6px; }
.sb-panel { background: var(--ember-surface); border: 1px solid var(--ember-border); border-radius: var(--ember-radius-lg); padding: 0 var(--ember-space-4); box-shadow: var(--ember-shadow); }
.sb-panel .ember-tablist { margin: 0 calc(-1 * var(--ember-space-4)); padding: 0 var(--ember-space-2); }
.sb-controls { width: 100%; border-collapse: collapse; font-size: var(--ember-text-sm); }
.sb-controls th { text-align: start; color: var(--ember-text-muted); font-weight: 600; padding: var(--ember-space-2); border-bottom: 1px solid var(--ember-border); white-space: nowrap; }
.sb-controls td { padding: var(--ember-space-2); border-bottom: 1px solid var(--ember-border); vertical-align: top; }
.sb-controls tr:last-child td { border-bottom: 0; }
.sb-controls .ember-control { min-height: 2.1rem; font-size: var(--ember-text-sm); }
.sb-controls textarea.ember-control { font-family: var(--ember-font-mono); }
.sb-name { font-family: var(--ember-font-mono); font-weight: 600; white-space: nowrap; }
.sb-name abbr { color: var(--ember-danger); text-decoration: none; margin-left: 2px; }
.sb-doc { color: var(--ember-text-muted); max-width: 28rem; }
.sb-doc code, .sb-docs p code { font-family: var(--ember-font-mono); font-size: 0.85em; padding: 0 0.25em; border-radius: 4px; background: var(--ember-surface-2); color: var(--ember-text); }
.sb-type { display: block; margin-top: 2px; font-family: var(--ember-font-mono); font-size: 0.72rem; color: var(--ember-text-muted); overflow-wrap: anywhere; }
.sb-cell { display: flex; align-items: center; gap: var(--ember-space-2); min-width: 14rem; }
.sb-cell .ember-control[type="color"] { width: 2.6rem; padding: 2px; flex: none; }
.sb-cell .ember-control[type="checkbox"] { width: 1.05rem; height: 1.05rem; min-height: 0; accent-color: var(--ember-primary); flex: none; }
.sb-reset-slot { flex: none; width: 4.25rem; display: flex; justify-content: flex-end; }
.sb-fixed { color: var(--ember-text-muted); font-style: italic; }
.sb-error { margin: 4px 0 0; color: var(--ember-danger); font-size: 0.75rem; }
.sb-changed { width: 6px; height: 6px; border-radius: 50%; background: var(--ember-primary); display: inline-block; margin-left: 6px; vertical-align: middle; }
.sb-log { list-style: none; margin: 0; padding: 0; font-size: var(--ember-text-sm); }
.sb-log li { display: grid; grid-template-columns: auto auto 1fr; gap: var(--ember-space-3); align-items: baseline; padding: var(--ember-space-2) 0; border-bottom: 1px solid var(--ember-border); }
.sb-log li:last-child { border-bottom: 0; }
.sb-log time { font-family: var(--ember-font-mono); color: var(--ember-text-muted); font-size: 0.75rem; }
.sb-log code, .sb-code { font-family: var(--ember-font-mono); font-size: 0.78rem; overflow-wrap: anywhere; }
.sb-log-head { display: flex; justify-content: space-between; align-items: center; margin-bottom: var(--ember-space-2); color: var(--ember-text-muted); font-size: var(--ember-text-sm); }
.sb-code { margin: 0 0 var(--ember-space-4); padding: var(--ember-space-3) var(--ember-space-4); background: var(--ember-surface-2); border: 1px solid var(--ember-border); border-radius: var(--ember-radius); overflow-x: auto; white-space: pre; line-height: 1.55; }
.sb-code-head { display: flex; align-items: center; justify-content: space-between; gap: var(--ember-space-2); margin: var(--ember-space-4) 0 var(--ember-space-2); }
.sb-code-head h2 { margin: 0; }
.sb-code-head:first-child { margin-top: 0; }
.sb-t-k, .sb-t-nd { color: var(--ember-primary-text); font-weight: 600; }
.sb-t-s { color: var(--ember-success); }
.sb-t-c { color: var(--ember-text-muted); font-style: italic; }
.sb-t-m { color: var(--ember-info); }
.sb-t-nf, .sb-t-nc { color: var(--ember-info); font-weight: 600; }
.sb-t-nb { color: var(--ember-warning); }
.sb-t-o { color: var(--ember-text-muted); }
.sb-docs h2 { font-size: var(--ember-text-md); margin: var(--ember-space-4) 0 var(--ember-space-2); }
.sb-docs h2:first-child { margin-top: 0; }
.sb-docs p { margin: 0 0 var(--ember-space-2); max-width: 48rem; }
.sb-warning { margin: 0; padding: var(--ember-space-2) var(--ember-space-3); border-radius: var(--ember-radius); background: var(--ember-warning-soft); color: var(--ember-warning); font-size: var(--ember-text-sm); }
@media (max-width: 760px) { .sb { height: auto; overflow: visible; } .sb-body { grid-template-columns: 1fr; } .sb-menu { display: flex; } .sb-body:not(.sb-menu-open) > .sb-side { display: none; } .sb-side { border-right: 0; border-bottom: 1px solid var(--ember-border); } .sb-crumbs { display: none; } .sb-top { height: auto; flex-wrap: wrap; row-gap: var(--ember-space-2); padding: var(--ember-space-2) var(--ember-space-4); } .sb-tools { flex-wrap: wrap; min-width: 0; } .sb-main { padding: var(--ember-space-4); } .sb-stage { height: 22rem; } }
@media (max-width: 560px) { .sb-controls, .sb-controls tbody, .sb-controls tr, .sb-controls td { display: block; } .sb-controls thead { display: none; } .sb-controls tr { padding: var(--ember-space-2) 0; border-bottom: 1px solid var(--ember-border); } .sb-controls td { border: 0; padding: var(--ember-space-1) 0; } .sb-cell { min-width: 0; } }
"""


@cache
def storybook_css() -> str:
    """The storybook's stylesheet: theme tokens for ``.sb[data-theme]`` and the layout."""
    return _themed(".sb") + LAYOUT


@cache
def canvas_css() -> str:
    """The canvas page's stylesheet: theme tokens for ``.sb-canvas-page[data-theme]`` and
    the story page's layout; none of the storybook's own rules reach the story."""
    return _themed(".sb-canvas-page") + CANVAS_LAYOUT


def _themed(root: str) -> str:
    theme = stylesheet(inline=True)
    light = _tokens(theme, r":root")
    dark = _tokens(theme, r':root\[data-theme="dark"\]')
    rules = []
    if light:
        rules.append(f'{root}[data-theme="light"] {{{light}}}')
    if dark:
        rules.append(f'{root}[data-theme="dark"] {{{dark}}}')
    return "\n".join(rules)


def _tokens(css: str, selector: str) -> str:
    found = re.search(_BLOCK.format(selector=selector), css)
    if found is None:
        return ""
    colours = [
        f"{name}: {value.strip()};"
        for name, value in _TOKEN.findall(found.group("body"))
        if not _SIZES.match(name)
    ]
    return " ".join(colours)
