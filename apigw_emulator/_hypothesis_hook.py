"""The hypothesis entry point of apigw-emulator: ``st.from_type(HttpRequest)`` draws from
:func:`apigw_emulator.strategies.requests`.

Hypothesis runs this hook while it is being imported, which may happen *inside* the import of
:mod:`apigw_emulator.strategies` (its first line imports hypothesis). So the hook lives apart and reaches
the strategies only when a value is drawn, never while either module is half initialised.
"""

from __future__ import annotations

import importlib
from typing import Any


def _requests() -> Any:
    return importlib.import_module("apigw_emulator.strategies").requests()


def _hypothesis_setup_hook() -> None:
    """Register :func:`apigw_emulator.strategies.requests` as the strategy of ``HttpRequest``."""
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis is importing us

    from .request import HttpRequest  # noqa: PLC0415

    st.register_type_strategy(HttpRequest, st.deferred(_requests))
