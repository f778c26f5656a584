"""Where a server spends its time: py-spy samples while the scenarios run.

``python bench/run.py --profile DIR …`` attaches ``py-spy record`` (raw folded stacks) to
each server it starts and, when the server stops, writes next to the stacks a summary of
the functions with the most samples: on the stack (inclusive) and at the top (self).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

LINE = re.compile(r":\d+\)$")
RATE = 200  # samples per second: enough for a few seconds of work, light on the server


def start(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` into ``out`` (folded stacks); None when py-spy is missing."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [py_spy, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw"]
    command += ["--nonblocking", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish(sampler: subprocess.Popen[bytes] | None, out: Path, top: int = 25) -> None:
    """Wait for py-spy to write its stacks (the server has stopped) and summarise them."""
    if sampler is None:
        return
    try:
        sampler.wait(20)
    except subprocess.TimeoutExpired:
        sampler.kill()
        return
    if out.exists():
        out.with_suffix(".top.txt").write_text(summarise(out.read_text(), top))


def summarise(folded: str, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in folded.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        # the first frame is the thread; line numbers are dropped to count per function
        frames = [LINE.sub(")", f) for f in stack.split(";")[1:] if f]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples\n"
    lines = [f"{total} samples at {RATE}/s", "", "on the stack (inclusive):"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "at the top (self):"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines) + "\n"
