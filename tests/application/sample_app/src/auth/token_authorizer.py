"""The REST TOKEN authorizer: ``Bearer allow-<user>`` is allowed (GET only for ``Bearer reader-<user>``),
``Bearer deny`` denied, ``Bearer expired`` unauthorized; anything else makes it fail."""

from __future__ import annotations

from typing import Any


def _policy(principal: str, effect: str, resource: str, **context: Any) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": context,
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    token = event["authorizationToken"].removeprefix("Bearer ")
    api = event["methodArn"].split("/", 2)  # arn:...:api-id, stage, VERB/path
    if token.startswith("allow-"):
        return _policy(token[6:], "Allow", f"{api[0]}/{api[1]}/*", user=token[6:], admin=True)
    if token.startswith("reader-"):
        return _policy(token[7:], "Allow", f"{api[0]}/{api[1]}/GET/*", user=token[7:])
    if token == "deny":
        return _policy("nobody", "Deny", f"{api[0]}/*")
    if token == "expired":
        raise Exception("Unauthorized")
    raise ValueError(f"cannot read token {token!r}")
