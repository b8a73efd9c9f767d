"""The README's examples run as they are: the plain ones in order, the test modules under pytest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from apigw_emulator import BinaryResponseWarning, Gateway

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
SCRIPTS = [block for block in BLOCKS if "def test_" not in block]
TEST_MODULES = [block for block in BLOCKS if "def test_" in block]
APP = "from function.app import lambda_handler  # the README's `app`: the example function\n"


@pytest.fixture
def readme_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder like a user's project: cat.jpg, template.yaml and function/ (links to the real ones)."""
    shutil.copy(ROOT / "fixtures" / "images" / "photo-400x600.jpg", tmp_path / "cat.jpg")
    (tmp_path / "template.yaml").symlink_to(ROOT / "template.yaml")
    (tmp_path / "function").symlink_to(ROOT / "function")
    (tmp_path / "app.py").write_text(APP)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_readme_has_examples() -> None:
    assert len(SCRIPTS) >= 5
    assert len(TEST_MODULES) >= 2


def test_readme_examples_run_in_order(readme_dir: Path) -> None:
    from function.app import lambda_handler  # noqa: PLC0415 - imported from the README's folder

    namespace: dict[str, Any] = {
        "handler": lambda_handler,
        "lambda_handler": lambda_handler,
        "captured": Gateway(None, api="http").event("POST", "/shape", body=b"\xff\xd8\xff"),
    }
    for block in SCRIPTS:
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["event"]["isBase64Encoded"] is True
    assert namespace["response"].json() == [[600, 400, 3]]
    assert namespace["rebuilt"]["rawPath"] == "/shape"


def test_readme_test_modules_pass_under_pytest(pytester: pytest.Pytester) -> None:
    shutil.copy(ROOT / "fixtures" / "images" / "photo-400x600.jpg", pytester.path / "cat.jpg")
    (pytester.path / "function").symlink_to(ROOT / "function")
    (pytester.path / "app.py").write_text(APP)
    for number, block in enumerate(TEST_MODULES):
        (pytester.path / f"test_readme_{number}.py").write_text(block)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-W",
        "error",
        "-W",
        f"ignore::{BinaryResponseWarning.__module__}.{BinaryResponseWarning.__name__}",
    )
    result.assert_outcomes(passed=sum(block.count("def test_") for block in TEST_MODULES))
