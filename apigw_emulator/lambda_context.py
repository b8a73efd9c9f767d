"""The context object the AWS Lambda Python runtime passes to a handler."""

from __future__ import annotations

import functools
import time

from .ids import random_bits

__all__ = ["CognitoIdentity", "LambdaContext"]


class CognitoIdentity:
    """``context.identity``: set only for invocations through the Mobile SDK; both ids are None here.

    The ids are class attributes an instance may set for itself: one is made per invocation, and an
    object without an ``__init__`` of its own is made in C.
    """

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None

    def __repr__(self) -> str:
        return f"CognitoIdentity(cognito_identity_id={self.cognito_identity_id!r})"


@functools.lru_cache(maxsize=64)
def _names(region: str, account_id: str, function_name: str) -> tuple[str, str]:
    """The function's ARN and log group name, made once per function rather than per invocation."""
    return f"arn:aws:lambda:{region}:{account_id}:function:{function_name}", f"/aws/lambda/{function_name}"


class LambdaContext:
    """What the Python runtime's context object holds, with the same attribute types.

    As in the runtime, ``memory_limit_in_mb`` is a str (it comes from an environment variable),
    ``identity`` is an object whose ids are None, ``client_context`` is None for API Gateway invocations,
    and ``get_remaining_time_in_millis()`` counts down to the deadline set when the invocation started.
    """

    def __init__(
        self,
        *,
        aws_request_id: str,
        function_name: str = "function",
        function_version: str = "$LATEST",
        region: str = "us-east-1",
        account_id: str = "123456789012",
        memory_limit_in_mb: int = 128,
        timeout: float = 3.0,
        log_stream_name: str | None = None,
    ) -> None:
        now_ms = int(time.time() * 1000)
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn, self.log_group_name = _names(region, account_id, function_name)
        self.memory_limit_in_mb = str(memory_limit_in_mb)
        if log_stream_name is None:  # one is made up; an execution environment gives its own
            day = time.strftime("%Y/%m/%d", time.gmtime(now_ms / 1000))
            log_stream_name = f"{day}/[{function_version}]{random_bits(128):032x}"
        self.log_stream_name = log_stream_name
        self.identity = CognitoIdentity()
        self.client_context: object | None = None
        self.tenant_id: str | None = None
        self._deadline_ms = now_ms + int(timeout * 1000)

    def renewed(self, aws_request_id: str, timeout: float) -> LambdaContext:
        """A context like this one (the same function, names and log stream) for a new invocation:
        ``aws_request_id``, a fresh ``identity`` and a deadline ``timeout`` seconds from now.

        What the constructor makes per call, without its keyword arguments and attribute writes: the
        invoke step keeps one context per function as a template (see ``flow.state.lambda_context``).
        """
        context: LambdaContext = object.__new__(LambdaContext)
        attributes = self.__dict__.copy()  # the constructor's attributes, in its order
        attributes["aws_request_id"] = aws_request_id
        attributes["identity"] = CognitoIdentity()
        attributes["client_context"] = None
        attributes["tenant_id"] = None
        attributes["_deadline_ms"] = int(time.time() * 1000) + int(timeout * 1000)
        context.__dict__ = attributes
        return context

    def _postpone(self, seconds: float) -> None:
        """Move the deadline ``seconds`` later: the invocation waited that long for an execution
        environment, and its timeout starts when one takes it."""
        self._deadline_ms += int(seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out (0 once it has)."""
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def __repr__(self) -> str:
        return (
            f"LambdaContext(aws_request_id={self.aws_request_id!r}, function_name={self.function_name!r}, "
            f"remaining_ms={self.get_remaining_time_in_millis()})"
        )
