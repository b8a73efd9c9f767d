"""Every new execution environment initialises a function given by name afresh, in-process too (issue
#20 item 7): module state never leaks from one environment, gateway or test into the next. A callable is
"your module, your state"; ``on_init`` is where a test patches the module a by-name function runs."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.errors import ConfigurationError

from .conftest import CodeFolder

STATEFUL = """
import json, random, threading, time

TOKEN = random.random()
CALLS = []
CLIENT = "real"

def handler(event, context):
    CALLS.append(1)
    if (event.get("queryStringParameters") or {}).get("slow"):
        time.sleep(0.5)
    return {"statusCode": 200, "body": json.dumps({"token": TOKEN, "calls": len(CALLS), "client": CLIENT})}
"""


def _body(gw: Gateway, path: str = "/") -> Any:
    response = gw.request("GET", path)
    assert response.status_code == 200, response.text
    return response.json()


def test_lambda_new_gateway_inits_a_module_the_test_already_imported_afresh(code_folder: CodeFolder) -> None:
    folder, name = code_folder(STATEFUL)
    module_name = name.split(".")[0]
    sys.path.insert(0, str(folder))
    try:
        imported = __import__(module_name)  # the test file's own import of the handler's module
    finally:
        sys.path.remove(str(folder))
    imported.CALLS.append("the test's")
    first = _body(Gateway(name, code_uri=folder))
    second = _body(Gateway(name, code_uri=folder))
    assert first["calls"] == second["calls"] == 1  # neither saw the test's nor the other gateway's calls
    assert first["token"] != second["token"] != imported.TOKEN  # module-level values drawn again
    assert imported.CALLS == ["the test's"]


def test_lambda_each_new_environment_of_one_gateway_runs_the_init_again(code_folder: CodeFolder) -> None:
    folder, name = code_folder(STATEFUL)
    gw = Gateway(name, code_uri=folder)
    outcomes: list[Any] = []

    def slow() -> None:
        outcomes.append(_body(gw, "/?slow=1"))

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.2)  # the first environment is busy: the next request gets a second one
    other = _body(gw)
    worker.join()
    assert outcomes[0]["calls"] == other["calls"] == 1
    assert outcomes[0]["token"] != other["token"]
    assert _body(gw)["calls"] == 2  # a warm environment keeps its own state


def test_lambda_template_function_gets_a_fresh_init_per_gateway(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "fresh_template_app.py").write_text(STATEFUL, encoding="utf-8")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      CodeUri: src/\n"
        "      Handler: fresh_template_app.handler\n      Events:\n        Any:\n          Type: HttpApi\n",
        encoding="utf-8",
    )
    try:
        first = _body(Gateway.from_template(tmp_path / "template.yaml"))
        second = _body(Gateway.from_template(tmp_path / "template.yaml"))
    finally:
        sys.modules.pop("fresh_template_app", None)
    assert first["calls"] == second["calls"] == 1
    assert first["token"] != second["token"]


def test_lambda_callable_handler_keeps_your_module_and_your_state() -> None:
    calls: list[int] = []

    def handler(event: Any, context: Any) -> Any:
        calls.append(1)
        return {"statusCode": 200, "body": json.dumps(len(calls))}

    assert _body(Gateway(handler)) == 1
    assert _body(Gateway(handler)) == 2  # the test's own module state, shared on purpose


def test_on_init_patches_the_module_the_function_runs(
    code_folder: CodeFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, name = code_folder(STATEFUL)
    seen: list[ModuleType] = []

    def patch(module: ModuleType) -> None:
        seen.append(module)
        monkeypatch.setattr(module, "CLIENT", "fake")

    gw = Gateway(name, code_uri=folder, on_init=patch)
    assert _body(gw)["client"] == "fake"
    assert len(seen) == 1
    assert seen[0] is sys.modules[name.split(".")[0]]  # the live module of the environment
    assert _body(gw)["client"] == "fake"
    assert len(seen) == 1  # once per environment, not per invocation


def test_on_init_runs_with_the_function_variables_and_after_a_timeout_again(code_folder: CodeFolder) -> None:
    folder, name = code_folder(STATEFUL)
    seen: list[str | None] = []

    def note(module: ModuleType) -> None:
        import os  # noqa: PLC0415

        seen.append(os.environ.get("STAGE"))

    gw = Gateway(name, code_uri=folder, environment={"STAGE": "test"}, timeout=0.2, on_init=note)
    _body(gw)
    with pytest.warns(Warning, match="Task timed out"):
        assert gw.request("GET", "/?slow=1").status_code == 502
    _body(gw)
    assert seen == ["test", "test"]


def test_on_init_of_a_template_function_from_the_plugin_fixture(pytester: pytest.Pytester) -> None:
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "plugin_fresh_app.py").write_text(STATEFUL, encoding="utf-8")
    (pytester.path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      CodeUri: src/\n"
        "      Handler: plugin_fresh_app.handler\n      Events:\n        Any:\n          Type: HttpApi\n",
        encoding="utf-8",
    )
    pytester.makeini("[pytest]\napigw_template = template.yaml\n")
    pytester.makepyfile(
        """
        def test_patched(apigw, monkeypatch):
            gw = apigw(on_init=lambda module: monkeypatch.setattr(module, "CLIENT", "fake"))
            assert gw.request("GET", "/").json()["client"] == "fake"

        def test_not_leaked_from_the_test_before(apigw):
            body = apigw().request("GET", "/").json()
            assert body["calls"] == 1
            assert body["client"] == "real"
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_on_init_with_worker_processes_is_refused(code_folder: CodeFolder) -> None:
    folder, name = code_folder(STATEFUL)
    with pytest.raises(ConfigurationError, match="on_init runs in this process"):
        Gateway(name, code_uri=folder, isolation="process", on_init=lambda module: None)
    with pytest.raises(ConfigurationError, match="on_init must be callable"):
        Gateway(name, code_uri=folder, on_init="patch")  # type: ignore[arg-type]


