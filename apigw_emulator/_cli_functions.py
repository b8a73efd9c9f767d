"""How the command line runs the function: its handler, its execution environments, its variables, and the
files whose changes make ``serve`` start it afresh."""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .runtime.model import ISOLATIONS, to_stderr
from .runtime.pool import DEFAULT_ENVIRONMENTS

__all__ = [
    "HeldLog",
    "add_function_options",
    "function_options",
    "handler_location",
    "template_parameters",
    "watch_paths",
]

#: The most source files ``serve`` watches for changes (each is checked before a request).
MAX_WATCHED = 400
#: Folders never watched: environments, caches, version control.
_SKIPPED = {".venv", "venv", "__pycache__", "node_modules", ".git", ".tox", ".aws-sam", "site-packages"}


class FunctionOptionError(Exception):
    """An option of the function cannot be used (the message says what to do)."""


def add_function_options(parser: argparse.ArgumentParser, *, default_isolation: str) -> None:
    """``--isolation``, ``--runtime-client``, ``--env-vars`` and ``--max-concurrency``."""
    parser.add_argument(
        "--isolation",
        choices=ISOLATIONS,
        default=default_isolation,
        help=f"where the function runs: a worker process per execution environment (process) or this "
        f"process (in-process); default {default_isolation}",
    )
    parser.add_argument(
        "--runtime-client",
        metavar="CLIENT",
        default="bootstrap",
        help="with --isolation process: the runtime in the workers, bootstrap (the emulator's own), "
        "awslambdaric (AWS's runtime interface client) or the path of a custom runtime's bootstrap",
    )
    parser.add_argument(
        "--env-vars",
        metavar="FILE",
        help="the function's environment variables, in SAM CLI's format: {\"Parameters\": {...}, "
        '"<LogicalId>": {...}} (with --template only the template\'s variables are overridden, as in SAM)',
    )
    parser.add_argument(
        "--layer-folder",
        action="append",
        default=[],
        metavar="ARN=DIR",
        help="with --template: a local folder for a layer the template names by ARN, repeatable",
    )
    parser.add_argument(
        "--jwks",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="with --template: the JSON Web Key Set that signs the tokens of the JWT or Cognito authorizer "
        "NAME, repeatable (without it, that authorizer refuses every token)",
    )
    parser.add_argument(
        "--max-concurrency",
        type=_positive,
        default=None,
        metavar="N",
        help="the function's concurrency limit (as ReservedConcurrentExecutions, which a template may "
        "set): N execution environments at most, more requests are throttled; default: no limit, "
        f"{DEFAULT_ENVIRONMENTS} environments are kept and more requests wait for one",
    )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not at least 1")
    return number


