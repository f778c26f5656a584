"""The benchmark harness runs end to end on a tiny configuration (no gating, seconds).

bench/run.py --smoke drives the echo and ember (plus plain ReactPy and NiceGUI when the
repo's dev extras install them) through every scenario with a handful of sessions; this
checks that the JSON holds every scenario with sane figures, and that the budgets file
only names figures the harness produces.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bench import _report
from bench._scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]


def _targets() -> list[str]:
    """echo and ember, and the peers that the dev extra itself installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev = " ".join(project["optional-dependencies"].get("dev", [])).lower()
    targets = ["echo", "ember"]
    if "reactpy[asgi" in dev or "ember[bench]" in dev:
        targets.append("reactpy")
    if "nicegui" in dev or "ember[bench]" in dev:
        targets.append("nicegui")
    return targets


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--compression", "off"]
    command += [f"--target={t}" for t in _targets()]
    command += ["--no-gate", "--no-markdown", "--json", str(out), "--max-minutes", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=50)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.timeout(55)
def test_harness_smoke_run_every_scenario_has_sane_figures(smoke_run: dict) -> None:
    assert smoke_run["errors"] == []
    assert smoke_run["versions"]["reactpy"] == "2.0.0b13"
    for target in _targets():
        figures = {name: reps[0] for name, reps in smoke_run["runs"]["off"][target].items()}
        assert set(figures) == set(SCENARIOS), target
        for name, values in figures.items():
            for key, value in values.items():
                if isinstance(value, float | int):
                    assert math.isfinite(value), (target, name, key)
        assert 0 < figures["click"]["p50_ms"] <= figures["click"]["p99_ms"] < 1000
        assert figures["click"]["cpu_us_per_event"] > 0
        if target == "echo":
            assert "cpu_ratio_to_paired_echo" not in figures["click"]
        else:  # measured beside an echo of its own, window by window
            assert figures["click"]["paired_echo_cpu_us_per_event"] > 0
            assert figures["click"]["cpu_ratio_to_paired_echo"] > 0
        assert figures["click"]["update_bytes"] > 0
        assert 0 < figures["form"]["p50_ms"] < 1000
        assert figures["table"]["10_bytes"] > 0
        assert figures["table"]["1000_server_ms"] > 0
        assert figures["throughput"]["events_per_s"] > 10
        assert figures["sessions"]["sessions_per_s"] > 1
        assert figures["sessions"]["open_cpu_us_per_session"] > 0
        assert figures["sessions"]["kib_per_session"] > -1024
        assert 0 < figures["sessions"]["broadcast_last_ms"] < 10_000
        assert figures["sessions"]["broadcast_cpu_us_per_delivery"] > 0
        assert figures["sessions"]["kib_left_per_session"] >= 0
        assert figures["capacity"]["sessions"] > 0


@pytest.mark.timeout(55)
def test_harness_smoke_run_checks_every_budget_against_ember(smoke_run: dict) -> None:
    budgets = _report.load_budgets(ROOT / "bench" / "budgets.toml")
    verdicts = {v["name"]: v for v in smoke_run["budgets"]}
    assert set(verdicts) == {b["name"] for b in budgets}
    baselines = {b["name"]: b.get("baseline", "echo") for b in budgets}
    for name, verdict in verdicts.items():
        baseline = baselines[name]
        if baseline != "echo" and not _report.values(
            smoke_run["runs"], verdict["mode"], baseline, verdict["metric"]
        ):
            continue  # a peer baseline this run did not serve (its extra is missing)
        if baseline != "echo" and not all(
            _report.values(smoke_run["runs"], verdict["mode"], baseline, verdict["metric"])
        ):
            continue  # the smoke run's capacity ramp can end at 0 sessions for the peer
        assert verdict["figure"] is not None, f"budget {name!r} found no figure"
        assert verdict["ok"] in (True, False)


def test_harness_results_section_replaced_other_sections_kept(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## pubsub fan-out\n\nkept\n")
    _report.write_section(results, "## ember against its peers\n\nfirst")
    _report.write_section(results, "## ember against its peers\n\nsecond")
    text = results.read_text()
    assert "## pubsub fan-out\n\nkept" in text
    assert "second" in text
    assert "first" not in text
    assert text.count(_report.BEGIN) == 1


def test_harness_serves_ember_with_the_options_ember_server_gives_uvicorn() -> None:
    from bench._server import OPTIONS
    from ember.live import LiveSettings
    from ember.live.serving import uvicorn_options

    served = dict(zip(OPTIONS["ember"][::2], OPTIONS["ember"][1::2], strict=True))
    users = uvicorn_options(LiveSettings(secret_key="test-secret-key-0123456789"))
    assert served == {"--ws": users["ws"], "--ws-max-size": str(users["ws_max_size"])}
    # the rest are uvicorn's defaults already (pings every 20 s, deflate offered)
    assert (users["ws_ping_interval"], users["ws_ping_timeout"]) == (20.0, 20.0)
    assert users["ws_per_message_deflate"] is True
