"""Execution environments: how a Lambda function's code is run, the way the Lambda Python runtime runs it.

- :mod:`.model`: the function's configuration, one invocation, its outcome, the environment lifecycle.
- :mod:`.variables`: the environment variables Lambda sets.
- :mod:`.pool`: the environments of one function (concurrency, throttling, resets, log lines).
- :mod:`.in_process`: environments in the calling process.
- :mod:`.process`: environments in worker processes that speak the Lambda Runtime API
  (:mod:`.runtime_api`), running the emulator's runtime (:mod:`._bootstrap`), AWS's ``awslambdaric`` or a
  custom runtime's ``bootstrap``.
"""
