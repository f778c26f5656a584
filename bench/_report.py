"""Figures into summaries, ratios, budget verdicts and the markdown section of RESULTS.md.

``runs[mode][target][scenario]`` holds one figures dict per repetition. A ratio is always
taken within one repetition and one compression mode (target / echo), then summarised as
the median and range over repetitions.
"""

from __future__ import annotations

import re
import statistics
import tomllib
from pathlib import Path
from typing import Any

Runs = dict[str, dict[str, dict[str, list[dict[str, Any]]]]]
BEGIN = "<!-- bench/run.py: begin (this section is rewritten by each run) -->"
END = "<!-- bench/run.py: end -->"
TABLE_METRIC = re.compile(r"^table\.(\d+)_")


def values(runs: Runs, mode: str, target: str, metric: str) -> list[float]:
    """The figure ``scenario.key`` of each repetition that produced it."""
    scenario, key = metric.split(".", 1)
    found = []
    for figures in runs.get(mode, {}).get(target, {}).get(scenario, []):
        value = figures.get(key)
        if isinstance(value, int | float):
            found.append(float(value))
    return found


def ratios(runs: Runs, mode: str, target: str, metric: str, baseline: str = "echo") -> list[float]:
    """target / baseline (the echo unless named) per repetition (repetitions where both
    have the figure)."""
    scenario, key = metric.split(".", 1)
    ours = runs.get(mode, {}).get(target, {}).get(scenario, [])
    base = runs.get(mode, {}).get(baseline, {}).get(scenario, [])
    found = []
    for mine, theirs in zip(ours, base, strict=False):
        a, b = mine.get(key), theirs.get(key)
        if isinstance(a, int | float) and isinstance(b, int | float) and b > 0:
            found.append(a / b)
    return found


def summary(found: list[float]) -> dict[str, float] | None:
    if not found:
        return None
    return {"median": statistics.median(found), "min": min(found), "max": max(found)}


def metrics(runs: Runs) -> list[str]:
    """Every numeric figure any target produced, in scenario order."""
    seen: dict[str, None] = {}
    for targets in runs.values():
        for scenarios in targets.values():
            for scenario, reps in scenarios.items():
                for figures in reps:
                    for key, value in figures.items():
                        if isinstance(value, int | float):
                            seen.setdefault(f"{scenario}.{key}")
    return list(seen)


def summarise(runs: Runs) -> dict[str, Any]:
    """Medians, ranges and ratios to the echo for every mode, target and figure."""
    out: dict[str, Any] = {}
    for mode, targets in runs.items():
        for target in targets:
            for metric in metrics(runs):
                entry = {"value": summary(values(runs, mode, target, metric))}
                if target != "echo":
                    entry["ratio"] = summary(ratios(runs, mode, target, metric))
                if entry["value"] is not None:
                    out.setdefault(mode, {}).setdefault(target, {})[metric] = entry
    return out


def load_budgets(path: Path) -> list[dict[str, Any]]:
    return list(tomllib.loads(path.read_text())["budget"])


def check_budget(runs: Runs, mode: str, target: str, budget: dict[str, Any]) -> dict[str, Any]:
    """One verdict: the figure compared, the limit and whether it holds (None: no data)."""
    kind, metric = budget["kind"], budget["metric"]
    if kind == "ratio":
        found = summary(ratios(runs, mode, target, metric, budget.get("baseline", "echo")))
    elif kind == "absolute":
        found = summary(values(runs, mode, target, metric))
    else:  # growth: largest table over smallest, per repetition
        # the sizes this target has figures for in this mode (the largest table is
        # measured in the first mode only)
        named = {int(m.group(1)) for name in metrics(runs) if (m := TABLE_METRIC.match(name))}
        sizes = sorted(n for n in named if values(runs, mode, target, metric.format(rows=n)))
        found = None
        if len(set(sizes)) > 1:
            small = values(runs, mode, target, metric.format(rows=sizes[0]))
            large = values(runs, mode, target, metric.format(rows=sizes[-1]))
            found = summary([b / a for a, b in zip(small, large, strict=False) if a > 0])
    verdict: dict[str, Any] = {
        "name": budget["name"],
        "metric": metric,
        "kind": kind,
        "mode": mode,
        "target": target,
        "gate": bool(budget.get("gate", True)),
        "limit": ("<=", budget["max"]) if "max" in budget else (">=", budget["min"]),
        "figure": found,
        "ok": None,
    }
    if found is not None:
        op, limit = verdict["limit"]
        verdict["ok"] = found["median"] <= limit if op == "<=" else found["median"] >= limit
    return verdict


