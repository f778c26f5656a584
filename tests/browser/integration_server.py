"""docs/examples/integration_app.py served by uvicorn for Chromium (a SQLite file in the
folder named by ``EMBER_TEST_INTEGRATION_DB``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "examples"))

from integration_app import create_app

app = create_app(f"sqlite+aiosqlite:///{os.environ['EMBER_TEST_INTEGRATION_DB']}")
