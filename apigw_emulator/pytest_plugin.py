"""pytest plugin of apigw-emulator: fixtures that give Lambda projects faithful gateways.

Registered through the ``pytest11`` entry point, so installing apigw-emulator is enough. It stays light:
nothing of the library is imported until a test runs (then only its small ``errors`` module, for the
warnings) or a fixture is used.

- ``apigw``: a factory, ``apigw(handler, **options) -> Gateway``. Options merge, last wins: the
  ``apigw_options`` fixture (override it in a ``conftest.py`` for project-wide defaults), the ini/command
  line defaults (``--apigw-api``, ``--apigw-template``), the ``@pytest.mark.apigw(...)`` marker, and the
  call's own keywords. A template's parameters (``--apigw-parameter KEY=VALUE``, repeatable, or the
  ``apigw_parameters`` ini lines) are the defaults of ``parameters=``, key by key.
- ``apigw_event``: ``apigw_event(method, path, **request) -> event`` with the same options.
- ``apigw_options``: the overridable defaults (an empty dict).
- ``apigw_server``: a :class:`~apigw_emulator.LocalGateway` on a free port of 127.0.0.1, started once per
  session (per worker under pytest-xdist) and cleared after each test: ``apigw_server.serve(gateway)``
  puts a gateway behind it for the current test, ``apigw_server.url`` is its address.
- ``jwt_issuer``: a :class:`~apigw_emulator.testing.JwtIssuer`, a fresh signing key per test: give its
  ``jwks`` to a JWT or Cognito authorizer and send ``jwt_issuer.token(...)``. It needs the ``jwt`` extra
  (``pip install "PyJWT[crypto]"``); without it a test that asks for the fixture errors with that message
  rather than being skipped, since a test of an authorizer cannot pass without it.

The library's warnings (a 404 or 413 of the front door and why, a body AWS would corrupt) explain what a
test sees. In a test they are not warnings but part of its report: the section "Captured apigw-emulator
warnings" of a failing test lists them, so a negative-path test that expects its 404 passes under
``filterwarnings = error`` while an unexpected 404 explains itself. ``pytest.warns`` still catches them.
The ``apigw_warnings = warn`` ini value restores ordinary warnings (``filterwarnings`` then applies).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._warning_report import WarningReport
    from .gateway import Gateway
    from .server import LocalGateway
    from .testing import JwtIssuer

API_CHOICES = ("rest", "http", "http-v1", "function-url", "alb")
ISOLATION_CHOICES = ("in-process", "process")
MARKER = "apigw"
#: Values of the ``apigw_warnings`` ini option.
WARNING_MODES = ("report", "warn")
#: The key of the report section (pytest shows it as "Captured apigw-emulator warnings call").
REPORT_SECTION = "apigw-emulator warnings"
_REPORT: pytest.StashKey[WarningReport] = pytest.StashKey()


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
    group.addoption(
        "--apigw-isolation",
        dest="apigw_isolation",
        choices=ISOLATION_CHOICES,
        default=None,
        help="where the apigw fixture's functions run: in-process (the handler called on the test's "
        "thread) or process (a worker process per execution environment). "
        "Default: the apigw_isolation ini value, else in-process.",
    )
    group.addoption(
        "--apigw-parameter",
        dest="apigw_parameters",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a value of the template's parameter KEY (an SSM-typed one too) for gateways made from the "
        "template, repeatable; wins over the apigw_parameters ini value",
    )
    parser.addini(
        "apigw_parameters",
        "values of the template's parameters for the apigw fixture, one KEY=VALUE a line",
        type="linelist",
    )
    parser.addini(
        "apigw_isolation", "default isolation of the apigw fixture's functions (in-process, process)"
    )
    parser.addini(
        "apigw_api", "default front door of the apigw fixture (rest, http, http-v1, function-url, alb)"
    )
    parser.addini("apigw_template", "SAM/CloudFormation template for the apigw fixture", type="paths")
    parser.addini(
        "apigw_warnings",
        "apigw-emulator's warnings in tests: report (listed in the report of a failing test, never an "
        "error) or warn (ordinary warnings, filterwarnings applies). Default: report",
        default="report",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; check the ``apigw_warnings`` value."""
    mode = config.getini("apigw_warnings")
    if mode not in WARNING_MODES:
        raise pytest.UsageError(f"apigw_warnings = {mode!r}: use one of {', '.join(WARNING_MODES)}")
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): Gateway options for the gateways of the apigw fixture in this test "
        "(api=..., binary_media_types=[...], stage=...; with a template also template_api=..., "
        "function=...); unknown options are an error",
    )


