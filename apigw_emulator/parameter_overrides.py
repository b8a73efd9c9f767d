"""Template parameter values written as SAM CLI's ``--parameter-overrides`` takes them.

Two spellings, mixed freely, pairs separated by white space::

    Stage=dev Name="my api"
    ParameterKey=Stage,ParameterValue=dev ParameterKey=Name,ParameterValue='my api'

A value holding white space is quoted (double or single quotes, as a POSIX shell quotes; a backslash
escapes the next character outside single quotes). A key is a parameter's logical name (letters and
digits) or a pseudo parameter (``AWS::Region``). The last value given for a key wins.

The result is the ``parameters=`` mapping of :func:`~apigw_emulator.template.load_template`,
``Gateway.from_template`` and ``Application.from_template``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from .errors import ConfigurationError

__all__ = ["ParameterOverrideError", "parse_parameter_overrides", "parse_parameter_pair"]

#: A parameter's logical name (CloudFormation: alphanumeric) or a pseudo parameter (``AWS::Region``).
_KEY = re.compile(r"[A-Za-z0-9]+(?:::[A-Za-z0-9]+)*")
#: CloudFormation's long form of one pair.
_LONG_FORM = re.compile(r"ParameterKey=(?P<key>[^,]*),ParameterValue=(?P<value>.*)", re.DOTALL)


class ParameterOverrideError(ConfigurationError):
    """A parameter override that is not ``KEY=VALUE`` nor ``ParameterKey=KEY,ParameterValue=VALUE``."""


def parse_parameter_overrides(texts: str | Iterable[str]) -> dict[str, str]:
    """The parameter values of one or more ``--parameter-overrides`` strings (see the module docstring).

    :raises ParameterOverrideError: for an unclosed quote, a pair without ``=``, a malformed key.
    """
    values: dict[str, str] = {}
    for text in [texts] if isinstance(texts, str) else texts:
        try:
            tokens = shlex.split(text, posix=True)
        except ValueError as exc:
            raise ParameterOverrideError(
                f'parameter overrides {text!r}: {exc} (quote a value that holds spaces: Name="my api")'
            ) from None
        for token in tokens:
            key, value = _pair(token)
            values[key] = value
    return values


def parse_parameter_pair(text: str) -> tuple[str, str]:
    """One ``KEY=VALUE`` (or ``ParameterKey=KEY,ParameterValue=VALUE``) taken as it is (the value may hold
    spaces and ``=``; no quoting is undone).

    :raises ParameterOverrideError: for a text without ``=`` or a malformed key.
    """
    long_form = _LONG_FORM.fullmatch(text)
    if long_form is not None:
        return _checked_key(long_form["key"], text), long_form["value"]
    key, sep, value = text.partition("=")
    if not sep:
        raise ParameterOverrideError(f"parameter {text!r}: expected KEY=VALUE")
    return _checked_key(key, text), value


def _pair(token: str) -> tuple[str, str]:
    long_form = _LONG_FORM.fullmatch(token)
    if long_form is not None:
        return _checked_key(long_form["key"], token), long_form["value"]
    if token.startswith(("ParameterKey=", "ParameterValue=")):
        raise ParameterOverrideError(
            f"parameter override {token!r}: expected ParameterKey=KEY,ParameterValue=VALUE"
        )
    key, sep, value = token.partition("=")
    if not sep:
        raise ParameterOverrideError(
            f"parameter override {token!r}: expected KEY=VALUE or ParameterKey=KEY,ParameterValue=VALUE "
            '(quote a value that holds spaces: Name="my api")'
        )
    return _checked_key(key, token), value


def _checked_key(key: str, token: str) -> str:
    if not _KEY.fullmatch(key):
        raise ParameterOverrideError(
            f"parameter override {token!r}: {key!r} is not a parameter name (letters and digits, or a "
            "pseudo parameter such as AWS::Region)"
        )
    return key
