"""The ``apigw-emulator`` command: print the event of a request, invoke a handler, serve an API.

Request options follow curl (``-X``, ``-H``, ``-d``, ``--data-binary @file``, ``-F name=@file;type=...``,
``-o``, ``-f``). Every failure is one line on stderr saying what is wrong and what to do, never a Python
traceback (a handler's own exception during ``invoke`` excepted: that traceback is the handler's). Exit codes
follow curl where it has one: 22 for ``--fail`` on an HTTP error, 23 when the output cannot be written
(``| head`` closing the pipe), 26 for a file that cannot be read, 45 for an address the server cannot
bind; 2 for everything wrong with the command itself (argparse's usage errors, a bad template, a handler
that cannot be imported: curl's "failed to initialize").
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import json
import os
import socket
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["main"]

EXIT_USAGE = 2
EXIT_HTTP_ERROR = 22
EXIT_WRITE_ERROR = 23
EXIT_READ_ERROR = 26
EXIT_BIND_ERROR = 45
API_CHOICES = ("rest", "http", "http-v1", "function-url", "alb")

#: What each front door is called in messages.
FRONT_DOORS = {
    "rest": "REST API (payload 1.0)",
    "http": "HTTP API (payload 2.0)",
    "http-v1": "HTTP API (payload 1.0)",
    "function-url": "Lambda function URL",
    "alb": "Application Load Balancer",
}

#: curl's content types for ``-F name=@file`` without ``;type=``, by file name suffix (curl's own table,
#: the same on every system, unlike :mod:`mimetypes`); any other file is ``application/octet-stream``.
_FORM_CONTENT_TYPES = (
    (".gif", "image/gif"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".png", "image/png"),
    (".svg", "image/svg+xml"),
    (".txt", "text/plain"),
    (".htm", "text/html"),
    (".html", "text/html"),
    (".pdf", "application/pdf"),
    (".xml", "application/xml"),
)


class CliError(Exception):
    """A problem to report on stderr with an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _read(value: str, *, text_mode: bool) -> bytes:
    """``@file`` (``@-`` for stdin) or the literal value, as curl reads ``-d``/``--data-binary``."""
    if not value.startswith("@"):
        return value.encode()
    name = value[1:]
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise CliError(f"can't read data from file {name!r}: {exc.strerror}", EXIT_READ_ERROR) from exc
    # curl -d drops carriage returns and newlines from files; --data-binary keeps every byte.
    return data.replace(b"\r", b"").replace(b"\n", b"") if text_mode else data


def _form_field(spec: str) -> tuple[str, Any]:
    """``-F name=value`` or ``-F name=@file;type=mime;filename=x`` as a requests ``files`` entry."""
    name, sep, rest = spec.partition("=")
    if not sep or not name:
        raise CliError(f"-F {spec!r}: expected name=value or name=@file")
    if not rest.startswith("@"):
        return name, (None, rest.encode())
    path, *params = rest[1:].split(";")
    options = dict(p.split("=", 1) for p in params if "=" in p)
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"can't read file {path!r} for -F {name}: {exc.strerror}", EXIT_READ_ERROR) from exc
    filename = options.get("filename", Path(path).name)
    content_type = options.get("type") or form_content_type(filename)
    return name, (filename, content, content_type)


def form_content_type(filename: str) -> str:
    """The Content-Type curl gives a ``-F name=@file`` part without ``;type=``: from the file name."""
    lowered = filename.lower()
    for suffix, content_type in _FORM_CONTENT_TYPES:
        if lowered.endswith(suffix):
            return content_type
    return "application/octet-stream"


