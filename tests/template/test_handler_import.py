"""Importing a function's handler from its CodeUri, as the Lambda Python runtime would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apigw_emulator.errors import HandlerImportError
from apigw_emulator.template import Function, TemplateError, load_template
from tests.template.data.echo_app import app as echo_app

DATA = Path(__file__).parent / "data"


@pytest.fixture
def isolated_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code directories the loader appends to ``sys.path`` go away after the test."""
    monkeypatch.setattr(sys, "path", [*sys.path])


def write_template(directory: Path, functions: dict[str, str]) -> Path:
    """A template with one function per (logical id, CodeUri:Handler) in ``directory``."""
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for logical_id, code in functions.items():
        code_uri, handler = code.split(":")
        lines += [
            f"  {logical_id}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            f"      CodeUri: {code_uri}",
            f"      Handler: {handler}",
        ]
    path = directory / "template.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_module(path: Path, answer: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"def handler(event, context):\n    return {answer!r}\n", encoding="utf-8")


def test_a_handler_module_the_test_imported_is_initialised_afresh_not_reused() -> None:
    handler = load_template(DATA / "implicit_api.yaml").functions["ListFunction"].load_handler()
    # A new Lambda environment runs the module's init again: the test's own module is not the function's.
    assert handler is not echo_app.lambda_handler
    assert handler.__module__ == "app"
    assert Path(sys.modules["app"].__file__ or "").resolve() == Path(echo_app.__file__ or "").resolve()


def test_the_handler_imports_its_sibling_modules_as_in_var_task() -> None:
    handler = load_template(DATA / "rest_swagger.yaml").functions["ImageFunction"].load_handler()
    assert handler.__module__ == "app"
    assert sys.modules["app"].__file__ == str((DATA / "image_app" / "app.py").resolve())
    assert "image_utils" in sys.modules


def test_two_functions_of_one_module_get_their_own_handlers() -> None:
    functions = load_template(DATA / "http_api.yaml").functions
    assert functions["OrdersV1Function"].load_handler().__name__ == "v1_handler"
    assert functions["DefaultFunction"].load_handler().__name__ == "lambda_handler"


@pytest.mark.usefixtures("isolated_sys_path")
def test_two_code_folders_with_an_app_module_each_get_their_own(tmp_path: Path) -> None:
    write_module(tmp_path / "first" / "app.py", "first")
    write_module(tmp_path / "second" / "app.py", "second")
    template = load_template(
        write_template(tmp_path, {"First": "first/:app.handler", "Second": "second:app.handler"})
    )
    first = template.functions["First"].load_handler()
    second = template.functions["Second"].load_handler()
    assert (first(None, None), second(None, None)) == ("first", "second")
    again = template.functions["First"].load_handler()
    assert again is not first  # every load is an init
    assert again(None, None) == "first"


@pytest.mark.usefixtures("isolated_sys_path")
def test_each_load_is_a_fresh_init_of_the_module_state(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "state_app.py").write_text(
        "import random\nTOKEN = random.random()\n\ndef handler(event, context):\n    return TOKEN\n"
    )
    function = load_template(write_template(tmp_path, {"Fn": "src:state_app.handler"})).functions["Fn"]
    assert function.load_handler()(None, None) != function.load_handler()(None, None)


@pytest.mark.usefixtures("isolated_sys_path")
def test_a_hyphenated_module_name_is_imported_as_lambda_imports_it(tmp_path: Path) -> None:
    write_module(tmp_path / "src" / "lambda-handler.py", "hyphen")
    template = load_template(write_template(tmp_path, {"Fn": "src:lambda-handler.handler"}))
    handler = template.functions["Fn"].load_handler()
    assert handler(None, None) == "hyphen"
    assert handler.__module__ == "lambda-handler"


@pytest.mark.usefixtures("isolated_sys_path")
def test_import_runs_nothing_outside_the_code_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An unrelated module of the working directory named like the code folder: looking for the handler
    # under a project name imported it (and ran its top-level code) before.
    project = tmp_path / "project"
    write_module(project / "cors2" / "app.py", "cors2 app")
    (project / "cors2.py").write_text(
        "from pathlib import Path\nPath(__file__).with_name('ran.txt').write_text('ran')\n"
    )
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    template = load_template(write_template(project, {"Fn": "cors2:app.handler"}))
    assert template.functions["Fn"].load_handler()(None, None) == "cors2 app"
    assert not (project / "ran.txt").exists()
    assert "cors2" not in sys.modules


