"""The emulator's own Lambda runtime for Python: a worker process's main loop, and the handler loading and
error documents the in-process environments share with it.

It follows AWS's runtime interface client (``awslambdaric``), the code that calls handlers in Lambda's
Python images: the handler's module is imported on the main thread at init, the handler is called on the
main thread, failures are reported with the same ``errorType`` values (``Runtime.ImportModuleError``,
``Runtime.UserCodeSyntaxError``, ``Runtime.HandlerNotFound``, ``Runtime.MalformedHandlerName``,
``Runtime.MarshalError``) and the same document shape (``errorMessage``, ``errorType``, ``requestId``,
``stackTrace``).

This module imports nothing outside the standard library, so that a worker process starts fast: it runs
as a script (``python _bootstrap.py``) as well as being imported by the package.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from types import TracebackType
from typing import Any

__all__ = ["RuntimeFaultError", "error_document", "exception_document", "load_lambda_handler"]

MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"


class RuntimeFaultError(Exception):
    """A failure the runtime itself reports, with its ``Runtime.*`` error type."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def error_document(
    message: str, error_type: str, stack_trace: list[str] | None, request_id: str | None = None
) -> dict[str, Any]:
    """The error a runtime posts to ``/invocation/{id}/error`` or ``/init/error``."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def _user_frames(tb: TracebackType | None, skip_file: str) -> list[str]:
    """The traceback's frames from the first one that is not the runtime's own (``skip_file``)."""
    frames = traceback.extract_tb(tb)
    for index, frame in enumerate(frames):
        if not frame.filename.endswith(skip_file):
            frames = frames[index:]  # type: ignore[assignment]
            break
    return traceback.format_list(frames)


def exception_document(
    exc: BaseException, request_id: str | None = None, *, runtime_file: str = "_bootstrap.py"
) -> dict[str, Any]:
    """The error document of an exception, as the runtime reports a handler's (or an init's) failure."""
    if isinstance(exc, RuntimeFaultError):
        return error_document(exc.message, exc.error_type, exc.trace, request_id)
    return error_document(
        str(exc), type(exc).__name__, _user_frames(exc.__traceback__, runtime_file), request_id
    )


def load_lambda_handler(handler: str) -> Any:
    """Import the handler named by Lambda's ``Handler`` setting (``module.function``,
    ``pkg/module.function``).

    :raises RuntimeFaultError: with the runtime's error type and message; any other exception the
        module raises while it is imported propagates as it is (the runtime reports it under its type).
    """
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        raise RuntimeFaultError(MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {exc}") from None
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise RuntimeFaultError(
                BUILT_IN_MODULE_CONFLICT, f"Cannot use built-in module {module_name} as a handler module"
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        message = f"Unable to import module '{module_name}': {exc}"
        raise RuntimeFaultError(IMPORT_MODULE_ERROR, message) from exc
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        message = f"Syntax error in module '{module_name}': {exc}"
        raise RuntimeFaultError(USER_CODE_SYNTAX_ERROR, message, trace) from exc
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise RuntimeFaultError(
            HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        ) from None
