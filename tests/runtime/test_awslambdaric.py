"""The emulator's runtime against AWS's runtime interface client (``awslambdaric``): the same invocations
through both, compared field by field. awslambdaric is the truth.

Skipped where awslambdaric is not installed (it has Linux wheels only).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator.runtime.model import InvokeOutcome
from apigw_emulator.runtime.process import ProcessEnvironment

from .conftest import Environments, awslambdaric_or_skip, result_json

pytestmark = pytest.mark.usefixtures("_awslambdaric")


@pytest.fixture
def _awslambdaric() -> None:
    awslambdaric_or_skip()


SCENARIOS = """
import collections, decimal, logging, os, sys, threading

INITS = 0
INITS += 1
Point = collections.namedtuple("Point", "x y")


def describe(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return [type(value).__name__, value]
    return [type(value).__name__, {name: describe(getattr(value, name)) for name in public(value)}]


def public(value):
    names = (name for name in dir(value) if not name.startswith("_"))
    return sorted(name for name in names if not callable(getattr(value, name)))


def handler(event, context):
    kind = event["kind"]
    if kind == "context":
        remaining = context.get_remaining_time_in_millis()
        return {
            "class": type(context).__name__,
            "attributes": {name: describe(getattr(context, name)) for name in public(context)},
            "methods": sorted(
                name for name in dir(context) if not name.startswith("_") and callable(getattr(context, name))
            ),
            "remaining": [type(remaining).__name__, 0 < remaining <= 3000],
            "w3c": context.w3c() if hasattr(context, "w3c") else None,
            "repr": repr(context),
        }
    if kind == "event":
        return event
    if kind == "process":
        return {
            "inits": INITS,
            "main_thread": threading.current_thread() is threading.main_thread(),
            "threads": threading.active_count(),
            "cwd": os.getcwd(),
            "path": sys.path[:3],
            "environ": {
                key: value for key, value in os.environ.items()
                if key.startswith(("AWS_", "_", "LAMBDA", "TZ", "PYTHONPATH"))
            },
            "stdin": sys.stdin.read(),
            "root_handlers": len(logging.getLogger().handlers),
            "root_level": logging.getLogger().level,
        }
    if kind == "raise":
        def inner():
            raise ValueError("the order is invalid")
        inner()
    if kind == "raise-unicode":
        raise RuntimeError("caf\\u00e9 \\u2603")
    if kind == "raise-base":
        raise KeyError({"nested": [1, 2]})
    if kind == "bytes":
        return b"\\x89PNG\\r\\n raw bytes"
    if kind == "set":
        return {"values": {1, 2}}
    if kind == "key":
        return {(1, 2): 3}
    if kind == "decimal":
        D = decimal.Decimal
        return {"price": D("19.990000000000000000001"), "nan": D("NaN"), "int": D("10"), "neg": D("-1E+2")}
    if kind == "floats":
        return [float("nan"), float("inf"), -float("inf"), 1e300, 0.1]
    if kind == "namedtuple":
        return {"point": Point(1, [Point(2, 3)]), "tuple": (1, 2)}
    if kind == "text":
        return {"text": "caf\\u00e9 \\u2603 \\U0001f600", "keys": {1: "a", 2.5: "b", None: "c", True: "d"}}
    if kind == "nested-bytes":
        return {"body": b"abc", "invalid": b"\\xff"} if event.get("invalid") else {"body": b"abc"}
    if kind == "object":
        return object()
    if kind == "cycle":
        cycle = {"statusCode": 200}
        cycle["self"] = cycle
        return cycle
    if kind == "huge":
        return "x" * event["size"]
    if kind == "none":
        return None
    if kind == "exit":
        sys.exit(3)
    if kind == "log":
        logging.getLogger().setLevel(logging.INFO)
        print("printed")
        logging.info("info record")
        logging.warning("warning record")
        context.log("via context\\n")
        return 1
    raise AssertionError(kind)
"""


class Pair:
    """The same function in two environments: the emulator's runtime and awslambdaric."""

    def __init__(self, environments: Environments, source: str = SCENARIOS, **options: Any) -> None:
        self.environments = environments
        root = environments.task_root({"app.py": source})
        self.ours = environments(task_root=root, runtime_client="bootstrap", **options)
        self.theirs = environments(task_root=root, runtime_client="awslambdaric", **options)
        self.root = root

    def invoke(self, event: Any, **options: Any) -> tuple[InvokeOutcome, InvokeOutcome]:
        outcomes = []
        for environment in (self.ours, self.theirs):
            request = self.environments.request(
                environment, event, request_id="f00dcafe-0000-4000-8000-000000000001", **options
            )
            outcomes.append(environment.invoke(request))
        return outcomes[0], outcomes[1]

    def logged(self, event: Any) -> tuple[list[str], list[str]]:
        lines = self.environments.lines
        start = len(lines)
        self.invoke_one(self.ours, event)
        middle = len(lines)
        self.invoke_one(self.theirs, event)
        return lines[start:middle], lines[middle:]

    def invoke_one(self, environment: ProcessEnvironment, event: Any) -> InvokeOutcome:
        request = self.environments.request(
            environment, event, request_id="f00dcafe-0000-4000-8000-000000000001"
        )
        return environment.invoke(request)


@pytest.fixture
def pair(environments: Environments) -> Pair:
    return Pair(environments)


def same(pair: tuple[InvokeOutcome, InvokeOutcome]) -> InvokeOutcome:
    ours, theirs = pair
    assert (ours.kind, ours.init_error) == (theirs.kind, theirs.init_error)
    assert ours.error == theirs.error
    assert ours.result == theirs.result
    return ours


def test_the_context_is_the_same(pair: Pair) -> None:
    ours, theirs = (result_json(outcome) for outcome in pair.invoke({"kind": "context"}))
    stream = re.compile(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}")
    for result in (ours, theirs):
        assert stream.fullmatch(result["attributes"]["log_stream_name"][1])
        result["attributes"]["log_stream_name"][1] = "<stream>"
        result["repr"] = stream.sub("<stream>", result["repr"])
    assert ours == theirs
    assert ours["attributes"]["memory_limit_in_mb"] == ["str", "128"]
    assert ours["attributes"]["function_name"] == ["str", "my-function"]
    assert ours["attributes"]["invoked_function_arn"] == [
        "str",
        "arn:aws:lambda:eu-west-1:123456789012:function:my-function",
    ]


def test_client_context_and_cognito_identity_are_the_same(pair: Pair) -> None:
    outcomes = []
    for environment in (pair.ours, pair.theirs):
        request = pair.environments.request(environment, {"kind": "context"})
        request.context.client_context = {
            "custom": {"k": "v"},
            "env": {"locale": "fr"},
            "client": {"installation_id": "i", "app_title": "t"},
            "w3c": {"traceparent": "00-abc-def-01", "other": "dropped", "baggage": 1},
        }
        request.context.identity.cognito_identity_id = "eu-west-1:identity"
        request.context.identity.cognito_identity_pool_id = "eu-west-1:pool"
        outcomes.append(result_json(environment.invoke(request)))
    ours, theirs = outcomes
    for result in (ours, theirs):
        result["attributes"].pop("log_stream_name")
        result["attributes"].pop("aws_request_id")
        result.pop("repr")
    assert ours == theirs
    assert ours["w3c"] == {"traceparent": "00-abc-def-01"}
    assert ours["attributes"]["identity"][1]["cognito_identity_id"] == ["str", "eu-west-1:identity"]


def test_the_event_and_the_process_are_the_same(pair: Pair) -> None:
    event = {"kind": "event", "body": "caf\u00e9", "n": 12345678901234567890, "f": 0.1, "list": [None, True]}
    assert result_json(same(pair.invoke(event))) == event
    ours, theirs = (result_json(outcome) for outcome in pair.invoke({"kind": "process"}))
    for result in (ours, theirs):
        result["environ"].pop("AWS_LAMBDA_LOG_STREAM_NAME")
        result["environ"].pop("AWS_LAMBDA_RUNTIME_API")
    assert ours == theirs
    assert ours["main_thread"]
    assert ours["path"][0] == str(pair.root)


@pytest.mark.parametrize(
    "kind", ["raise", "raise-unicode", "raise-base", "set", "key", "object", "cycle", "exit"]
)
def test_error_documents_are_the_same(pair: Pair, kind: str) -> None:
    outcome = same(pair.invoke({"kind": kind}))
    assert outcome.kind == "error"


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "bytes"},
        {"kind": "decimal"},
        {"kind": "floats"},
        {"kind": "namedtuple"},
        {"kind": "text"},
        {"kind": "nested-bytes"},
        {"kind": "nested-bytes", "invalid": True},
        {"kind": "none"},
    ],
    ids=lambda event: "-".join(str(value) for value in event.values()),
)
def test_results_are_encoded_the_same(pair: Pair, event: dict[str, Any]) -> None:
    same(pair.invoke(event))