@pytest.mark.usefixtures("isolated_sys_path")
def test_a_package_of_the_handler_name_loaded_elsewhere_gives_way_to_the_code_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_module(tmp_path / "elsewhere" / "handlers_pkg" / "__init__.py", "elsewhere")
    write_module(tmp_path / "src" / "handlers_pkg" / "orders.py", "orders")
    (tmp_path / "src" / "handlers_pkg" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))
    import handlers_pkg  # type: ignore[import-not-found]  # noqa: PLC0415 - the caller's own package

    template = load_template(write_template(tmp_path, {"Fn": "src:handlers_pkg/orders.handler"}))
    assert template.functions["Fn"].load_handler()(None, None) == "orders"
    assert handlers_pkg.handler(None, None) == "elsewhere"  # the caller's module object still works
    for name in ("handlers_pkg", "handlers_pkg.orders"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_a_handler_module_named_like_the_standard_library_is_refused(tmp_path: Path) -> None:
    write_module(tmp_path / "src" / "json.py", "shadow")
    template = load_template(write_template(tmp_path, {"Fn": "src:json.handler", "Sys": "src:sys.handler"}))
    with pytest.raises(TemplateError, match="'json' is a module of the standard library"):
        template.functions["Fn"].load_handler()
    with pytest.raises(TemplateError, match="'sys' is a built-in module of Python"):
        template.functions["Sys"].load_handler()


@pytest.mark.usefixtures("isolated_sys_path")
def test_nested_handler_modules_in_both_spellings(tmp_path: Path) -> None:
    write_module(tmp_path / "src" / "handlers" / "orders.py", "orders")
    template = load_template(
        write_template(
            tmp_path, {"Slash": "src:handlers/orders.handler", "Dot": "src:handlers.orders.handler"}
        )
    )
    slash = template.functions["Slash"].load_handler()
    assert slash(None, None) == "orders"
    assert slash.__module__ == "handlers.orders"
    assert template.functions["Dot"].load_handler()(None, None) == "orders"


@pytest.mark.usefixtures("isolated_sys_path")
def test_without_code_uri_the_code_is_next_to_the_template(tmp_path: Path) -> None:
    write_module(tmp_path / "app.py", "beside")
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.13, Handler: app.handler}\n",
        encoding="utf-8",
    )
    function = load_template(path).functions["Fn"]
    assert function.code_uri == "."  # SAM CLI's default CodeUri
    assert function.load_handler()(None, None) == "beside"


def test_inline_code_is_the_module_index() -> None:
    handler = load_template(DATA / "cloudformation_rest.yaml").functions["PetsFunction"].load_handler()
    assert handler.__module__.startswith("_apigw_inline_PetsFunction_")
    assert handler.__name__ == "handler"


def test_the_function_model_can_be_built_by_hand() -> None:
    function = Function("Fn", "fn", "python3.12", "app.lambda_handler", "echo_app", template_dir=DATA)
    assert function.load_handler().__code__.co_filename == echo_app.lambda_handler.__code__.co_filename


@pytest.mark.parametrize(
    ("logical_id", "prop", "message"),
    [
        ("NodeFunction", "Runtime", "runtime 'nodejs20.x': only python3.x handlers can be imported"),
        ("ImageFunction", "PackageType", r"container image \(PackageType: Image\)"),
        ("S3Function", "CodeUri", r"is in S3 \(s3://artifacts/app.zip\)"),
        ("ZipFunction", "CodeUri", r"is an archive \(code.zip\)"),
        ("MissingDirFunction", "CodeUri", "CodeUri directory not found: .*nowhere"),
        (
            "MissingModuleFunction",
            "Handler",
            "handler module 'handlers' not found: no .*echo_app/handlers.py",
        ),
        ("MissingAttributeFunction", "Handler", "has no 'no_such_handler'"),
        ("NotCallableFunction", "Handler", r"'NOT_A_FUNCTION' is not callable \(int\)"),
        ("MalformedHandlerFunction", "Handler", "Handler 'lambda_handler' is not '<module>.<function>'"),
        (
            "InlineFunction",
            "Handler",
            "inline code is saved as index.py: the Handler must be 'index.<function>'",
        ),
    ],
)
def test_handler_errors_name_the_function_property_and_cause(
    logical_id: str, prop: str, message: str
) -> None:
    function = load_template(DATA / "broken" / "handler_errors.yaml").functions[logical_id]
    with pytest.raises(TemplateError, match=message) as caught:
        function.load_handler()
    assert caught.value.where == f"Resources.{logical_id}.Properties.{prop}"