def _known_options() -> frozenset[str]:
    """Gateway options, and the template choices of ``Gateway.from_template`` (``template_api``...)."""
    from .config import GatewayConfig  # noqa: PLC0415 - keep the plugin light
    from .gateway import Gateway  # noqa: PLC0415

    names = (
        set(inspect.signature(GatewayConfig.create).parameters)
        | set(inspect.signature(Gateway).parameters)
        | set(inspect.signature(Gateway.from_template).parameters)
    )
    return frozenset(names - {"self", "cls", "handler", "options", "path"})


def _marker_options(item: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Closest marker last, so that a test's marker wins over its class's and module's.
    for marker in reversed(list(item.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}")
        options.update(marker.kwargs)
    return options


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    """Reject unknown marker options before the test runs, naming them; report the setup's warnings."""
    if item.get_closest_marker(MARKER) is not None:
        unknown = sorted(set(_marker_options(item)) - _known_options())
        if unknown:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(_known_options()))}"
            )
    return (yield from _reporting_phase(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Report the test's apigw-emulator warnings instead of raising or showing them."""
    return (yield from _reporting_phase(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    """Report the teardown's apigw-emulator warnings instead of raising or showing them."""
    return (yield from _reporting_phase(item, "teardown"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """Keep the library's warnings of the whole test for its report (see ``_warning_report``), unless
    ``apigw_warnings = warn``."""
    if item.config.getini("apigw_warnings") == "warn":
        return (yield)
    from ._warning_report import WarningReport  # noqa: PLC0415 - imports only the small errors module

    report = WarningReport()
    item.stash[_REPORT] = report
    with report.capturing():
        return (yield)


def _reporting_phase(item: pytest.Item, when: str) -> Generator[None, object, object]:
    """Run one phase; the library's warnings it raised become its report section."""
    report = item.stash.get(_REPORT, None)
    start = len(report.caught) if report is not None else 0
    try:
        return (yield)
    finally:
        if report is not None and report.caught[start:]:
            item.add_report_section(when, REPORT_SECTION, "\n".join(report.caught[start:]))


#: The options that only mean something for a gateway built from a template.
_TEMPLATE_CHOICES = frozenset({"template_api", "function", "parameters", "custom_domain"})


def _default_api(config: pytest.Config) -> str | None:
    value = config.getoption("apigw_api") or config.getini("apigw_api")
    return str(value) if value else None


def _default_isolation(config: pytest.Config) -> str | None:
    value = config.getoption("apigw_isolation") or config.getini("apigw_isolation")
    if value and value not in ISOLATION_CHOICES:
        raise pytest.UsageError(
            f"apigw_isolation must be one of {', '.join(ISOLATION_CHOICES)}, got {value!r}"
        )
    return str(value) if value else None


def _default_parameters(config: pytest.Config) -> dict[str, str]:
    """The template parameters of the ini value, then of ``--apigw-parameter`` (the last value wins)."""
    from .parameter_overrides import ParameterOverrideError, parse_parameter_pair  # noqa: PLC0415

    values: dict[str, str] = {}
    for source, texts in (
        ("apigw_parameters", config.getini("apigw_parameters")),
        ("--apigw-parameter", config.getoption("apigw_parameters") or []),
    ):
        for text in texts:
            try:
                key, value = parse_parameter_pair(str(text))
            except ParameterOverrideError as exc:
                raise pytest.UsageError(f"{source}: {exc}") from None
            values[key] = value
    return values


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
def apigw(request: pytest.FixtureRequest, apigw_options: dict[str, Any]) -> Iterator[Callable[..., Gateway]]:
    """Factory of gateways: ``apigw(handler, **options)``; the handler is a callable or a handler name
    (``"app.lambda_handler"`` with ``code_uri=``).

    With no handler and a template configured (``--apigw-template`` or the ``apigw_template`` ini value),
    the gateway comes from the template (``Gateway.from_template``): ``api=`` is the front door there too
    (``"rest"`` picks the template's REST API), ``template_api=`` a logical id, ``function=`` the function.
    The gateways' execution environments (worker processes with ``isolation="process"``) end with the
    test.
    """
    from .gateway import Gateway  # noqa: PLC0415 - keep the plugin light

    node_options = _marker_options(request.node)
    default_api = _default_api(request.config)
    default_isolation = _default_isolation(request.config)
    template = _default_template(request.config)
    parameters = _default_parameters(request.config)
    made: list[Gateway] = []

    def make(handler: Callable[..., Any] | str | None = None, **options: Any) -> Gateway:
        gateway = _make(handler, **options)
        made.append(gateway)
        return gateway

    def _make(handler: Callable[..., Any] | str | None, **options: Any) -> Gateway:
        merged: dict[str, Any] = {}
        if default_api:
            merged["api"] = default_api
        if default_isolation:
            merged["isolation"] = default_isolation
        merged.update(apigw_options)
        merged.update(node_options)
        merged.update(options)
        if handler is None and template:
            if parameters:
                merged["parameters"] = {**parameters, **(merged.get("parameters") or {})}
            return Gateway.from_template(template, **merged)
        template_only = sorted(set(merged) & _TEMPLATE_CHOICES)
        if template_only:
            raise pytest.UsageError(
                f"apigw: {', '.join(template_only)} choose in a template, and none is configured "
                "(--apigw-template or the apigw_template ini value), or a handler was given"
            )
        return Gateway(handler, **merged)

    yield make
    for gateway in made:
        gateway.close()


@pytest.fixture
def apigw_event(apigw: Callable[..., Gateway]) -> Callable[..., dict[str, Any]]:
    """Factory of events: ``apigw_event(method, path, headers=..., body=...)`` for the configured front
    door (the ``apigw`` options apply)."""

    def make(method: str, path: str = "/", **request: Any) -> dict[str, Any]:
        return apigw().event(method, path, **request)

    return make


def _no_gateway(event: dict[str, Any], context: object) -> dict[str, Any]:
    """The handler behind the session server between tests: says what to do instead of answering."""
    return {
        "statusCode": 503,
        "headers": {"Content-Type": "application/json"},
        "body": '{"message": "no gateway for this test: call apigw_server.serve(gateway) first"}',
    }


class ServerHandle:
    """The session's :class:`~apigw_emulator.LocalGateway` as one test sees it."""

    def __init__(self, server: LocalGateway, idle: Gateway) -> None:
        self.server = server
        self._idle = idle

    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:<port>``."""
        return self.server.url

    @property
    def port(self) -> int:
        """The server's port."""
        return self.server.port

    def url_for(self, path: str = "/") -> str:
        """The URL of ``path`` on the server."""
        return self.server.url_for(path)

    def serve(self, gateway: Gateway) -> ServerHandle:
        """Put ``gateway`` behind the server until the end of the test; returns the handle."""
        self.server.gateway = gateway
        return self

    def clear(self) -> None:
        """Take the test's gateway away (done after every test)."""
        self.server.gateway = self._idle


@pytest.fixture(scope="session")
def apigw_server_session() -> Iterator[ServerHandle]:
    """The server shared by the session (each pytest-xdist worker starts its own, on its own port)."""
    from .gateway import Gateway  # noqa: PLC0415 - keep the plugin light
    from .server import LocalGateway  # noqa: PLC0415

    idle = Gateway(_no_gateway, api="http")
    with LocalGateway(idle, log=None) as server:
        yield ServerHandle(server, idle)


@pytest.fixture
def apigw_server(apigw_server_session: ServerHandle) -> Iterator[ServerHandle]:
    """The session's server, cleared after the test: ``apigw_server.serve(apigw(handler)).url``."""
    yield apigw_server_session
    apigw_server_session.clear()


@pytest.fixture
def jwt_issuer() -> JwtIssuer:
    """An identity provider with a fresh key: ``jwt_issuer.jwks`` for the authorizer,
    ``jwt_issuer.token("alice", scopes=["orders/read"])`` for the request (``Bearer`` prefix optional).

    Errors (``ConfigurationError``, naming the ``jwt`` extra) when PyJWT or cryptography is missing.
    """
    from .testing import JwtIssuer  # noqa: PLC0415 - keep the plugin light

    return JwtIssuer()
