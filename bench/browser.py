"""Click to changed DOM in Chromium: ember's client against a bare websocket page.

Each target serves a counter and an N-row table whose button changes the middle row's
last cell (bench/_apps: ``bare`` is plain HTML with a dozen lines of JavaScript, the
limit; ``ember`` mounts the views as its docs write them, the table a stream; ``reactpy``
is plain ReactPy with its own client). In the page, a click is dispatched and the time
until the cell's text changed (a MutationObserver on the body) is taken, click after
click; the figure is the median. Budgets: ``[[browser_budget]]`` in bench/budgets.toml,
ratios to the bare page of the same run.

    python bench/browser.py            # counter 200 clicks, 1,000 rows 50, 10,000 rows 20
    python bench/browser.py --quick    # a few clicks each (seconds), for CI smoke
"""

from __future__ import annotations

import argparse
import json
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
    },
    "table": {
        "bare": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
        "ember": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
        "reactpy": ("#bump", "tbody tr:nth-child({middle}) td:nth-child(3)"),
    },
}
READY = {
    "bare": "() => true",
    "ember": "() => !!document.querySelector('[data-ember-root].ember-connected')",
    "reactpy": "() => !!document.querySelector('#inc, #bump')",
}
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
    from playwright.sync_api import sync_playwright

    cases = [("counter", 0, 5 if quick else 200), ("table", 1000, 3 if quick else 50)]
    cases.append(("table", 10_000, 2 if quick else 20))
    results: dict[str, dict[str, dict[str, float]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for target in targets:
            with Server(target) as server:
                for view, rows, clicks in cases:
                    name = view if not rows else f"table_{rows}"
                    path = f"/{view}" + (f"?rows={rows}" if rows else "")
                    page = browser.new_page()
                    page.add_init_script(ARRIVALS)
                    times, client = measure(
                        page, f"http://127.0.0.1:{server.port}{path}", target, view, rows, clicks
                    )
                    page.close()
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
        browser.close()
    return results


def verdicts(results: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    budgets = tomllib.loads((ROOT / "bench" / "budgets.toml").read_text()).get("browser_budget", [])
    out = []
    for budget in budgets:
        figures = results.get(budget["view"], {})
        if "ember" not in figures or "bare" not in figures:
            continue
        ratio = figures["ember"]["p50_ms"] / figures["bare"]["p50_ms"]
        out.append({**budget, "ratio": ratio, "ok": ratio <= budget["max"]})
    return out


def markdown(
    results: dict[str, dict[str, dict[str, float]]], checked: list[dict[str, Any]], command: str
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    targets = sorted(
        {t for figures in results.values() for t in figures}, key=["bare", "ember", "reactpy"].index
    )
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
        bare = figures.get("bare", {}).get("p50_ms")
        cells = []
        for target in targets:
            found = figures.get(target)
            if found is None:
                cells.append("")
                continue
            ratio = f", {found['p50_ms'] / bare:.2f}x" if bare and target != "bare" else ""
            cells.append(
                f"{found['p50_ms']:.1f} ({found['p90_ms']:.1f}){ratio}; "
                f"client {found['client_p50_ms']:.2f}"
            )
        lines.append(f"| {view} | " + " | ".join(cells) + " |")
    lines.append("")
    for verdict in checked:
        mark = "met" if verdict["ok"] else "MISSED"
        lines.append(f"- {verdict['name']}: {verdict['ratio']:.2f}x (max {verdict['max']}x) {mark}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few clicks each; no RESULTS.md")
    parser.add_argument("--targets", default="bare,ember,reactpy")
    parser.add_argument("--no-gate", action="store_true")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = run(args.targets.split(","), args.quick)
    checked = verdicts(results)
    command = "python bench/browser.py" + (" --quick" if args.quick else "")
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