def test_a_function_without_runtime_cannot_be_imported(tmp_path: Path) -> None:
    function = Function("Fn", "Fn", None, "app.handler", None, template_dir=tmp_path)
    with pytest.raises(TemplateError, match="function Fn has no Runtime"):
        function.load_handler()


@pytest.mark.usefixtures("isolated_sys_path")
def test_an_error_in_the_handler_module_is_the_module_own(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "app.py").write_text(
        "raise RuntimeError('missing dependency')\n", encoding="utf-8"
    )
    template = load_template(write_template(tmp_path, {"Fn": "broken:app.handler"}))
    with pytest.raises(
        HandlerImportError, match=r"raised RuntimeError: missing dependency \(.*app.py, line 1\)"
    ) as caught:
        template.functions["Fn"].load_handler()
    assert isinstance(caught.value.__cause__, RuntimeError)


@pytest.mark.usefixtures("isolated_sys_path")
def test_a_missing_dependency_says_what_the_lambda_runtime_provides(tmp_path: Path) -> None:
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "app.py").write_text("import requests_not_here_at_all\n", encoding="utf-8")
    (tmp_path / "sdk").mkdir()
    (tmp_path / "sdk" / "app.py").write_text("import boto3.not_here_at_all\n", encoding="utf-8")
    template = load_template(write_template(tmp_path, {"Deps": "deps:app.handler", "Sdk": "sdk:app.handler"}))
    with pytest.raises(HandlerImportError) as caught:
        template.functions["Deps"].load_handler()
    message = str(caught.value)
    assert "needs the module 'requests_not_here_at_all'" in message
    assert "provides only the standard library and boto3/botocore" in message
    assert "code folder (CodeUri" in message
    assert "one of its layers" in message
    with pytest.raises(HandlerImportError, match="Lambda's Python runtime provides it"):
        template.functions["Sdk"].load_handler()


@pytest.mark.usefixtures("isolated_sys_path")
def test_invoke_imports_the_handler_from_the_code_folder_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from apigw_emulator.cli import main  # noqa: PLC0415

    (tmp_path / "cors2").mkdir()
    (tmp_path / "cors2" / "app.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'from the code folder'}\n"
    )
    (tmp_path / "cors2.py").write_text(
        "raise SystemExit('an unrelated module of the working directory ran')\n"
    )
    path = write_template(tmp_path, {"Fn": "cors2:app.handler"})
    path.write_text(path.read_text() + "      Events:\n        Any:\n          Type: HttpApi\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert main(["invoke", "/", "--template", str(path)]) == 0
    finally:
        monkeypatch.delitem(sys.modules, "app", raising=False)
    assert capsys.readouterr().out.endswith("from the code folder\n")


@pytest.mark.usefixtures("isolated_sys_path")
@pytest.mark.parametrize("isolation", ["in-process", "process"])
def test_a_hyphenated_handler_module_runs_in_both_kinds_of_environment(
    tmp_path: Path, isolation: str
) -> None:
    from apigw_emulator import Gateway  # noqa: PLC0415

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "my-lambda-handler.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': __name__}\n"
    )
    path = write_template(tmp_path, {"Fn": "src:my-lambda-handler.handler"})
    path.write_text(path.read_text() + "      Events:\n        Any:\n          Type: HttpApi\n")
    try:
        with Gateway.from_template(path, isolation=isolation) as gw:
            assert gw.request("GET", "/").text == "my-lambda-handler"
    finally:
        sys.modules.pop("my-lambda-handler", None)
