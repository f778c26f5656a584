"""Click to changed DOM in Chromium: ember's client against a bare websocket page.

Each target serves a counter and an N-row table whose button changes the middle row's
last cell (bench/_apps: ``bare`` is plain HTML with a dozen lines of JavaScript, the
limit; ``ember`` mounts the views as its docs write them, the table a stream, on ember's
engine; ``reactpy`` is plain ReactPy with its own client; ``nicegui`` the same views as
``@ui.page``s). In the page, a click is dispatched and the time until the cell's text
changed (a MutationObserver on the body) is taken, click after click; the figure is the
median. Budgets: ``[[browser_budget]]`` in bench/budgets.toml, ratios to the bare page of
the same run.

Also per target: the time from navigation start to a live page (ember: the root's
``ember-connected`` class; the others: their socket open and the view drawn), in a fresh
browser context each time, and the JavaScript a page loads (raw and as transferred,
gzip where the server compresses; inline scripts counted raw); and for ember, a live
navigation (a link between two views of one ``live_session``) to the same counter.

    python bench/browser.py            # counter 200 clicks, 1,000 rows 50, 10,000 rows 20
    python bench/browser.py --quick    # a few clicks each (seconds), for CI smoke
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._server import Server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# What each target's page calls the button and the changed text (css selectors).
SELECTORS = {
    "counter": {
        "bare": ("#inc", "#count"),
        "ember": ("#inc", "#count"),
        "reactpy": ("#inc", "#count"),
        "nicegui": ("[data-bench=inc]", "[data-bench=count]"),
    },
    "table": {
        "bare": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
        "ember": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
        "reactpy": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
        "nicegui": ("[data-bench=bump]", "tbody tr:nth-child({middle}) td:nth-child(3)"),
    },
}
READY = {
    "bare": "() => true",
    "ember": "() => !!document.querySelector('[data-ember-root].ember-connected')",
    "reactpy": "() => !!document.querySelector('#inc, #bump')",
    "nicegui": (
        "() => !!document.querySelector('[data-bench=inc], [data-bench=bump]')"
        " && !!window.socket && window.socket.connected"
    ),
}
TARGETS = ["bare", "ember", "reactpy", "nicegui"]
LOADS, QUICK_LOADS = 7, 2
NAVIGATIONS, QUICK_NAVIGATIONS = 20, 3
# Notes when the page is first live (READY), polled from navigation start.
LIVE_AT = """(() => {
    const ready = %s;
    const poll = () => {
        let live = false;
        try { live = ready(); } catch (error) {}
        if (live) window.benchLive = performance.now();
        else setTimeout(poll, 2);
    };
    poll();
})();"""
# The scripts a page loaded: [raw bytes, bytes transferred] of its script files, and the
# text of its inline scripts.
SCRIPTS = r"""() => {
    const files = performance.getEntriesByType("resource")
        .filter((e) => /\.m?js(\?|$)/.test(e.name));
    const inline = Array.from(document.scripts).filter((s) => !s.src).map((s) => s.text);
    const sum = (key) => files.reduce((n, e) => n + e[key], 0);
    return [sum("decodedBodySize"), sum("encodedBodySize"), inline.join(""), files.length];
}"""
# ember: a link from the table to the counter (views of one live_session), clicked; the time
# until the counter is live on the same socket. Then a link back to the table.
LIVE_NAVIGATION = """async () => {
    const go = (href, done) => new Promise((resolve) => {
        const a = document.createElement("a");
        a.href = href;
        document.body.appendChild(a);
        const start = performance.now();
        const observer = new MutationObserver(() => {
            if (done() && !document.querySelector("[data-ember-root].ember-navigating")) {
                observer.disconnect();
                a.remove();
                resolve(performance.now() - start);
            }
        });
        const all = { subtree: true, childList: true, attributes: true };
        observer.observe(document.documentElement, all);
        a.click();
    });
    const took = await go("/counter", () => !!document.querySelector("#inc"));
    await go("/table?rows=100", () => !!document.querySelector("#bump"));
    return took;
}"""
# Notes when each websocket frame arrives (before the page's own handler runs), so the time
# from the answer's arrival to the changed DOM (the client's share) is known too.
ARRIVALS = """(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", () => { window.benchArrived = performance.now(); });
        }
    };
})();"""
MEASURE = """async ([button, cell, clicks]) => {
    const times = [];
    const client = [];
    for (let k = 0; k < clicks; k++) {
        const before = document.querySelector(cell).textContent;
        const start = performance.now();
        window.benchArrived = 0;
        await new Promise((resolve) => {
            const observer = new MutationObserver(() => {
                const now = document.querySelector(cell);
                if (now && now.textContent !== before) {
                    observer.disconnect();
                    client.push(performance.now() - window.benchArrived);
                    resolve();
                }
            });
            const all = { subtree: true, childList: true, characterData: true };
            observer.observe(document.body, all);
            document.querySelector(button).click();
        });
        times.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [times, client];
}"""


def measure(
    page: Any, url: str, target: str, view: str, rows: int, clicks: int
) -> tuple[list[float], list[float]]:
    page.goto(url, timeout=120_000)
    page.wait_for_function(READY[target], timeout=120_000)
    button, cell = SELECTORS[view][target]
    cell = cell.format(middle=rows // 2 + 1)
    page.wait_for_selector(cell, timeout=120_000)
    page.wait_for_timeout(300)  # the first renders settle
    times, client = page.evaluate(MEASURE, [button, cell, clicks])
    return list(times), list(client)


def run(targets: list[str], quick: bool) -> dict[str, dict[str, dict[str, float]]]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    cases = [("counter", 0, 5 if quick else 200), ("table", 1000, 3 if quick else 50)]
    cases.append(("table", 10_000, 2 if quick else 20))
    results: dict[str, dict[str, dict[str, float]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for target in targets:
            with Server(target) as server:
                base = f"http://127.0.0.1:{server.port}"
                for view, rows, clicks in cases:
                    name = view if not rows else f"table_{rows}"
                    path = f"/{view}" + (f"?rows={rows}" if rows else "")
                    context = browser.new_context(bypass_csp=True)
                    page = context.new_page()
                    page.add_init_script(ARRIVALS)
                    try:
                        times, client = measure(page, f"{base}{path}", target, view, rows, clicks)
                    except PlaywrightError as error:
                        # NiceGUI reloads its page when its server is blocked past its
                        # reconnect timeout (seconds per click at 10,000 rows).
                        reason = str(error).splitlines()[0][:100]
                        results.setdefault(name, {})[target] = {"failed": reason}
                        print(f"{target:8} {name:12} failed: {reason}", flush=True)
                        continue
                    finally:
                        context.close()
                    results.setdefault(name, {})[target] = {
                        "p50_ms": statistics.median(times),
                        "p90_ms": statistics.quantiles(times, n=10)[-1]
                        if len(times) > 2
                        else max(times),
                        "client_p50_ms": statistics.median(client),
                        "clicks": len(times),
                    }
                    print(
                        f"{target:8} {name:12} p50 {results[name][target]['p50_ms']:8.2f} ms",
                        flush=True,
                    )
                results.setdefault("page", {})[target] = load(browser, base, target, quick)
                print(f"{target:8} page         {results['page'][target]}", flush=True)
                if target == "ember":
                    taken = navigate(browser, base, quick)
                    results["page"][target]["live_navigation_ms"] = statistics.median(taken)
                    results["page"][target]["live_navigations"] = len(taken)
        browser.close()
    return results


def load(browser: Any, base: str, target: str, quick: bool) -> dict[str, float]:
    """Navigation start to a live counter, in a fresh context each time (nothing cached);
    the scripts of the page."""
    times: list[float] = []
    scripts: list[Any] = []
    for _ in range(QUICK_LOADS if quick else LOADS):
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.add_init_script(LIVE_AT % READY[target])
        page.goto(f"{base}/counter", timeout=120_000)
        page.wait_for_function("() => window.benchLive !== undefined", timeout=120_000)
        times.append(float(page.evaluate("window.benchLive")))
        page.wait_for_load_state("networkidle")
        scripts = page.evaluate(SCRIPTS)
        context.close()
    raw, transferred, inline, files = scripts
    return {
        "live_ms": statistics.median(times),
        "js_raw_bytes": raw + len(inline.encode()),
        "js_transferred_bytes": transferred + len(inline.encode()),
        "js_gzip_bytes": transferred + len(gzip.compress(inline.encode())),
        "js_files": files,
    }


def navigate(browser: Any, base: str, quick: bool) -> list[float]:
    """ember: click to a live counter through a live link from the table (one socket)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/table?rows=100", timeout=120_000)
    page.wait_for_function(READY["ember"], timeout=120_000)
    taken = [
        float(page.evaluate(LIVE_NAVIGATION))
        for _ in range(QUICK_NAVIGATIONS if quick else NAVIGATIONS)
    ]
    context.close()
    return taken


def verdicts(results: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    budgets = tomllib.loads((ROOT / "bench" / "budgets.toml").read_text()).get("browser_budget", [])
    out = []
    for budget in budgets:
        figures = results.get(budget["view"], {})
        if "p50_ms" not in figures.get("ember", {}) or "p50_ms" not in figures.get("bare", {}):
            continue
        ratio = figures["ember"]["p50_ms"] / figures["bare"]["p50_ms"]
        out.append({**budget, "ratio": ratio, "ok": ratio <= budget["max"]})
    return out


def markdown(
    results: dict[str, dict[str, dict[str, float]]], checked: list[dict[str, Any]], command: str
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    targets = sorted({t for figures in results.values() for t in figures}, key=TARGETS.index)
    lines = [
        f"## browser: click to changed DOM in Chromium ({stamp})",
        "",
        f"`{command}`; click to changed DOM, median (p90) in ms, ratio to the bare websocket"
        " page of the same run; client: median ms from the answer's arrival to the changed DOM.",
        "",
        "| view | " + " | ".join(targets) + " |",
        "| --- |" + " --- |" * len(targets),
    ]
    for view, figures in results.items():
        if view == "page":
            continue
        bare = figures.get("bare", {}).get("p50_ms")
        cells: list[str] = []
        for target in targets:
            found = figures.get(target)
            if found is None or "failed" in found:
                cells.append(f"not measured: {found['failed']}" if found else "")
                continue
            ratio = f", {found['p50_ms'] / bare:.2f}x" if bare and target != "bare" else ""
            cells.append(
                f"{found['p50_ms']:.1f} ({found['p90_ms']:.1f}){ratio}; "
                f"client {found['client_p50_ms']:.2f}"
            )
        lines.append(f"| {view} | " + " | ".join(cells) + " |")
    pages = results.get("page", {})
    if pages:
        lines += [
            "",
            "The counter's page, in a fresh browser context (nothing cached): navigation start"
            " to live (ember: `ember-connected`), median in ms; JavaScript loaded, KB raw /"
            " transferred (inline scripts counted raw) / gzipped (script files as transferred,"
            " inline scripts gzipped), and the number of script files.",
            "",
            "| page | " + " | ".join(targets) + " |",
            "| --- |" + " --- |" * len(targets),
            "| navigation to live, ms | "
            + " | ".join(_cell(pages, t, "live_ms", "{:.0f}") for t in targets)
            + " |",
            "| JS raw / transferred / gzipped, KB | "
            + " | ".join(_js(pages.get(t)) for t in targets)
            + " |",
        ]
        ember = pages.get("ember", {})
        if "live_navigation_ms" in ember:
            lines += [
                "",
                "ember, a live link from the 100-row table to the counter (one socket, no "
                f"document load): {ember['live_navigation_ms']:.1f} ms from the click to the "
                f"live counter (median of {ember['live_navigations']:.0f}), against "
                f"{ember['live_ms']:.0f} ms for loading the counter's page.",
            ]
    lines.append("")
    for verdict in checked:
        mark = "met" if verdict["ok"] else "MISSED"
        lines.append(f"- {verdict['name']}: {verdict['ratio']:.2f}x (max {verdict['max']}x) {mark}")
    return "\n".join(lines) + "\n"


def _cell(pages: dict[str, dict[str, float]], target: str, key: str, form: str) -> str:
    found = pages.get(target, {}).get(key)
    return "" if found is None else form.format(found)


def _js(figures: dict[str, float] | None) -> str:
    if not figures:
        return ""
    raw, sent, packed = (
        figures[k] / 1000 for k in ("js_raw_bytes", "js_transferred_bytes", "js_gzip_bytes")
    )
    return f"{raw:.1f} / {sent:.1f} / {packed:.1f} ({figures['js_files']:.0f} files)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few clicks each; no RESULTS.md")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--no-gate", action="store_true")
    args = parser.parse_args(argv)
    # ember's own engine (issue 19); harmless once it is the only runtime.
    os.environ.setdefault("EMBER_ENGINE", "ember")
    started = time.monotonic()
    results = run(args.targets.split(","), args.quick)
    checked = verdicts(results)
    command = "python bench/browser.py" + (" --quick" if args.quick else "")
    if args.targets != ",".join(TARGETS):
        command += f" --targets {args.targets}"
    section = markdown(results, checked, command)
    section += f"\n(the run took {time.monotonic() - started:.0f} s)\n"
    print(section)
    if not args.quick:
        results_md = ROOT / "bench" / "RESULTS.md"
        results_md.write_text(results_md.read_text().rstrip() + "\n\n" + section)
        (ROOT / "bench" / "browser.json").write_text(
            json.dumps({"results": results, "budgets": checked}, indent=2)
        )
    missed = [v for v in checked if v.get("gate", True) and not v["ok"]]
    return 1 if missed and not args.no_gate and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
