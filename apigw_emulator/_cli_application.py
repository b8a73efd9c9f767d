"""``apigw-emulator serve --template`` for a whole application: every API of the template on a port of its
own (the first on ``--port``, the next ones on the ports after it), each route to its function."""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .application import Application
from .runtime.pool import DEFAULT_ENVIRONMENTS

__all__ = ["ApplicationHolder", "application_banner", "how_it_runs", "not_emulated", "serves_application"]


def serves_application(args: argparse.Namespace) -> bool:
    """Whether ``serve`` serves the whole application: a template, no handler nor choice of one API or
    function, and several APIs in it."""
    if not args.template or args.handler or args.template_api or args.function or args.api:
        return False
    from ._cli_functions import template_parameters  # noqa: PLC0415
    from .template import load_template  # noqa: PLC0415

    template = load_template(args.template, parameters=template_parameters(args))
    return sum(1 for api in template.apis if api.has_routes) > 1


class ApplicationHolder:
    """The application ``serve`` runs, made again (once for all its servers) when a watched file changed.

    :param build: makes the application.
    :param watch_paths: the files whose changes make it again.
    """

    def __init__(self, build: Callable[[], Application], watch_paths: list[Path]) -> None:
        from .server._local import _Watcher  # noqa: PLC0415 - the server's own notion of a change

        self._build = build
        self._watcher = _Watcher(watch_paths)
        self._lock = threading.Lock()
        self.application = build()

    def api(self, api_id: str) -> Any:
        """The API's gateway of the current application, made again first if a watched file changed."""
        with self._lock:
            stamps = self._watcher.snapshot()
            if stamps != self._watcher.accepted:
                previous, self.application = self.application, self._build()
                self._watcher.accepted = stamps
                previous.close()
            return self.application.apis[api_id]

    def close(self) -> None:
        """End the application's execution environments."""
        self.application.close()


def not_emulated(
    template: str, api_ids: list[str] | None = None, parameters: Mapping[str, str] | None = None
) -> list[str]:
    """The banner's lines on what the template configures that the emulator does not do (authorizers,
    API keys...): said at startup, never silent."""
    from .template import load_template  # noqa: PLC0415

    notes = [
        note
        for api in load_template(template, parameters=parameters).apis
        if api_ids is None or api.logical_id in api_ids
        for note in api.notes
    ]
    return [f"  not emulated: {note}" for note in dict.fromkeys(notes)]


def application_banner(
    template: str,
    application: Application,
    urls: Mapping[str, str],
    front_doors: Mapping[str, str],
    parameters: Mapping[str, str] | None = None,
) -> str:
    """What ``serve`` prints for an application: each API, its front door and URL, its routes and their
    functions, then how the functions run."""
    lines = [f"apigw-emulator: serving the application of {template}"]
    entries = list(application.routes())
    for api_id, gateway in application.apis.items():
        lines.append(f"  {api_id}: the {front_doors[gateway.api]} on {urls[api_id]}")
        lines += [
            f"    {e.route} -> {e.function}" + (f" (authorizer {e.authorizer})" if e.authorizer else "")
            for e in entries
            if e.api == api_id
        ]
    first = next(iter(application.functions.values()), None)
    if first is not None:
        lines.append(f"  functions {', '.join(application.functions)} run {how_it_runs(first)} each")
    lines += not_emulated(template, list(application.apis), parameters)
    lines += _keyless_authorizers(application)
    return "\n".join(lines)


def _keyless_authorizers(application: Application) -> list[str]:
    """A line for each JWT or Cognito authorizer without signing keys (it refuses every token)."""
    from .authorizers.model import LambdaAuthorizer  # noqa: PLC0415

    names = {
        name
        for gateway in application.apis.values()
        if gateway.authorization is not None
        for name, authorizer in gateway.authorization.rules.authorizers.items()
        if not isinstance(authorizer, LambdaAuthorizer) and authorizer.jwks is None
    }
    return [
        f"  authorizer {name} has no JWKS: it refuses every token (give one with --jwks {name}=FILE)"
        for name in sorted(names)
    ]


def how_it_runs(gateway: Any) -> str:
    """Where ``serve`` runs a function and how many execution environments it keeps: ``in worker
    processes (bootstrap, 10 environments kept; more requests wait for one)``..."""
    limit = gateway.max_concurrency
    if limit is None:
        environments = f"{DEFAULT_ENVIRONMENTS} environments kept; more requests wait for one"
    else:
        environments = f"max concurrency {limit}: more requests are throttled"
    if gateway.isolation == "process":
        return f"in worker processes ({gateway.runtime_client}, {environments})"
    return f"in this process (--isolation in-process, {environments})"


def stop_all(servers: list[Any]) -> None:
    """Stop every server (ignoring the ones that never started)."""
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()
