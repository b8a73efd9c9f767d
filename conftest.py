"""Root conftest: hypothesis profiles and paths shared by the whole test suite."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ("pytester",)

# `ci` keeps `make test` within a few minutes and gives every run the same examples (a landing gate must
# not fail by chance; `dev` searches harder, with fresh randomness, to find what `ci` does not).
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