def _env_vars(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FunctionOptionError(f"can't read --env-vars {path!r}: {exc.strerror}") from exc
    except ValueError as exc:
        raise FunctionOptionError(f"--env-vars {path!r} is not JSON: {exc}") from exc
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise FunctionOptionError(
            f'--env-vars {path!r}: expected {{"Parameters": {{"NAME": "value"}}, "<LogicalId>": {{...}}}}'
        )
    return document


def _layer_folders(values: list[str]) -> dict[str, str]:
    folders = {}
    for value in values:
        arn, sep, folder = value.rpartition("=")
        if not sep or not arn or not Path(folder).is_dir():
            raise FunctionOptionError(f"--layer-folder {value!r}: expected ARN=DIR with DIR a folder")
        folders[arn] = folder
    return folders


def _jwks_files(values: list[str]) -> dict[str, str]:
    files = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not Path(path).is_file():
            raise FunctionOptionError(
                f"--jwks {value!r}: expected NAME=FILE, NAME an authorizer, FILE a JWKS file"
            )
        files[name] = path
    return files


def template_parameters(args: argparse.Namespace) -> dict[str, str] | None:
    """The template's parameter values of ``--parameter-overrides`` (SAM CLI's syntax); None without.

    :raises FunctionOptionError: for a malformed override, or overrides without ``--template``.
    """
    from .parameter_overrides import ParameterOverrideError, parse_parameter_overrides  # noqa: PLC0415

    texts = getattr(args, "parameter_overrides", None) or []
    if not texts:
        return None
    if not args.template:
        raise FunctionOptionError("--parameter-overrides sets a template's parameters: give --template FILE")
    try:
        return parse_parameter_overrides(texts)
    except ParameterOverrideError as exc:
        raise FunctionOptionError(f"--parameter-overrides: {exc}") from None


def function_options(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Gateway`` (or ``Gateway.from_template``) keyword arguments of the function options."""
    options: dict[str, Any] = {
        "isolation": args.isolation,
        "runtime_client": args.runtime_client,
        "function_log": getattr(args, "function_log", None) or to_stderr,
    }
    if args.max_concurrency is not None:  # else a template's ReservedConcurrentExecutions, or none
        options["max_concurrency"] = args.max_concurrency
    env_vars = _env_vars(args.env_vars)
    if args.template:
        options["env_vars"] = env_vars
        if args.layer_folder:
            options["layer_folders"] = _layer_folders(args.layer_folder)
        if args.jwks:
            options["jwks"] = _jwks_files(args.jwks)
    elif env_vars:
        # Without a template nothing is declared: every variable of "Parameters" is the function's.
        options["environment"] = {name: str(value) for name, value in env_vars.get("Parameters", {}).items()}
    return options


class HeldLog:
    """The log ``serve`` writes to standard error: the function's lines and the server's request lines.

    Until :meth:`release` (then it writes them, and every later line) or :meth:`drop`, the function's
    lines are held: ``serve`` shows a failed init as one line, not as the runtime's own report of it.

    After that, an invocation's ``START``, ``END`` and ``REPORT`` lines wait for the next other line: the
    function's first output line, or the server's line for the request (:meth:`server_line`), so that a
    quiet invocation's four lines go out in one write instead of four (each write to a terminal or a file
    costs more than the rest of the line's work). What waits is written first, so the order is kept;
    nothing waits longer than about :data:`WAIT_LIMIT` seconds (a slow, quiet function's ``START`` shows
    while it runs). :meth:`flush` writes what waits, :meth:`close` too and ends the thread that keeps
    the limit.
    """

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        self._held: list[str] | None = []
        self._waiting: list[str] = []
        #: When the first of the waiting lines came (``time.monotonic()``).
        self._since = 0.0
        self._write = write or to_stderr
        self._lock = threading.Lock()
        self._limiter: threading.Thread | None = None
        self._closed = threading.Event()

    def __call__(self, line: str) -> None:
        with self._lock:
            held = self._held
            if held is not None:
                held.append(line)
                return
            if line.startswith(_WAITING_LINES):
                if not self._waiting:
                    self._since = time.monotonic()
                    if self._limiter is None and not self._closed.is_set():
                        self._limiter = threading.Thread(
                            target=self._limit_waits, name="apigw-emulator-log", daemon=True
                        )
                        self._limiter.start()
                self._waiting.append(line)
                return
            self._write_with_waiting(line)

    def server_line(self, line: str) -> None:
        """The server's log (``LocalGateway(log=...)``): a line written with what waits (in one write)."""
        with self._lock:  # _write_with_waiting, inline: this runs for every request
            waiting = self._waiting
            if waiting:
                waiting.append(line)
                line, self._waiting = "\n".join(waiting), []
            self._write(line)

    def flush(self) -> None:
        """Write the lines that wait."""
        with self._lock:
            self._write_waiting()

    def close(self) -> None:
        """Write the lines that wait and end the thread that keeps :data:`WAIT_LIMIT` (lines logged
        after this still wait for the next line, or for :meth:`flush`)."""
        self._closed.set()
        limiter = self._limiter
        if limiter is not None:
            limiter.join()
        self.flush()

    def release(self) -> None:
        """Write the held lines; from now on lines go to standard error."""
        with self._lock:
            held, self._held = self._held, None
            for line in held or ():
                self._write(line)

    def drop(self) -> None:
        """Forget the held lines (they go to standard error from now on)."""
        with self._lock:
            self._held = None

    def _write_waiting(self) -> None:
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            self._write("\n".join(waiting))

    def _write_with_waiting(self, line: str) -> None:
        if self._waiting:
            self._waiting.append(line)
            line, self._waiting = "\n".join(self._waiting), []
        self._write(line)

    def _limit_waits(self) -> None:
        """Write what has waited :data:`WAIT_LIMIT` seconds; end after :data:`_IDLE_END` seconds with
        nothing waiting (the next waiting line starts the thread again) or at :meth:`close`."""
        idle_since = time.monotonic()
        while not self._closed.wait(WAIT_LIMIT / 2):
            with self._lock:
                now = time.monotonic()
                if self._waiting:
                    idle_since = now
                    if now - self._since >= WAIT_LIMIT:
                        self._write_waiting()
                elif now - idle_since >= _IDLE_END:
                    self._limiter = None
                    return


#: The lines :class:`HeldLog` lets wait for the next other one (an invocation's own).
_WAITING_LINES = ("START RequestId: ", "END RequestId: ", "REPORT RequestId: ")
#: Seconds a line waits at most in :class:`HeldLog` (about: it is checked twice in that time).
WAIT_LIMIT = 0.2
#: Seconds without a waiting line after which :class:`HeldLog`'s thread ends.
_IDLE_END = 5.0


def handler_location(spec: str | None, code_uri: str | None) -> tuple[str, Path] | None:
    """The command line's ``HANDLER`` (``module.function`` as in SAM, ``module:function`` or
    ``file.py:function``) as Lambda's handler name and its code folder; None without one (the template's
    is used). The handler is imported when the function initialises, as Lambda's runtime imports it.

    :raises FunctionOptionError: for a malformed handler, a ``--code-uri`` that is not a folder, a file
        that does not exist.
    """
    if spec is None:
        return None
    spec = spec.strip()
    if code_uri is not None and not Path(code_uri).is_dir():
        raise FunctionOptionError(
            f"the code directory {Path(code_uri).resolve()} does not exist: give the folder of the handler's "
            "module with --code-uri DIR"
        )
    left, colon, function = spec.rpartition(":")
    if colon and left.endswith(".py"):
        file = Path(left).resolve()
        if not file.is_file():
            raise FunctionOptionError(f"handler {spec}: there is no file {file}")
        return f"{file.stem}.{function}", file.parent
    name = f"{left}.{function}" if colon else spec
    module, dot, attribute = name.rpartition(".")
    if not dot or not module or not attribute.isidentifier():
        raise FunctionOptionError(
            f"handler {spec!r}: expected 'module.function' (SAM's Handler), 'module:function' or "
            "'file.py:function'"
        )
    return name, Path(code_uri).resolve() if code_uri is not None else Path.cwd()


def watch_paths(args: argparse.Namespace, location: tuple[str, Path] | None) -> list[Path]:
    """The files whose changes make ``serve`` start the function afresh: the template, the JWKS files of
    ``--jwks``, and the Python files of the functions' code folders and local layers (at most
    :data:`MAX_WATCHED`)."""
    folders: list[Path] = []
    paths: list[Path] = []
    if location is not None:
        folders.append(location[1])
    if args.template:
        from .template import load_template  # noqa: PLC0415

        paths.append(Path(args.template).resolve())
        paths += [Path(value.partition("=")[2]).resolve() for value in getattr(args, "jwks", None) or []]
        template = load_template(args.template, parameters=template_parameters(args))
        for function in template.functions.values():
            folders += [_layer_source(layer) for layer in function.layers if isinstance(layer, Path)]
            if function.inline_code is None and not function.code_uri_is_remote():
                try:
                    folders.append(function.code_dir())
                except Exception:  # reported when the function is invoked
                    continue
    for folder in dict.fromkeys(folders):
        for path in _python_files(folder):
            if len(paths) >= MAX_WATCHED:
                return paths
            paths.append(path)
    return paths


def _layer_source(layer: Path) -> Path:
    """The folder to watch for a layer: the source of a layer laid out as ``sam build`` does (its
    ``python/`` links to it), else the layer's folder."""
    python = layer / "python"
    return python.resolve() if python.is_symlink() else layer


def _python_files(folder: Path) -> Iterator[Path]:
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if d not in _SKIPPED and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(root) / name
