"""Settings of the fuzz targets: a few examples under the ``ci`` hypothesis profile, so that ``make test``
stays quick, and many under ``dev`` (``HYPOTHESIS_PROFILE=dev``), to search for what ``ci`` misses."""

from __future__ import annotations

import os

from hypothesis import settings

#: Examples of a fuzz target under the ``dev`` profile.
DEV_FUZZ_EXAMPLES = 20_000


def fuzz_settings(ci_examples: int) -> settings:
    """``ci_examples`` under any profile but ``dev``; :data:`DEV_FUZZ_EXAMPLES` under ``dev``."""
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "dev":
        return settings(max_examples=DEV_FUZZ_EXAMPLES)
    return settings(max_examples=ci_examples)
