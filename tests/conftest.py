"""Fixtures shared by the tests: the shared conformance material lives next to the checkout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVENTS_DIR = SHARED / "conformance" / "events"
SEED_IMAGE = SHARED / "seed" / "cat.jpg"

# The sample "other Lambda project" runs in its own pytest session (tests/plugin/test_plugin.py).
collect_ignore = ["sample_project"]


def load_shared_event(name: str) -> Any:
    """Load one captured AWS event from the shared conformance folder, or skip the test."""
    path = EVENTS_DIR / name
    if not path.is_file():
        pytest.skip(f"shared conformance events not available ({path} is missing)")
    return json.loads(path.read_text(encoding="utf-8"))
