"""ember against a raw ASGI echo (the limit), plain ReactPy and NiceGUI, in one run.

Each target is served by a fresh uvicorn process on 127.0.0.1, pinned to core 0 while
this client runs on core 1; targets are interleaved within each repetition and every
ratio is taken against the echo of the same repetition. Everything runs once with
compression off and once with per-message deflate. Writes bench/results.json and this
harness's section of bench/RESULTS.md, and exits 1 when a gated budget of
bench/budgets.toml misses.

    python bench/run.py                      # everything, about 10-15 minutes
    python bench/run.py --quick              # every scenario, small, under a minute
    python bench/run.py --scenario click     # one scenario (repeatable)
    python bench/run.py --target echo --target ember --compression off
    python bench/run.py --scenario click --target ember --profile /tmp/prof  # py-spy
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import gc
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _report
from bench._clients import DRIVERS, TARGETS
from bench._scenarios import FRESH, QUICK, SCENARIOS, SHARED, SMOKE, Config
from bench._server import ROOT, Server, pin_client, pinning

MODES = {"off": False, "deflate": True}
PACKAGES = (
    "reactpy", "fastapi", "starlette", "uvicorn", "websockets", "httptools", "uvloop",
    "pydantic", "orjson", "anyio", "nicegui", "python-socketio", "python-engineio",
    "httpx", "psutil",
)  # fmt: skip


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    found["ember"] = f"{metadata.version('ember')} ({commit})"
    return found


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        # other work on the machine shows in the figures; this is the load at the end
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpu": model,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "pinned": "server on core 0, client on core 1 (taskset)" if pinning() else "not pinned",
    }


async def run_target(
    target: str,
    mode: str,
    scenarios: list[str],
    cfg: Config,
    first: bool,
    rep: int,
    runs: _report.Runs,
    profile: Path | None = None,
) -> None:
    into = runs.setdefault(mode, {}).setdefault(target, {})

    def stacks(group: str) -> Path | None:
        return None if profile is None else profile / f"{target}-{group}-{mode}-{rep + 1}.txt"

    async def one(name: str, server: Server) -> None:
        gc.collect()  # the client runs with the collector off; collect between scenarios
        driver = DRIVERS[target](server.port, MODES[mode])
        started = time.perf_counter()
        try:
            bound = cfg.sessions_timeout if name == "sessions" else cfg.scenario_timeout
            async with asyncio.timeout(bound):
                figures: dict[str, Any] = dict(await SCENARIOS[name](server, driver, cfg))
        except Exception as error:  # recorded and reported; the run goes on
            figures = {"error": f"{type(error).__name__}: {error}"[:300]}
        finally:
            await driver.aclose()
        into.setdefault(name, []).append(figures)
        took = time.perf_counter() - started
        print(f"  {mode:7} {target:8} {name:10} {took:5.1f} s  {_brief(figures)}", flush=True)

    shared = [name for name in scenarios if name in SHARED]
    if shared:
        with Server(target, profile=stacks("shared")) as server:
            for name in shared:
                await one(name, server)
    for name in (n for n in scenarios if n in FRESH):
        if name == "capacity" and not first:
            continue  # a ramp of a minute or so: once per target
        with Server(target, profile=stacks(name)) as server:
            await one(name, server)


def _brief(figures: dict[str, Any]) -> str:
    if "error" in figures:
        return f"ERROR {figures['error']}"
    return ", ".join(
        f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
    )


async def run_all(
    targets: list[str],
    modes: list[str],
    scenarios: list[str],
    cfg: Config,
    deadline: float,
    profile: Path | None = None,
) -> _report.Runs:
    runs: _report.Runs = {}
    for rep in range(cfg.repeat):
        print(f"repetition {rep + 1}/{cfg.repeat}", flush=True)
        order = targets[rep % len(targets) :] + targets[: rep % len(targets)]
        for mode in modes:
            if mode != modes[0] and rep >= cfg.repeat_second_mode:
                continue
            for target in order:
                if time.monotonic() > deadline:
                    print("time bound reached; stopping", flush=True)
                    return runs
                # what is measured once per target (capacity, the extra open/close cycles,
                # the largest table) runs in the first repetition of the first mode only
                first = rep == 0 and mode == modes[0]
                rep_cfg = cfg if first else cfg.later()
                await run_target(target, mode, scenarios, rep_cfg, first, rep, runs, profile)
    return runs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a smoke run of everything (<1 min)")
    size.add_argument("--smoke", action="store_true", help="smaller still, for CI (seconds)")
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS))
    parser.add_argument("--target", action="append", choices=list(TARGETS))
    parser.add_argument(
        "--compression",
        choices=["off", "deflate", "both"],
        help="default: both (--quick and --smoke: off)",
    )
    parser.add_argument("--repeat", type=int, help="repetitions (default 3, quick 1)")
    parser.add_argument("--sessions", type=int, help="sessions for memory and broadcast")
    parser.add_argument("--max-minutes", type=float, default=20.0, help="stop starting targets")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-markdown", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--budgets", type=Path, default=ROOT / "bench" / "budgets.toml")
    parser.add_argument("--no-gate", action="store_true", help="exit 0 even if budgets miss")
    parser.add_argument(
        "--profile", type=Path, help="sample each server with py-spy; stacks and summaries here"
    )
    parser.add_argument(
        "--report-only", type=Path, help="no run: report and gate the results.json given"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = SMOKE if args.smoke else QUICK if args.quick else Config()
    overrides = {"repeat": args.repeat, "sessions": args.sessions}
    cfg = dataclasses.replace(cfg, **{k: v for k, v in overrides.items() if v is not None})
    targets = args.target or list(TARGETS)
    if "echo" not in targets:
        targets = ["echo", *targets]  # every ratio needs the echo of the same run
    scenarios = args.scenario or list(SCENARIOS)
    compression = args.compression or ("off" if args.quick or args.smoke else "both")
    modes = ["off", "deflate"] if compression == "both" else [compression]
    budgets = _report.load_budgets(args.budgets)
    if args.report_only:
        # re-render a saved run (e.g. after a change to the budgets or the report)
        result = json.loads(args.report_only.read_text())
        runs, targets = result["runs"], result["targets"]
    else:
        pin_client()
        # The client's own collector pauses would show as tail latency of the servers.
        gc.disable()
        started = datetime.datetime.now(datetime.UTC)
        clock = time.monotonic()
        runner = _event_loop_runner()
        deadline = clock + args.max_minutes * 60
        runs = runner(run_all(targets, modes, scenarios, cfg, deadline, args.profile))
        took = time.monotonic() - clock
        argv = argv if argv is not None else sys.argv[1:]
        result = {
            "command": " ".join(["python", "bench/run.py", *argv]),
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(took, 1),
            "machine": machine(),
            "versions": versions(),
            "config": dataclasses.asdict(cfg),
            "targets": targets,
            "modes": modes,
            "scenarios": scenarios,
            "runs": runs,
        }
    verdicts = _report.verdicts(runs, budgets, "ember") if "ember" in targets else []
    result["summary"] = _report.summarise(runs)
    result["budgets"] = verdicts
    result["errors"] = _report.errors(runs)
    args.json.write_text(json.dumps(result, indent=1, default=str) + "\n")
    section = markdown(result, runs, budgets, targets)
    print(section)
    if not args.no_markdown:
        _report.write_section(args.markdown, section)
    missed = [v for v in verdicts if v["gate"] and v["ok"] is False]
    if result["errors"]:
        print(f"{len(result['errors'])} scenario(s) failed", file=sys.stderr)
    if missed and not args.no_gate:
        print(f"{len(missed)} gated budget(s) missed", file=sys.stderr)
        return 1
    return 1 if result["errors"] else 0


def _event_loop_runner() -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def markdown(
    result: dict[str, Any], runs: _report.Runs, budgets: list[dict[str, Any]], targets: list[str]
) -> str:
    cfg, info = result["config"], result["machine"]
    peers = [t for t in targets if t not in ("echo", "ember")]
    lines = [
        f"## ember against its peers ({result['started'][:16].replace('T', ' ')} UTC)",
        "",
        f"`{result['command']}` (the full run: `python bench/run.py`; "
        "from a fresh clone: `bench/run`), "
        f"{result['seconds'] / 60:.1f} minutes.",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['system']}; {info['pinned']}; "
        "everything on 127.0.0.1"
        + (f"; load average at the end {info['load_average']}." if "load_average" in info else "."),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()) + ".",
        "",
        f"{cfg['repeat']} interleaved repetitions "
        f"({cfg.get('repeat_second_mode', cfg['repeat'])} for the second "
        "compression mode), a fresh server process per target for the "
        f"shared scenarios (click, form, table, throughput), another for `sessions` "
        f"({cfg['sessions']} sessions: memory, opening rate, broadcast) and another for "
        "`capacity`. Measured once per target, in the first repetition of the first mode: "
        f"capacity, the {cfg['cycles']} open/close cycles (memory left) and the "
        f"{max(cfg['table_rows']):,}-row table. Cells: median (min-max) over repetitions, "
        "**ratio to the echo** (median of per-repetition ratios).",
        "",
        "How the figures are taken: round trips from sending an event to the update's "
        "arrival; server CPU from /proc/<pid>/task/*/schedstat around the timed loop (the "
        "click's: the median of its windows of clicks, the mean beside it, and the median "
        "ratio of each window to an echo window taken beside the target right after it); bytes "
        "as received from the socket (frame headers included, after compression); memory "
        "as the server's RSS with the sessions open minus before, per session; memory "
        "left = RSS after the last cycle's close minus RSS after the first cycle's close, "
        "per session (CPython keeps freed memory, so growth is what a leak shows as); "
        "broadcast from the publisher's click until the last of all sessions has its "
        "update; capacity ramps sessions that click once a second each, in steps, until "
        "a probe session's p99 passes 50 ms or RSS passes 1 GiB.",
        "",
    ]
    for mode in runs:
        title = "compression off" if mode == "off" else "per-message deflate"
        lines += [f"### Figures, {title}", "", _report.figures_table(runs, mode, targets), ""]
    if "ember" in targets:
        lines += [
            "### Budgets (bench/budgets.toml)",
            "",
            _report.budgets_table(runs, budgets, peers),
            "",
        ]
    notes = _report.capacity_notes(runs)
    if notes:
        lines += [f"Capacity: {notes}.", ""]
    if result["errors"]:
        lines += ["Failed scenarios:", "", *(f"- {e}" for e in result["errors"]), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
