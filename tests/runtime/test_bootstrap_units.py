"""The emulator's own runtime's per-invocation helpers, in this process: the trace variable, the result's
JSON with a kept encoder, the context's variables. Each must give what the plain way gives (``os.environ``
item assignment, a fresh encoder per call, ``os.environ.get``)."""

from __future__ import annotations

import collections
import decimal
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from apigw_emulator.runtime import _bootstrap
from apigw_emulator.runtime._bootstrap import LambdaContext, _set_trace_id, to_json

TRACE = "_X_AMZN_TRACE_ID"


@pytest.fixture
def clean_trace() -> Iterator[None]:
    saved = os.environ.get(TRACE)
    yield
    if saved is None:
        os.environ.pop(TRACE, None)
    else:
        os.environ[TRACE] = saved


def seen_by_a_child() -> str | None:
    """The trace variable as a process started now sees it (the C library's environment)."""
    code = f"import os, json; print(json.dumps(os.environ.get({TRACE!r})))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True).stdout
    value: str | None = json.loads(output)
    return value


@pytest.mark.usefixtures("clean_trace")
def test_the_trace_variable_is_set_for_python_and_for_child_processes() -> None:
    _set_trace_id("Root=1-5f84c7a1-0123456789abcdef01234567;Sampled=1")
    assert os.environ[TRACE] == "Root=1-5f84c7a1-0123456789abcdef01234567;Sampled=1"
    assert os.getenv(TRACE) == os.environ[TRACE]
    assert seen_by_a_child() == os.environ[TRACE]
    _set_trace_id("Root=1-other")
    assert seen_by_a_child() == "Root=1-other"


@pytest.mark.usefixtures("clean_trace")
def test_an_invocation_without_a_trace_removes_the_variable_everywhere() -> None:
    _set_trace_id("Root=1-a")
    _set_trace_id(None)
    assert TRACE not in os.environ
    assert seen_by_a_child() is None
    _set_trace_id(None)  # already absent: nothing to do, no error
    assert TRACE not in os.environ


@pytest.mark.usefixtures("clean_trace")
def test_a_non_ascii_trace_value_is_stored_as_os_environ_stores_it() -> None:
    _set_trace_id("Root=1-é")
    mine = os.environb[os.fsencode(TRACE)]
    os.environ[TRACE] = "Root=1-é"
    assert os.environb[os.fsencode(TRACE)] == mine


Point = collections.namedtuple("Point", "x y")


def fresh(value: Any) -> str:
    return _bootstrap._Encoder().encode(value)


def test_a_kept_encoder_writes_what_a_fresh_one_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    values: list[Any] = [
        {"statusCode": 200, "body": "é", "n": decimal.Decimal("1.10"), "nan": decimal.Decimal("NaN")},
        {"point": Point(1, 2), "raw": b"bytes", "list": [decimal.Decimal("3"), float("inf")]},
        [1, 2.5, None, True, "x"],
    ]
    for runtime in ("AWS_Lambda_python3.11", "AWS_Lambda_python3.12"):
        monkeypatch.setenv("AWS_EXECUTION_ENV", runtime)
        for value in values:
            assert to_json(value) == fresh(value)
            assert to_json(value) == fresh(value)  # the kept encoder, again


def test_the_execution_environment_is_read_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11")
    assert to_json({"a": "é"}) == '{"a": "\\u00e9"}'
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")
    assert to_json({"a": "é"}) == '{"a": "é"}'


def test_an_encoding_nested_in_an_encoding_keeps_both_results_whole() -> None:
    outer = to_json({"value": decimal.Decimal("9.75"), "nested": [Point(decimal.Decimal("0.5"), 1)]})
    assert outer == '{"value": 9.75, "nested": [{"x": 0.5, "y": 1}]}'
    value = {"a": decimal.Decimal("3.5"), "n": [("not", "named")], "t": TupleLike()}
    assert json.loads(to_json(value)) == {"a": 3.5, "n": [["not", "named"]], "t": {"inner": '{"deep": 2.25}'}}


class TupleLike(tuple):  # type: ignore[type-arg]
    """A tuple with ``_asdict`` (as simplejson treats named tuples) that encodes JSON while encoded."""

    def _asdict(self) -> dict[str, Any]:
        return {"inner": to_json({"deep": decimal.Decimal("2.25")})}


def test_the_context_reads_the_variables_as_they_are_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "first")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
    monkeypatch.delenv("AWS_LAMBDA_LOG_GROUP_NAME", raising=False)
    before = LambdaContext("id", None, None, 0)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "second")
    monkeypatch.setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/second")
    after = LambdaContext("id", None, None, 0)
    assert (before.function_name, before.memory_limit_in_mb, before.log_group_name) == ("first", "128", None)
    assert (after.function_name, after.log_group_name) == ("second", "/aws/lambda/second")
    names = [
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
    ]
    seen = [after.log_group_name, after.log_stream_name, after.function_name]
    seen += [after.memory_limit_in_mb, after.function_version]
    assert seen == [os.environ.get(name) for name in names]
