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


def test_a_code_dir_inside_the_project_is_imported_under_its_project_name() -> None:
    handler = load_template(DATA / "implicit_api.yaml").functions["ListFunction"].load_handler()
    # The very function a test imports: patching the module patches what the gateway calls.
    assert handler is echo_app.lambda_handler


def test_the_handler_imports_its_sibling_modules_as_in_var_task() -> None:
    handler = load_template(DATA / "rest_swagger.yaml").functions["ImageFunction"].load_handler()
    assert handler.__module__ == "tests.template.data.image_app.app"
    assert "image_utils" in sys.modules


def test_two_functions_of_one_module_get_their_own_handlers() -> None:
    functions = load_template(DATA / "http_api.yaml").functions
    assert functions["OrdersV1Function"].load_handler() is echo_app.v1_handler
    assert functions["DefaultFunction"].load_handler() is echo_app.lambda_handler


@pytest.mark.usefixtures("isolated_sys_path")
def test_code_outside_sys_path_is_imported_under_a_private_name(tmp_path: Path) -> None:
    write_module(tmp_path / "first" / "app.py", "first")
    write_module(tmp_path / "second" / "app.py", "second")
    template = load_template(
        write_template(tmp_path, {"First": "first/:app.handler", "Second": "second:app.handler"})
    )
    first = template.functions["First"].load_handler()
    second = template.functions["Second"].load_handler()
    # Two app.py never collide: each directory is its own private package.
    assert (first(None, None), second(None, None)) == ("first", "second")
    assert first.__module__.startswith("_apigw_code_")
    assert first.__module__ != second.__module__
    assert template.functions["First"].load_handler() is first


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
    assert template.functions["Dot"].load_handler() is slash


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
    assert function.load_handler() is echo_app.lambda_handler


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
