"""A Lambda function as Lambda runs it: its configuration and its execution environments, apart from any
front door. A :class:`~apigw_emulator.Gateway` has one; an :class:`~apigw_emulator.application.Application`
has one per function of its template, shared by every API that routes to it."""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ._spelling import option
from .errors import ConfigurationError
from .flow.state import FunctionTarget
from .runtime.model import ISOLATIONS, FunctionConfig, HandlerSource, Isolation, LogSink
from .runtime.pool import DEFAULT_MAX_CONCURRENCY, EnvironmentPool
from .runtime.variables import check_function_variables

__all__ = ["FUNCTION_OPTIONS", "LambdaFunction"]

Handler = Callable[..., Any] | str | HandlerSource


class LambdaFunction:
    """A function: its handler, its configuration (:attr:`function`) and its execution environments
    (:attr:`environments`, made on first use, ended by :meth:`close`).

    Build one with :meth:`create` (the ``Gateway`` keywords of a function); see ``Gateway`` for the
    meaning of each.
    """

    def __init__(
        self,
        handler: Handler | None,
        function: FunctionConfig,
        *,
        isolation: Isolation = "in-process",
        runtime_client: str = "bootstrap",
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        function_log: LogSink | None = None,
        python: str | None = None,
        on_init: Callable[[ModuleType], object] | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
    ) -> None:
        if on_init is not None and not callable(on_init):
            raise ConfigurationError(f"on_init must be callable (module), got {type(on_init).__name__}")
        if on_init is not None and isolation == "process":
            from .runtime.factories import ON_INIT_IN_PROCESS  # noqa: PLC0415

            raise ConfigurationError(ON_INIT_IN_PROCESS)
        if handler is not None and not callable(handler) and not isinstance(handler, (str, HandlerSource)):
            raise ConfigurationError(
                "handler must be callable (event, context) or a handler name such as "
                f"'app.lambda_handler', got {type(handler).__name__}"
            )
        if isolation not in ISOLATIONS:
            raise ConfigurationError(f"isolation must be one of {', '.join(ISOLATIONS)}, got {isolation!r}")
        if max_concurrency is not None and (
            not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool) or max_concurrency < 0
        ):
            raise ConfigurationError("max_concurrency must be None or a whole number of at least 0")
        if not isinstance(runtime_client, str) or not runtime_client:
            raise ConfigurationError("runtime_client is 'bootstrap', 'awslambdaric' or a bootstrap's path")
        if isolation == "process" and handler is not None:
            from .runtime.factories import handler_location  # noqa: PLC0415

            handler_location(handler, function)  # a worker must be able to import it by name
        self.handler = handler
        #: The function's configuration.
        self.function = function
        #: Where the function runs: ``"in-process"`` or ``"process"``.
        self.isolation: Isolation = isolation
        self.runtime_client = runtime_client
        self.max_concurrency = max_concurrency
        self.function_log = function_log
        #: In-process: called with the handler's live module after each execution environment's init.
        self.on_init = on_init
        self.python = python or sys.executable
        self.region = region
        self.account_id = account_id
        self._pool: EnvironmentPool | None = None
        self._lock = threading.Lock()
        self._finalizer: weakref.finalize[Any, Any] | None = None

    @classmethod
    def create(
        cls,
        handler: Handler | None = None,
        *,
        function_name: str = "function",
        timeout: float = 3.0,
        memory_size: int = 128,
        environment: Mapping[str, str] | None = None,
        code_uri: str | os.PathLike[str] | None = None,
        layers: Sequence[str | os.PathLike[str]] = (),
        runtime: str | None = None,
        isolation: Isolation = "in-process",
        runtime_client: str = "bootstrap",
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        function_log: LogSink | None = None,
        python: str | None = None,
        on_init: Callable[[ModuleType], object] | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
    ) -> LambdaFunction:
        """The function these ``Gateway`` keywords describe.

        :raises ConfigurationError: for an invalid value.
        """
        if timeout <= 0:
            raise ConfigurationError("timeouts must be positive numbers of seconds")
        config = FunctionConfig(
            name=function_name,
            timeout=timeout,
            memory_size=memory_size,
            handler=handler if isinstance(handler, str) else getattr(handler, "name", None),
            code_uri=Path(code_uri).resolve() if code_uri is not None else None,
            environment=check_function_variables(environment or {}),
            layers=tuple(Path(layer).resolve() for layer in layers),
            **({"runtime": runtime} if runtime else {}),
        )
        if config.code_uri is not None and not config.code_uri.is_dir():
            raise ConfigurationError(f"code_uri {str(config.code_uri)!r} is not a directory")
        return cls(
            handler,
            config,
            isolation=isolation,
            runtime_client=runtime_client,
            max_concurrency=max_concurrency,
            function_log=function_log,
            python=python,
            on_init=on_init,
            region=region,
            account_id=account_id,
        )

    def __repr__(self) -> str:
        return f"LambdaFunction({self.function.name!r}, isolation={self.isolation!r})"

    @property
    def environments(self) -> EnvironmentPool:
        """The function's execution environments (made on first use; see ``isolation``)."""
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = self._make_pool()
                    self._finalizer = weakref.finalize(self, self._pool.close)
        return self._pool

    def _make_pool(self) -> EnvironmentPool:
        from .runtime.factories import environment_factory  # noqa: PLC0415

        if self.handler is None:
            raise ConfigurationError(
                f"this Gateway has no handler, so no function to run: give it one ({option('handler')})"
            )
        factory, log = environment_factory(
            self.handler,
            self.function,
            isolation=self.isolation,
            region=self.region,
            account_id=self.account_id,
            runtime_client=self.runtime_client,
            python=self.python,
            log=self.function_log,
            on_init=self.on_init,
        )
        return EnvironmentPool(factory, self.function, max_concurrency=self.max_concurrency, log=log)

    def target(
        self, integration_timeout: float | None = None, qualifier: str | None = None
    ) -> FunctionTarget:
        """Where an integration's requests go: these environments, with the integration's timeout and the
        qualifier it names."""
        return FunctionTarget(self.environments, self.function, integration_timeout, qualifier)

    def close(self) -> None:
        """End the execution environments (worker processes end); idempotent. The next invocation starts
        fresh ones."""
        with self._lock:
            pool, self._pool = self._pool, None
            finalizer, self._finalizer = self._finalizer, None
        if finalizer is not None:
            finalizer.detach()
        if pool is not None:
            pool.close()


#: The ``Gateway`` keywords that describe a function rather than its front door.
FUNCTION_OPTIONS = frozenset(
    {
        "function_name",
        "timeout",
        "memory_size",
        "environment",
        "code_uri",
        "layers",
        "runtime",
        "isolation",
        "runtime_client",
        "max_concurrency",
        "function_log",
        "python",
        "on_init",
    }
)
