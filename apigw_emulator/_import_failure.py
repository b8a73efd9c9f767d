"""One-line explanations of a handler module that fails while it is imported.

A syntax error names the file, line and what Python objects to; a missing dependency names the module to
install; any other exception raised at import time names itself and the line that raised it. The result is
a :class:`~apigw_emulator.errors.HandlerImportError` whose cause is the original exception, so a Python
caller still sees the full traceback while the command line prints one line.
"""

from __future__ import annotations

import traceback

from .errors import HandlerImportError

__all__ = ["import_failure", "missing_module"]

#: The top-level packages Lambda's Python runtimes provide beside the standard library (the AWS SDK).
RUNTIME_PACKAGES = ("boto3", "botocore")


def missing_module(module: str, missing: str) -> str:
    """Why importing ``module`` failed for want of ``missing``, with what Lambda's Python runtime provides
    (the standard library, boto3 and botocore) and where anything else must come from."""
    head = f"importing {module} needs the module {missing!r}, which is not installed here"
    if missing.split(".", maxsplit=1)[0] in RUNTIME_PACKAGES:
        return (
            f"{head}: Lambda's Python runtime provides it (with the standard library); install it into "
            "this environment to run the function locally (pip install boto3)"
        )
    return (
        f"{head}: Lambda's Python runtime provides only the standard library and boto3/botocore, so "
        "anything else must be in the function's code folder (CodeUri; sam build installs its "
        "requirements.txt there) or in one of its layers; to run locally, install it into this "
        "environment or give the layer that holds it"
    )


def import_failure(exc: Exception, subject: str, module: str) -> HandlerImportError:
    """The error to raise (``from exc``) when importing ``module`` raised ``exc``; ``subject`` starts the
    message (``"handler app.lambda_handler"``)."""
    if isinstance(exc, SyntaxError):
        where = f"{exc.filename}, line {exc.lineno}" if exc.filename else f"line {exc.lineno}"
        return HandlerImportError(
            f"{subject}: {type(exc).__name__} in {where}: {exc.msg}: fix it and try again"
        )
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return HandlerImportError(f"{subject}: {missing_module(module, exc.name)}")
    frames = traceback.extract_tb(exc.__traceback__)
    # The line of top-level code that raised: the deepest frame of a module being imported (the last
    # frame may be inside the standard library, os.environ's __getitem__ for example).
    user_frames = [frame for frame in frames if frame.name == "<module>"] or [
        frame for frame in frames if not frame.filename.startswith("<frozen ")
    ]
    location = f" ({user_frames[-1].filename}, line {user_frames[-1].lineno})" if user_frames else ""
    return HandlerImportError(
        f"{subject}: importing {module} raised {type(exc).__name__}: {exc}{location}: the module's "
        "top-level code must run without error"
    )
