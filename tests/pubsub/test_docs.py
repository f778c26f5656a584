"""docs/pubsub.md: its example is this package's docs_example.py, and it runs."""

from __future__ import annotations

import uuid
from pathlib import Path

from . import docs_example

DOCS = Path(__file__).resolve().parents[2] / "docs" / "pubsub.md"


def test_docs_embed_the_example_verbatim() -> None:
    example = Path(docs_example.__file__).read_text()

    assert f"```python\n{example}```" in DOCS.read_text()


async def test_docs_example_runs(memory_or_redis_url: str) -> None:
    if memory_or_redis_url.startswith("memory://"):
        memory_or_redis_url = "memory://"  # the example's own default, as a reader runs it

    log = await docs_example.main(memory_or_redis_url, room=uuid.uuid4().hex)

    assert log == ["joined: ['ada'] left: []", "ada: hi", "present: ['ada']"]


def test_docs_example_runs_as_a_script() -> None:
    import subprocess
    import sys

    root = DOCS.parents[1]
    out = subprocess.run(
        [sys.executable, "-m", "tests.pubsub.docs_example"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert out.stdout.splitlines()[-1] == "present: ['ada']"