def _headers(values: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            raise CliError(f"-H {value!r}: expected 'Name: value'")
        pairs.append((name.strip(), rest.strip()))
    return pairs


def _build_request(args: argparse.Namespace, gateway: Any) -> Any:
    """The HttpRequest the options describe, with the headers in the order and casing given."""
    from .request import HttpRequest  # noqa: PLC0415

    headers = [("User-Agent", "apigw-emulator"), ("Accept", "*/*"), *_headers(args.header)]
    body: bytes | None = None
    if args.data or args.data_binary:
        chunks = [_read(v, text_mode=True) for v in args.data]
        chunks += [_read(v, text_mode=False) for v in args.data_binary]
        body = b"&".join(chunks)
        if not any(n.lower() == "content-type" for n, _ in headers):
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    if args.form:
        if body is not None:
            raise CliError("-F cannot be combined with -d/--data-binary (curl refuses it too)")
        content_type, body = _multipart([_form_field(spec) for spec in args.form])
        # As curl does, the boundary goes into the Content-Type, replacing one given without it (as in the
        # original project's `-H "Content-Type: multipart/form-data" -F image=@cat.jpg`).
        headers = [(n, v) for n, v in headers if n.lower() != "content-type"] + [
            ("Content-Type", content_type)
        ]
    if body is not None:
        headers.append(("Content-Length", str(len(body))))
    method = args.request or ("POST" if body is not None else "GET")
    url = (
        args.url if "://" in args.url else gateway.url + ("" if args.url.startswith("/") else "/") + args.url
    )
    return HttpRequest.build(method, url, headers=headers, body=body, source_ip=args.source_ip)


def _multipart(fields: list[tuple[str, Any]]) -> tuple[str, bytes]:
    """Encode ``-F`` fields as multipart/form-data, returning (content type with boundary, body)."""
    import requests  # noqa: PLC0415 - only -F needs it

    prepared = requests.Request("POST", "http://localhost/", files=fields).prepare()
    body = prepared.body
    assert isinstance(body, bytes)
    return str(prepared.headers["Content-Type"]), body


def _gateway(args: argparse.Namespace, location: tuple[str, Path] | None, *, handler: Any = None) -> Any:
    """The gateway the options describe; ``location`` is the handler named on the command line, and
    ``handler`` stands for the function when nothing will invoke it."""
    from .gateway import Gateway  # noqa: PLC0415

    options: dict[str, Any] = {"raise_handler_exceptions": False}
    if hasattr(args, "isolation"):
        options.update(_function_options(args))
    if location is not None:
        handler, options["code_uri"] = location
    if args.binary_media_type:
        options["binary_media_types"] = args.binary_media_type
    if args.stage:
        options["stage"] = args.stage
    parameters = _template_parameters(args)
    if args.template:
        # --api means the front door here too: it chooses among the template's APIs.
        return Gateway.from_template(
            args.template,
            template_api=args.template_api,
            function=args.function,
            api=args.api,
            handler=handler,
            parameters=parameters,
            **options,
        )
    if args.template_api or args.function:
        raise CliError("--template-api and --function choose in a template: give it with --template FILE")
    options.pop("env_vars", None)
    options.pop("layer_folders", None)
    options.pop("jwks", None)
    return Gateway(handler, **(options | ({"api": args.api} if args.api else {})))


def _location(args: argparse.Namespace) -> tuple[str, Path] | None:
    """The handler named on the command line and its folder; None to use the template's."""
    from ._cli_functions import FunctionOptionError, handler_location  # noqa: PLC0415

    try:
        return handler_location(args.handler, args.code_uri)
    except FunctionOptionError as exc:
        raise CliError(str(exc)) from exc


def _template_parameters(args: argparse.Namespace) -> dict[str, str] | None:
    from ._cli_functions import FunctionOptionError, template_parameters  # noqa: PLC0415

    try:
        return template_parameters(args)
    except FunctionOptionError as exc:
        raise CliError(str(exc)) from exc


def _function_options(args: argparse.Namespace) -> dict[str, Any]:
    from ._cli_functions import FunctionOptionError, function_options  # noqa: PLC0415

    try:
        return function_options(args)
    except FunctionOptionError as exc:
        raise CliError(str(exc), EXIT_READ_ERROR) from exc


def _print_response(response: Any, args: argparse.Namespace, out: BinaryIO) -> None:
    from http.client import responses  # noqa: PLC0415

    head = [f"HTTP/1.1 {response.status} {responses.get(response.status, '')}".rstrip()]
    head += [f"{name}: {value}" for name, value in response.headers]
    out.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace"))
    if args.output and args.output != "-":
        try:
            Path(args.output).write_bytes(response.body)
        except OSError as exc:
            raise CliError(
                f"can't write the body to {args.output!r}: {exc.strerror}: check the path (-o FILE)",
                EXIT_WRITE_ERROR,
            ) from exc
        print(f"apigw-emulator: wrote {len(response.body)} body bytes to {args.output}", file=sys.stderr)
        return
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        if args.output != "-":
            print(
                f"apigw-emulator: the body is binary ({len(response.body)} bytes): use -o FILE (or -o - to "
                "write it to stdout anyway)",
                file=sys.stderr,
            )
            return
    out.write(response.body)
    if response.body and not response.body.endswith(b"\n") and args.output != "-":
        out.write(b"\n")


def _never_called(event: Any, context: Any) -> Any:  # pragma: no cover - event builds, never invokes
    raise AssertionError("the event command does not invoke a handler")


def _command_event(args: argparse.Namespace) -> int:
    # A handler of its own keeps a template's handler from being imported: an event needs none.
    gateway = _gateway(args, None, handler=_never_called)
    request = _build_request(args, gateway)
    from .flow.lambda_custom import mapped_payload  # noqa: PLC0415

    payload = mapped_payload(request, gateway.config, gateway.integrations)
    if payload is not None:  # a Lambda custom (AWS) method: the function's event is the mapped payload
        _print_integration_request(payload)
        return 0
    from .flow.http_preview import backend_request_of  # noqa: PLC0415

    backend = backend_request_of(request, gateway.config, gateway.integrations)
    if backend is not None:  # an HTTP integration: the request its backend would get
        _print_backend_request(backend)
        return 0
    event = gateway.build_event(request)
    print(json.dumps(event, indent=2, ensure_ascii=False))
    return 0


def _print_integration_request(payload: Any) -> None:
    """A Lambda custom method's integration request: the payload as indented JSON (as Lambda parses it),
    or as it is with why Lambda would refuse it; the gateway's own answer when there is no payload.

    :raises CliError: when the gateway answers the request itself (415...).
    """
    if not isinstance(payload, bytes):  # the gateway's own answer
        raise CliError(f"the front door answers {payload.status} before the function: {payload.reason}")
    print("apigw-emulator: a Lambda custom (AWS) integration: its integration request", file=sys.stderr)
    try:
        value = json.loads(payload) if payload.strip() else {}
    except ValueError:
        sys.stdout.write(payload.decode("utf-8", "replace") + "\n")
        print("apigw-emulator: the payload is not JSON: Lambda would refuse it (400)", file=sys.stderr)
        return
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _print_backend_request(backend: Any) -> None:
    """An HTTP integration's request to its backend, as HTTP/1.1 would carry it (the body as text when it
    is UTF-8).

    :raises CliError: when the gateway answers the request itself (415...).
    """
    from .response import GatewayResponse  # noqa: PLC0415

    if isinstance(backend, GatewayResponse):
        raise CliError(f"the front door answers {backend.status} before the backend: {backend.reason}")
    print("apigw-emulator: an HTTP integration: the request its backend would get", file=sys.stderr)
    lines = [f"{backend.method} {backend.url}", *(f"{name}: {value}" for name, value in backend.headers)]
    print("\n".join(lines))
    if backend.body:
        print()
        print(backend.body.decode("utf-8", "replace"))


def _command_invoke(args: argparse.Namespace) -> int:
    log: list[str] = []
    args.function_log = log.append  # shown after the invocation, unless its init failed
    with warnings.catch_warnings(record=True) as caught, _gateway(args, _location(args)) as gateway:
        warnings.simplefilter("always")
        request = _build_request(args, gateway)
        invocation = gateway.invoke(request)
    if invocation.integration_request is not None:
        text = invocation.integration_request.decode("utf-8", "replace")
        print(f"apigw-emulator: integration request (the function's payload): {text}", file=sys.stderr)
    if invocation.init_error:
        raise CliError(init_failure(gateway, invocation.error, invocation.function_error))
    if invocation.error is not None:
        import traceback  # noqa: PLC0415

        traceback.print_exception(invocation.error, file=sys.stderr)
    _print_response(invocation.response, args, sys.stdout.buffer)
    sys.stdout.flush()
    for line in log:
        print(line, file=sys.stderr)
    for warning in caught:
        _show_warning(warning.message, warning.category)
    if args.fail and invocation.response.status >= 400:
        return EXIT_HTTP_ERROR
    return 0


def _command_serve(args: argparse.Namespace) -> int:
    from ._cli_application import serves_application  # noqa: PLC0415
    from ._cli_functions import HeldLog, watch_paths  # noqa: PLC0415
    from .runtime.in_process import forget_modules  # noqa: PLC0415
    from .server import LocalGateway  # noqa: PLC0415

    _template_parameters(args)  # a malformed override is one line, before the template is read
    if serves_application(args):
        return _serve_application(args)
    location = _location(args)
    args.function_log = held = HeldLog()
    gateway = _gateway(args, location)
    _prewarm(gateway, held)

    def factory() -> Any:  # after a change of the code or the template: a fresh function
        fresh = _gateway(args, location)
        if fresh.isolation == "in-process" and fresh.function.code_uri is not None:
            forget_modules(under=fresh.function.code_uri)
        return fresh

    try:
        server = LocalGateway(
            gateway,
            host=args.host,
            port=args.port,
            stage_in_path=args.stage_in_path,
            log=held.server_line,
            reload=factory if args.reload else None,
            watch_paths=watch_paths(args, location) if args.reload else None,
        )
    except OSError as exc:
        gateway.close()
        raise CliError(_bind_failure(args.host, args.port, exc), EXIT_BIND_ERROR) from exc
    banner = _banner(gateway, server)
    if args.template:
        from ._cli_application import not_emulated  # noqa: PLC0415

        banner = "\n".join(
            [
                banner,
                *not_emulated(
                    args.template,
                    [args.template_api] if args.template_api else None,
                    _template_parameters(args),
                ),
            ]
        )
    print(banner, file=sys.stderr, flush=True)
    held.release()
    try:
        server.serve_forever()
    finally:
        server.gateway.close()
        held.close()
    return 0


def _prewarm(gateway: Any, held: Any) -> None:
    """Warm one environment of each function up, so that a broken function is said now (one line, exit 2)
    and not at the first request."""
    for function in getattr(gateway, "_owned", None) or [gateway]:
        failure = function.environments.prewarm()
        if failure is not None:
            held.drop()
            gateway.close()
            raise CliError(init_failure(function, failure.exception, failure.error))


def _serve_application(args: argparse.Namespace) -> int:
    """Every API of the template, the first on ``--port`` and each next one on the port after."""
    from ._cli_application import ApplicationHolder, application_banner, stop_all  # noqa: PLC0415
    from ._cli_functions import HeldLog, watch_paths  # noqa: PLC0415
    from .application import Application  # noqa: PLC0415
    from .server import LocalGateway  # noqa: PLC0415

    args.function_log = held = HeldLog()
    options: dict[str, Any] = {"raise_handler_exceptions": False, **_function_options(args)}
    parameters = options["parameters"] = _template_parameters(args)
    if args.stage:
        options["stage"] = args.stage

    def build() -> Application:
        return Application.from_template(args.template, **options)

    holder = ApplicationHolder(build, watch_paths(args, None) if args.reload else [])
    application = holder.application
    for function in application.functions.values():
        _prewarm(function, held)
    servers: list[Any] = []
    try:
        for number, api_id in enumerate(application.apis):
            port = args.port + number if args.port else 0
            try:
                servers.append(
                    LocalGateway(
                        application.apis[api_id],
                        host=args.host,
                        port=port,
                        stage_in_path=args.stage_in_path,
                        log=held.server_line,
                        reload=functools.partial(holder.api, api_id) if args.reload else None,
                        watch_paths=watch_paths(args, None) if args.reload else None,
                    )
                )
            except OSError as exc:
                raise CliError(_bind_failure(args.host, port, exc), EXIT_BIND_ERROR) from exc
        urls = {api_id: server.url_for("/") for api_id, server in zip(application.apis, servers, strict=True)}
        banner = application_banner(args.template, application, urls, FRONT_DOORS, parameters)
        print(banner, file=sys.stderr, flush=True)
        held.release()
        for server in servers[1:]:
            server.start()
        servers[0].serve_forever()
    finally:
        stop_all(servers)
        holder.close()
        held.close()
    return 0


def init_failure(gateway: Any, exc: BaseException | None, document: dict[str, Any] | None) -> str:
    """One line on why the function cannot initialise, and what to do."""
    from ._import_failure import import_failure  # noqa: PLC0415
    from .errors import LambdaFunctionError  # noqa: PLC0415

    handler = gateway.function.handler or "the handler"
    subject = f"handler {handler}"
    module = handler.rsplit(".", 1)[0]
    original = exc.__cause__ if isinstance(exc, LambdaFunctionError) and exc.__cause__ else exc
    document = document or {}
    if original is None and not document:  # nothing reported: the runtime never became ready
        from .runtime.process import INIT_TIMEOUT  # noqa: PLC0415

        return (
            f"{subject}: the init timed out: its runtime did not ask for an invocation (GET "
            f"/2018-06-01/runtime/invocation/next) within Lambda's {INIT_TIMEOUT:g} s init timeout: look for "
            "top-level code that blocks, or a bootstrap that never calls next"
        )
    error_type = str(document.get("errorType", ""))
    if isinstance(original, Exception) and not isinstance(original, LambdaFunctionError):
        if error_type == "Runtime.HandlerNotFound":
            return f"{subject}: {document.get('errorMessage')}: check the function's name"
        if isinstance(original, ModuleNotFoundError) and original.name == module.split(".")[0]:
            return f"{subject}: cannot import {module!r} (give its folder: --code-uri DIR)"
        return str(import_failure(original, subject, module))
    return _runtime_failure(subject, module, error_type, document)


def _runtime_failure(subject: str, module: str, error_type: str, document: dict[str, Any]) -> str:
    """One line from the error document a worker's runtime reported for a failed init."""
    import re  # noqa: PLC0415

    message = str(document.get("errorMessage", ""))
    trace = document.get("stackTrace") or [""]
    if error_type == "Runtime.UserCodeSyntaxError":
        where = re.match(r'\s*File "(.*)" Line (\d+)', str(trace[0]))
        detail = message.split("': ", 1)[-1]
        place = f" in {where[1]}, line {where[2]}" if where else ""
        return f"{subject}: SyntaxError{place}: {detail}: fix it and try again"
    if error_type == "Runtime.ImportModuleError":
        missing = re.search(r"No module named '([^']+)'", message)
        if missing and missing[1] == module.split(".", maxsplit=1)[0]:
            return f"{subject}: cannot import {module!r} (give its folder: --code-uri DIR)"
        if missing:
            from ._import_failure import missing_module  # noqa: PLC0415

            return f"{subject}: {missing_module(module, missing[1])}"
    if error_type == "Runtime.HandlerNotFound":
        return f"{subject}: {message}: check the function's name"
    return (
        f"{subject}: importing {module} raised {error_type}: {message}: the module's top-level code must "
        "run without error"
    )


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    """One line on why ``host:port`` cannot be served, and what to do."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use: stop what serves it, or pick another with --port"
    if exc.errno == errno.EACCES:
        return (
            f"not allowed to listen on {where} (ports below 1024 need privileges): pick another with --port"
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"can't listen on {where}: {host!r} is not an address of this machine: check --host"
    return f"can't listen on {where}: {exc.strerror or exc}: check --host and --port"


def _banner(gateway: Any, server: Any) -> str:
    """What ``serve`` prints once it listens: the front door, its URL, how the function runs, its routes."""
    lines = [f"apigw-emulator: serving the {FRONT_DOORS[gateway.api]} on {server.url_for('/')}"]
    if gateway.api not in ("function-url", "alb"):  # no routes: every method and path reaches the function
        lines += [f"  {route.key}" for route in gateway.config.routes]
    from ._cli_application import how_it_runs  # noqa: PLC0415

    owned = getattr(gateway, "_owned", None)
    if owned:  # an API whose routes go to several functions
        names = ", ".join(function.function.name for function in owned)
        lines.append(f"  functions {names} run {how_it_runs(owned[0])} each")
    else:
        lines.append(f"  function {gateway.function.name} runs {how_it_runs(gateway)}")
    return "\n".join(lines)


def _add_request_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="PATH", help="path (relative to the API's URL) or URL, with ?query")
    parser.add_argument(
        "-X", "--request", metavar="METHOD", help="request method (default GET, POST with data)"
    )
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="request header, repeatable",
    )
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        metavar="DATA",
        help="body as curl -d (@file strips newlines)",
    )
    parser.add_argument(
        "--data-binary", action="append", default=[], metavar="DATA", help="body bytes exactly (@file)"
    )
    parser.add_argument(
        "-F",
        "--form",
        action="append",
        default=[],
        metavar="NAME=@FILE[;type=MIME]",
        help="multipart field, repeatable",
    )
    parser.add_argument("--source-ip", default="127.0.0.1", help="client address the gateway sees")


def _add_gateway_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", choices=API_CHOICES, help="front door (default rest)")
    parser.add_argument(
        "--binary-media-type",
        action="append",
        default=[],
        metavar="TYPE",
        help="REST binaryMediaTypes entry, repeatable (image/png, image~1*, */*)",
    )
    parser.add_argument("--stage", help="stage name")
    parser.add_argument(
        "--template", metavar="FILE", help="SAM/CloudFormation template to configure the API from"
    )
    parser.add_argument("--template-api", metavar="ID", help="with --template: the logical id of the API")
    parser.add_argument("--function", metavar="ID", help="with --template: the logical id of the function")
    parser.add_argument(
        "--parameter-overrides",
        action="append",
        default=[],
        metavar="OVERRIDES",
        help="with --template: parameter values in SAM CLI's syntax, 'Stage=dev Name=\"my api\"' or "
        "'ParameterKey=Stage,ParameterValue=dev', repeatable (an SSM-typed parameter takes its value here)",
    )


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``serve`` alone (how and where it listens, how it runs the handler)."""
    parser.add_argument("--code-uri", metavar="DIR", help="folder of the handler's module (SAM CodeUri)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "-p", "--port", type=_port, default=3000, help="port (default 3000; 0 picks a free one)"
    )
    parser.add_argument(
        "--stage-in-path", action="store_true", help="serve execute-api style URLs: /STAGE/path"
    )
    parser.add_argument(
        "--no-reload",
        dest="reload",
        action="store_false",
        help="do not start the function afresh when its code (or the template) changes",
    )


def _port(value: str) -> int:
    """A TCP port for argparse: 0 (any free one) to 65535."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use 0 to 65535 (0 picks a free one)")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``apigw-emulator`` command."""
    from ._cli_functions import add_function_options  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="apigw-emulator",
        description="Faithful AWS API Gateway, function URL and ALB traffic for local Lambda handlers.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    event = commands.add_parser("event", help="print the event AWS would send for a request")
    _add_request_options(event)
    _add_gateway_options(event)
    event.set_defaults(run=_command_event)

    invoke = commands.add_parser(
        "invoke", help="send a request to a handler and print the response like curl -i"
    )
    invoke.add_argument(
        "handler",
        metavar="HANDLER",
        nargs="?",
        help="module.function (SAM style), module:function or file.py:function; omit with --template",
    )
    _add_request_options(invoke)
    _add_gateway_options(invoke)
    invoke.add_argument("--code-uri", metavar="DIR", help="folder of the handler's module (SAM CodeUri)")
    invoke.add_argument(
        "-o", "--output", metavar="FILE", help="write the body to FILE (- for stdout, even binary)"
    )
    invoke.add_argument("-f", "--fail", action="store_true", help="exit 22 when the status is 400 or more")
    add_function_options(invoke, default_isolation="in-process")
    invoke.set_defaults(run=_command_invoke)

    serve = commands.add_parser("serve", help="serve the API over HTTP on localhost")
    serve.add_argument("handler", metavar="HANDLER", nargs="?", help="handler, unless --template names it")
    _add_gateway_options(serve)
    _add_serve_options(serve)
    add_function_options(serve, default_isolation="process")
    serve.set_defaults(run=_command_serve)

    from ._cli_conform import add_conform_commands  # noqa: PLC0415

    add_conform_commands(commands)
    return parser


def _version() -> str:
    from . import __version__  # noqa: PLC0415

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    from ._spelling import command_line  # noqa: PLC0415
    from .errors import ApigwEmulatorError, ApigwEmulatorWarning, NotEmulatedWarning  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("serve", "invoke") and not args.handler and not args.template:
        parser.error(f"{args.command} needs a HANDLER or --template")
    with warnings.catch_warnings(), command_line():
        warnings.simplefilter("always", ApigwEmulatorWarning)
        if args.command == "serve":  # its banner lists what is not emulated
            warnings.simplefilter("ignore", NotEmulatedWarning)
        warnings.showwarning = _show_warning
        try:
            code: int = args.run(args)
        except CliError as exc:
            return _fail(str(exc), exc.code)
        except ApigwEmulatorError as exc:
            return _fail(str(exc), EXIT_USAGE)
        except BrokenPipeError:
            return _output_closed()
        except KeyboardInterrupt:
            return 130
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _output_closed()
    return code


def _fail(message: str, code: int) -> int:
    print(f"apigw-emulator: {message}", file=sys.stderr)
    return code


def _output_closed() -> int:
    """The reader of stdout went away (``| head``): stop writing, say so once, exit as curl does (23)."""
    # Python flushes stdout once more at exit: point it at /dev/null so that flush cannot fail again.
    with contextlib.suppress(OSError, ValueError):  # a stdout without a file descriptor has nothing to flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return _fail("the output was closed before it was all written (a pipe to head?)", EXIT_WRITE_ERROR)


def _show_warning(message: Any, category: type[Warning], *_: Any, **__: Any) -> None:
    print(f"apigw-emulator: {category.__name__}: {message}", file=sys.stderr)
