"""Fixtures of the execution-environment tests: functions written to a temporary task root, process
environments that are shut down after each test, invocations as the invoke step makes them, handler
modules in code folders of their own, and each kind of environment in turn."""

from __future__ import annotations

import itertools
import json
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

from apigw_emulator.lambda_context import LambdaContext
from apigw_emulator.runtime.model import FunctionConfig, InvokeOutcome, InvokeRequest, Isolation
from apigw_emulator.runtime.process import ProcessEnvironment, RuntimeClientSpec

REGION = "eu-west-1"
ACCOUNT = "123456789012"
TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def awslambdaric_or_skip() -> None:
    pytest.importorskip(
        "awslambdaric",
        reason="awslambdaric (AWS's runtime interface client) is not installed: it has Linux wheels only",
    )


@pytest.fixture(params=["bootstrap", "awslambdaric"])
def runtime_client(request: pytest.FixtureRequest) -> str:
    """Both Python runtimes: the emulator's and AWS's (skipped where it is not installed)."""
    if request.param == "awslambdaric":
        awslambdaric_or_skip()
    return str(request.param)


class Environments:
    """Makes process environments for one test, each with a task root of its own, and shuts them down."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.created: list[ProcessEnvironment] = []
        #: Every line the environments' workers wrote, in order.
        self.lines: list[str] = []
        self._numbers = itertools.count(1)
        self._request_numbers = itertools.count(1)

    def task_root(self, files: Mapping[str, str]) -> Path:
        """A new task root holding ``files`` (relative path -> source, dedented)."""
        root = self.tmp_path / f"task{next(self._numbers)}"
        root.mkdir()
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    def __call__(
        self,
        source: str | None = None,
        *,
        files: Mapping[str, str] | None = None,
        task_root: Path | None = None,
        handler: str = "app.handler",
        runtime_client: RuntimeClientSpec = "bootstrap",
        timeout: float = 3.0,
        memory_size: int = 128,
        environment: Mapping[str, str] | None = None,
        layers: Sequence[Path] = (),
        name: str = "my-function",
        runtime: str | None = None,
        log: bool = True,
        **options: Any,
    ) -> ProcessEnvironment:
        """An environment for ``source`` (the ``app`` module) or ``files``, in a fresh task root."""
        if task_root is None:
            all_files = dict(files or {})
            if source is not None:
                all_files["app.py"] = source
            task_root = self.task_root(all_files)
        function = FunctionConfig(
            name=name,
            timeout=timeout,
            memory_size=memory_size,
            handler=handler,
            code_uri=task_root,
            environment=dict(environment or {}),
            layers=tuple(layers),
            **({"runtime": runtime} if runtime else {}),
        )
        environment_ = ProcessEnvironment(
            function,
            region=REGION,
            account_id=ACCOUNT,
            handler=handler,
            task_root=task_root,
            runtime_client=runtime_client,
            log=self.lines.append if log else None,
            **options,
        )
        self.created.append(environment_)
        return environment_

    def request(
        self,
        environment: ProcessEnvironment,
        event: Any = None,
        *,
        wait: float | None = None,
        request_id: str | None = None,
        trace_id: str | None = TRACE_ID,
    ) -> InvokeRequest:
        function = environment.function
        context = LambdaContext(
            aws_request_id=request_id or f"00000000-0000-4000-8000-{next(self._request_numbers):012d}",
            function_name=function.name,
            function_version=function.version,
            region=REGION,
            account_id=ACCOUNT,
            memory_limit_in_mb=function.memory_size,
            timeout=function.timeout,
        )
        event = json.loads(json.dumps({} if event is None else event))
        return InvokeRequest(
            event=event,
            context=context,
            trace_id=trace_id,
            wait=function.timeout if wait is None else wait,
            encoded=_orjson_written(event),
        )

    def invoke(self, environment: ProcessEnvironment, event: Any = None, **options: Any) -> InvokeOutcome:
        """Invoke ``environment`` with ``event`` as the invoke step would."""
        return environment.invoke(self.request(environment, event, **options))

    def shutdown_all(self) -> None:
        for environment in self.created:
            environment.shutdown()


@pytest.fixture
def environments(tmp_path: Path) -> Iterator[Environments]:
    """Make process environments with ``environments(source, ...)``; all are shut down after the test."""
    factory = Environments(tmp_path)
    try:
        yield factory
    finally:
        factory.shutdown_all()


def _orjson_written(event: Any) -> bytes | None:
    """The event's JSON as the invoke step's round trip hands it on (orjson's, when orjson writes the
    event exactly: not for NaN, infinities or integers over 64 bits), so that warm invocations take the
    usual turn as they do behind a gateway; None otherwise (the environment writes the event itself)."""
    try:
        encoded = orjson.dumps(event)
    except TypeError:
        return None
    return encoded if orjson.loads(encoded) == event else None


def result_json(outcome: InvokeOutcome) -> Any:
    """The JSON a runtime posted for a ``"result"`` outcome."""
    assert outcome.kind == "result", outcome
    assert isinstance(outcome.result, bytes)
    return json.loads(outcome.result)


# -- handler modules in code folders of their own, for gateways --------------------------------------

_numbers = itertools.count()

#: ``code_folder(source) -> (folder, handler name)``: a module of its own name in a fresh folder.
CodeFolder = Callable[..., tuple[Path, str]]


@pytest.fixture
def code_folder(tmp_path: Path) -> Iterator[CodeFolder]:
    """Write a handler module with a name of its own (``fn_<n>``) into a fresh folder; the folder and the
    module are removed from ``sys.path`` and ``sys.modules`` after the test."""
    made: list[tuple[Path, str]] = []

    def write(
        source: str, *, function: str = "handler", files: dict[str, str] | None = None
    ) -> tuple[Path, str]:
        module = f"fn_{next(_numbers)}"
        folder = tmp_path / module
        folder.mkdir()
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for name, text in (files or {}).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        made.append((folder, module))
        return folder, f"{module}.{function}"

    yield write
    for folder, module in made:
        for name in [n for n in sys.modules if n == module or n.startswith(module + ".")]:
            del sys.modules[name]
        for entry in [e for e in sys.path if e.startswith(str(folder))]:
            sys.path.remove(entry)


@pytest.fixture(params=["in-process", "process"])
def isolation(request: pytest.FixtureRequest) -> Isolation:
    """Each kind of execution environment in turn."""
    kind: Isolation = request.param
    return kind
