"""pytest plugin of apigw-emulator: fixtures that give Lambda projects faithful gateways.

Registered through the ``pytest11`` entry point, so installing apigw-emulator is enough. It stays light:
nothing of the library is imported until a fixture is used.

- ``apigw``: a factory, ``apigw(handler, **options) -> Gateway``. Options merge, last wins: the
  ``apigw_options`` fixture (override it in a ``conftest.py`` for project-wide defaults), the ini/command
  line defaults (``--apigw-api``, ``--apigw-template``), the ``@pytest.mark.apigw(...)`` marker, and the
  call's own keywords.
- ``apigw_event``: ``apigw_event(method, path, **request) -> event`` with the same options.
- ``apigw_options``: the overridable defaults (an empty dict).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .gateway import Gateway

API_CHOICES = ("rest", "http", "http-v1", "function-url", "alb")
MARKER = "apigw"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--apigw-*`` options and their ini twins."""
    group = parser.getgroup("apigw", "apigw-emulator: faithful API Gateway events")
    group.addoption(
        "--apigw-api",
        dest="apigw_api",
        choices=API_CHOICES,
        default=None,
        help="front door of the gateways the apigw fixture makes. "
        "Default: the apigw_api ini value, else rest.",
    )
    group.addoption(
        "--apigw-template",
        dest="apigw_template",
        default=None,
        metavar="PATH",
        help="SAM or CloudFormation template to configure gateways from when no handler is given. "
        "Default: the apigw_template ini value.",
    )
    parser.addini(
        "apigw_api", "default front door of the apigw fixture (rest, http, http-v1, function-url, alb)"
    )
    parser.addini("apigw_template", "SAM/CloudFormation template for the apigw fixture", type="paths")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): Gateway options for the gateways of the apigw fixture in this test "
        "(api=..., binary_media_types=[...], stage=...); unknown options are an error",
    )


def _known_options() -> frozenset[str]:
    from .config import GatewayConfig  # noqa: PLC0415 - keep the plugin light
    from .gateway import Gateway  # noqa: PLC0415

    names = set(inspect.signature(GatewayConfig.create).parameters) | set(
        inspect.signature(Gateway).parameters
    )
    return frozenset(names - {"self", "cls", "handler", "options"})


def _marker_options(item: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Closest marker last, so that a test's marker wins over its class's and module's.
    for marker in reversed(list(item.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}")
        options.update(marker.kwargs)
    return options


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Reject unknown marker options before the test runs, naming them."""
    if item.get_closest_marker(MARKER) is None:
        return
    unknown = sorted(set(_marker_options(item)) - _known_options())
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_known_options()))}"
        )


def _default_api(config: pytest.Config) -> str | None:
    value = config.getoption("apigw_api") or config.getini("apigw_api")
    return str(value) if value else None


def _default_template(config: pytest.Config) -> str | None:
    value = config.getoption("apigw_template")
    if value:
        return str(value)
    paths = config.getini("apigw_template")
    return str(paths[0]) if paths else None


@pytest.fixture
def apigw_options() -> dict[str, Any]:
    """Defaults for every gateway of the ``apigw`` fixture; override this fixture in a ``conftest.py``::

    @pytest.fixture
    def apigw_options():
        return {"api": "rest", "binary_media_types": ["multipart~1form-data", "image~1*"]}
    """
    return {}


@pytest.fixture
def apigw(request: pytest.FixtureRequest, apigw_options: dict[str, Any]) -> Callable[..., Gateway]:
    """Factory of gateways: ``apigw(handler, **options)``.

    With no handler and a template configured (``--apigw-template`` or the ``apigw_template`` ini value),
    the gateway comes from the template (``Gateway.from_template``; ``api=``/``function=`` select).
    """
    from .gateway import Gateway  # noqa: PLC0415 - keep the plugin light

    node_options = _marker_options(request.node)
    default_api = _default_api(request.config)
    template = _default_template(request.config)

    def make(handler: Callable[..., Any] | None = None, **options: Any) -> Gateway:
        merged: dict[str, Any] = {}
        if default_api:
            merged["api"] = default_api
        merged.update(apigw_options)
        merged.update(node_options)
        merged.update(options)
        if handler is None and template:
            from_template = getattr(Gateway, "from_template", None)
            if from_template is None:  # pragma: no cover - until the template loader ships
                raise pytest.UsageError("this apigw-emulator cannot read templates")
            gateway: Gateway = from_template(template, **merged)
            return gateway
        return Gateway(handler, **merged)

    return make


@pytest.fixture
def apigw_event(apigw: Callable[..., Gateway]) -> Callable[..., dict[str, Any]]:
    """Factory of events: ``apigw_event(method, path, headers=..., body=...)`` for the configured front
    door (the ``apigw`` options apply)."""

    def make(method: str, path: str = "/", **request: Any) -> dict[str, Any]:
        return apigw().event(method, path, **request)

    return make
