"""Exceptions and warnings raised by apigw-emulator.

Every exception derives from :class:`ApigwEmulatorError` and every warning from
:class:`ApigwEmulatorWarning`, so a test suite can catch or filter all of them at once.
"""

from __future__ import annotations

__all__ = [
    "ApigwEmulatorError",
    "ApigwEmulatorWarning",
    "BinaryBodyCorruptedWarning",
    "BinaryResponseWarning",
    "ConfigurationError",
    "EventFormatError",
    "GatewayErrorWarning",
    "HandlerImportError",
    "InvalidRequestError",
    "LambdaFunctionError",
    "MissingEnvironmentWarning",
    "MissingLayerWarning",
    "RouteNotFoundError",
]


class ApigwEmulatorError(Exception):
    """Base class of every exception raised by apigw-emulator."""


class ConfigurationError(ApigwEmulatorError, ValueError):
    """The gateway configuration is invalid (unknown API kind, bad stage name, bad media type...)."""


class HandlerImportError(ConfigurationError):
    """The handler's module failed while being imported: a syntax error, a missing dependency, an exception
    raised at import time (the Lambda runtime's ``Runtime.UserCodeSyntaxError`` and
    ``Runtime.ImportModuleError``).

    The message says which file and line, and what to do; the original exception is the ``__cause__``.
    """


class InvalidRequestError(ApigwEmulatorError, ValueError):
    """No client could send this request (bad method, a header holding CR/LF, a path without ``/``...)."""


class RouteNotFoundError(ApigwEmulatorError, LookupError):
    """No route of the API matches the request.

    On AWS the client would get REST's ``403 {"message":"Missing Authentication Token"}`` or the HTTP API's
    ``404 {"message":"Not Found"}``; the event builders raise this instead because there is no event.
    """

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(message)
        #: The request method that did not match.
        self.method = method
        #: The raw request path that did not match.
        self.path = path


class LambdaFunctionError(ApigwEmulatorError):
    """The function failed in its own execution environment and its runtime reported the error.

    Raised (or recorded in ``Invocation.error``) where no Python exception object exists: a function in a
    worker process, an error its runtime reports. ``str()`` gives ``errorType: errorMessage`` and the
    runtime's stack trace.
    """

    def __init__(self, document: dict[str, object]) -> None:
        #: The runtime's error document: ``errorMessage``, ``errorType``, ``stackTrace``, ``requestId``.
        self.document = document
        #: ``errorType``: the exception's class name, or the runtime's ``Runtime.*`` fault.
        self.error_type = str(document.get("errorType") or "")
        #: ``errorMessage``.
        self.error_message = str(document.get("errorMessage") or "")
        trace = document.get("stackTrace")
        #: ``stackTrace``: the formatted frames, as the runtime sent them.
        self.stack_trace = [str(line) for line in trace] if isinstance(trace, list) else []
        text = f"{self.error_type}: {self.error_message}"
        if self.stack_trace:
            text += "\nTraceback (most recent call last):\n" + "".join(self.stack_trace).rstrip()
        super().__init__(text)


class EventFormatError(ApigwEmulatorError, ValueError):
    """A dict given as an event is not an event of any front door this library knows."""


class ApigwEmulatorWarning(UserWarning):
    """Base class of every warning emitted by apigw-emulator."""


class BinaryBodyCorruptedWarning(ApigwEmulatorWarning):
    """AWS would alter the body bytes of this request before the Lambda sees them.

    Emitted when a body that is not valid UTF-8 is delivered as text, which is what a REST API does with a
    Content-Type that is not in its ``binaryMediaTypes``: every invalid byte becomes U+FFFD.
    """


class BinaryResponseWarning(ApigwEmulatorWarning):
    """A REST API sends the base64 text of a binary response to the client instead of the bytes.

    A REST API decodes ``isBase64Encoded`` responses only when the *first* media type of the request's
    ``Accept`` header matches a ``binaryMediaTypes`` entry (spec 5.2).
    """


class GatewayErrorWarning(ApigwEmulatorWarning):
    """The front door answered with an error of its own (502, 413, 504...) and the reason AWS hides.

    AWS's error bodies say little (``{"message": "Internal server error"}``); the warning says why.
    """


class MissingEnvironmentWarning(ApigwEmulatorWarning):
    """A function of the template declares environment variables whose values cannot be known locally
    (``!Ref`` of a table, ``!GetAtt`` of a queue...) and none were given: it runs without them.

    Give them in SAM CLI's ``--env-vars`` format (``Gateway.from_template(..., env_vars=...)``) or with
    ``environment=``.
    """


class MissingLayerWarning(ApigwEmulatorWarning):
    """A function of the template uses a layer that is not on this machine (a layer by ARN, or content in
    S3): it runs without it. Map it to a local folder with ``layer_folders={ARN: folder}``."""


class NotEmulatedWarning(ApigwEmulatorWarning):
    """The template configures what the emulator does not enforce (IAM authorization, mutual TLS, a
    resource policy...): requests pass where AWS might refuse them. Emitted once for each gateway or
    application built from the template, listing every such setting; ``serve`` prints them at startup."""