def test_lambda_two_functions_with_an_app_module_each_init_concurrently_with_their_own(
    tmp_path: Path,
) -> None:
    gateways = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "fresh_same_name_app.py").write_text(
            f"import time\ntime.sleep(0.05)\nNAME = {name!r}\n\n"
            "def handler(event, context):\n    return {'statusCode': 200, 'body': NAME}\n",
            encoding="utf-8",
        )
        gateways.append((name, Gateway("fresh_same_name_app.handler", code_uri=folder)))
    answers: dict[str, list[str]] = {"one": [], "two": []}

    def call(name: str, gw: Gateway) -> None:  # off the main thread: environments of their own threads
        for _ in range(3):
            gw.close()  # every call a new environment, a fresh init
            answers[name].append(gw.request("GET", "/").text)

    try:
        threads = [threading.Thread(target=call, args=pair) for pair in gateways]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.modules.pop("fresh_same_name_app", None)
    assert answers == {"one": ["one"] * 3, "two": ["two"] * 3}


def module_level_handler(event: Any, context: Any) -> Any:
    return {"statusCode": 200, "body": json.dumps(GREETING)}


GREETING = "module"


def test_on_init_of_a_callable_gets_the_callable_module(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ModuleType] = []

    def patch(module: ModuleType) -> None:
        seen.append(module)
        monkeypatch.setattr(module, "GREETING", "patched")

    assert _body(Gateway(module_level_handler, on_init=patch)) == "patched"
    assert seen == [sys.modules[__name__]]


def test_lambda_imports_a_handler_name_from_its_code_folder_not_a_package_of_that_name_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere" / "fresh_pkg"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text("WHERE = 'elsewhere'\n")
    code = tmp_path / "code" / "fresh_pkg"
    code.mkdir(parents=True)
    (code / "__init__.py").write_text("")
    (code / "orders.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'code folder'}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))
    import fresh_pkg  # type: ignore[import-not-found]  # noqa: PLC0415 - the caller's own package

    try:
        gw = Gateway("fresh_pkg/orders.handler", code_uri=tmp_path / "code")
        assert gw.request("GET", "/").text == "code folder"
        assert fresh_pkg.WHERE == "elsewhere"  # the caller's module object is untouched
    finally:
        for name in ("fresh_pkg", "fresh_pkg.orders"):
            sys.modules.pop(name, None)
