"""Where a server spends its time: py-spy samples while the scenarios run.

``python bench/run.py --profile DIR …`` attaches ``py-spy record`` (raw folded stacks) to
each server it starts and, when the server stops, writes next to the stacks a summary of
the functions with the most samples: on the stack (inclusive) and at the top (self).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

LINE = re.compile(r":\d+\)$")
RATE = 500
IDLE = {
    "Runner.run (asyncio/runners.py)",  # the loop in its selector (uvloop is native code)
    "Condition.wait (threading.py)",  # a worker thread waiting for work
    "Queue.get (queue.py)",
}  # samples per second: enough for a few seconds of work, light on the server


def start(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` into ``out`` (folded stacks); None when py-spy is missing."""
    beside = Path(sys.executable).parent / "py-spy"  # in the venv, which may not be on PATH
    py_spy = str(beside) if beside.exists() else shutil.which("py-spy")
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
    """Busy samples only (a thread waiting for work or the loop waiting on its selector
    is idle), by function on the stack, by function at the top and by file at the top."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    files: Counter[str] = Counter()
    total = idle = 0
    for line in folded.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        # the first frame is the thread; line numbers are dropped to count per function
        frames = [LINE.sub(")", f) for f in stack.split(";")[1:] if f]
        if not frames:
            continue
        if frames[-1] in IDLE:
            idle += count
            continue
        total += count
        own[frames[-1]] += count
        files[frames[-1].rpartition("(")[2].rstrip(")")] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples\n"
    lines = [f"{total} busy samples at {RATE}/s ({idle} idle ones left out)", ""]
    lines += ["on the stack (inclusive):"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "at the top (self), by function:"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "at the top (self), by file:"]
    lines += [f"{n / total:6.1%}  {name}" for name, n in files.most_common(top)]
    return "\n".join(lines) + "\n"