def test_huge_results_are_the_same(pair: Pair) -> None:
    assert same(pair.invoke({"kind": "huge", "size": 7 * 1024 * 1024})).kind == "error"
    assert same(pair.invoke({"kind": "huge", "size": 6 * 1024 * 1024})).kind == "result"


@pytest.mark.parametrize(
    ("source", "handler"),
    [
        ("import no_such_dependency\n", "app.handler"),
        ("def handler(event, context):\n    return {'unclosed': [1, 2}\n", "app.handler"),
        ("def other(event, context):\n    return 1\n", "app.handler"),
        ("raise KeyError('CONFIG')\n", "app.handler"),
        ("def handler(event, context):\n    return 1\n", "nodots"),
        ("def handler(event, context):\n    return 1\n", "sys.handler"),
        ("def handler(event, context):\n    return 1\n", "pkg/app.handler"),
    ],
    ids=["import", "syntax", "handler-not-found", "raise-at-import", "malformed", "built-in", "slash"],
)
def test_init_errors_are_the_same(environments: Environments, source: str, handler: str) -> None:
    files = {"app.py": source, "pkg/__init__.py": "", "pkg/app.py": source}
    root = environments.task_root(files)
    outcomes = [
        environments.invoke(environments(task_root=root, handler=handler, runtime_client=client))
        for client in ("bootstrap", "awslambdaric")
    ]
    ours = same((outcomes[0], outcomes[1]))
    if handler == "pkg/app.handler":
        assert ours.kind == "result"
    else:
        assert (ours.kind, ours.init_error) == ("error", True)