def verdicts(runs: Runs, budgets: list[dict[str, Any]], target: str) -> list[dict[str, Any]]:
    return [check_budget(runs, mode, target, b) for mode in runs for b in budgets]


# -- markdown ----------------------------------------------------------------------------------


def _num(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(found: dict[str, float] | None, suffix: str = "") -> str:
    if found is None:
        return "-"
    if found["min"] == found["max"]:
        return f"{_num(found['median'])}{suffix}"
    return f"{_num(found['median'])}{suffix} ({_num(found['min'])}-{_num(found['max'])})"


def figures_table(runs: Runs, mode: str, targets: list[str]) -> str:
    head = "| figure | " + " | ".join(targets) + " |"
    lines = [head, "| --- |" + " --- |" * len(targets)]
    for metric in metrics(runs):
        cells = []
        for target in targets:
            cell = _cell(summary(values(runs, mode, target, metric)))
            ratio = summary(ratios(runs, mode, target, metric)) if target != "echo" else None
            if ratio is not None and cell != "-":
                cell += f" **{_num(ratio['median'])}x**"
            cells.append(cell)
        if any(cell != "-" for cell in cells):
            lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def budgets_table(runs: Runs, budgets: list[dict[str, Any]], peers: list[str]) -> str:
    lines = [
        "| budget | mode | limit | " + " | ".join(peers) + " | ember |",
        "| --- | --- | --- |" + " --- |" * len(peers) + " --- |",
    ]
    for mode in runs:
        for budget in budgets:
            mine = check_budget(runs, mode, "ember", budget)
            suffix = "x" if budget["kind"] in ("ratio", "growth") else ""
            others = [_cell(check_budget(runs, mode, p, budget)["figure"], suffix) for p in peers]
            op, limit = mine["limit"]
            status = {True: "ok", False: "**MISS**", None: "not measured in this mode"}[mine["ok"]]
            if not mine["gate"]:
                status += " (not gated)"
            lines.append(
                f"| {budget['name']} | {mode} | {op} {_num(limit)}{suffix} | "
                + " | ".join(others)
                + f" | {_cell(mine['figure'], suffix)} {status} |"
            )
    return "\n".join(lines)


def capacity_notes(runs: Runs) -> str:
    notes = []
    for mode, targets in runs.items():
        for target, scenarios in targets.items():
            for figures in scenarios.get("capacity", []):
                if "stopped_by" in figures:
                    notes.append(
                        f"{target} ({mode}): {figures['sessions']:.0f} sessions held, "
                        f"stopped by {figures['stopped_by']}"
                    )
    return "; ".join(notes)


def errors(runs: Runs) -> list[str]:
    found = []
    for mode, targets in runs.items():
        for target, scenarios in targets.items():
            for scenario, reps in scenarios.items():
                found += [
                    f"{target} {scenario} ({mode}): {figures['error']}"
                    for figures in reps
                    if "error" in figures
                ]
    return found


def write_section(path: Path, section: str) -> None:
    """Replace this harness's section of RESULTS.md, keeping every other section."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail.lstrip("\n")
    else:
        text = text.rstrip() + "\n\n" + block
    path.write_text(text)


def publish(text: str, append_to: Path | None) -> None:
    """Print a bench's Markdown section, and append it to ``append_to`` (RESULTS.md) if set."""
    print(text)
    if append_to:
        with append_to.open("a") as out:
            out.write("\n" + text)
