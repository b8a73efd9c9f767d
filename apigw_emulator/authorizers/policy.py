"""The IAM policy a Lambda authorizer returns, evaluated against the method ARN of a request (D26).

Only ``execute-api:Invoke`` statements matter here. A statement matches when one of its actions and one
of its resources match (``*`` any run of characters, ``?`` one character, as IAM matches them); an
explicit ``Deny`` that matches wins over any ``Allow``; without a matching ``Allow`` the request is denied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

__all__ = ["MalformedPolicyError", "evaluate_policy", "execute_api_arn"]

Decision = Literal["allow", "explicit-deny", "implicit-deny"]


class MalformedPolicyError(ValueError):
    """The authorizer's policy document is not one API Gateway can read (a 500 for the client)."""


def execute_api_arn(region: str, account_id: str, api_id: str, stage: str, method_path: str) -> str:
    """The ARN of a method or route: ``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{VERB}/{path}``;
    ``method_path`` is ``VERB/path`` with the path as requested (its leading slash dropped)."""
    method, _, path = method_path.partition("/")
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def evaluate_policy(document: Any, arn: str) -> Decision:
    """Whether ``document`` (``{"Version": ..., "Statement": [...]}``) lets the caller invoke ``arn``.

    :raises MalformedPolicyError: for a document without statements, or a statement without a valid
        ``Effect``, ``Action`` or ``Resource``.
    """
    if not isinstance(document, Mapping):
        raise MalformedPolicyError("policyDocument is not an object")
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyError("policyDocument has no Statement list")
    allowed = False
    for statement in statements:
        effect, actions, resources = _parts(statement)
        if not any(_matches(action, "execute-api:Invoke", ignore_case=True) for action in actions):
            continue
        if not any(_matches(resource, arn) for resource in resources):
            continue
        if effect == "Deny":
            return "explicit-deny"
        allowed = True
    return "allow" if allowed else "implicit-deny"


def _parts(statement: Any) -> tuple[str, list[str], list[str]]:
    if not isinstance(statement, Mapping):
        raise MalformedPolicyError("a Statement is not an object")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyError(f"a Statement's Effect is {effect!r}, not 'Allow' or 'Deny'")
    return effect, _strings(statement, "Action"), _strings(statement, "Resource")


def _strings(statement: Mapping[str, Any], key: str) -> list[str]:
    value = statement.get(key)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise MalformedPolicyError(f"a Statement's {key} is {value!r}, not a string or a list of strings")
    return values


def _matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    flags = re.IGNORECASE if ignore_case else 0
    return _compiled(pattern, flags).fullmatch(value) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    # IAM wildcards are * and ? only (brackets are literal, unlike fnmatch's).
    translated = "".join({"*": ".*", "?": "."}.get(char, re.escape(char)) for char in pattern)
    return re.compile(translated, flags | re.DOTALL)