def _timestamps(lines: list[str]) -> list[str]:
    return [re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "<time>", line) for line in lines]


def test_log_lines_are_the_same(pair: Pair) -> None:
    ours, theirs = pair.logged({"kind": "log"})
    assert _timestamps(ours) == _timestamps(theirs)
    ours, theirs = pair.logged({"kind": "raise"})
    assert ours == theirs
    assert ours[0].startswith(
        "[ERROR] ValueError: the order is invalid\rTraceback (most recent call last):\r"
    )


def test_init_error_log_lines(environments: Environments) -> None:
    root = environments.task_root({"app.py": "import no_such_dependency\n"})
    logged = []
    for client in ("bootstrap", "awslambdaric"):
        start = len(environments.lines)
        environments.invoke(environments(task_root=root, runtime_client=client))
        logged.append(environments.lines[start:])
    ours, theirs = logged
    # awslambdaric first logs a LAMBDA_WARNING about unhandled exceptions; the [ERROR] line is the same.
    assert ours == [line for line in theirs if "LAMBDA_WARNING" not in line]


def test_a_custom_runtime_wrapping_awslambdaric_sees_lambdas_variables(
    environments: Environments, tmp_path: Path
) -> None:
    import sys  # noqa: PLC0415

    bootstrap = tmp_path / "bootstrap"
    bootstrap.write_text(f'#!/bin/sh\nexec {sys.executable} -m awslambdaric "$_HANDLER"\n', encoding="utf-8")
    bootstrap.chmod(0o755)
    root = environments.task_root({"app.py": SCENARIOS})
    environment = environments(
        task_root=root, runtime_client=str(bootstrap), environment={"PYTHONPATH": str(root)}
    )
    assert result_json(environments.invoke(environment, {"kind": "process"}))["inits"] == 1
