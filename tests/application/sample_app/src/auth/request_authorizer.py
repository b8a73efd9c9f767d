"""The REQUEST authorizer of both APIs: the user in ``X-User`` is let in when it is ``ann`` (REST: an IAM
policy with the team as context; HTTP API: a simple response)."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    user = headers.get("x-user")
    if event.get("version") == "2.0":
        return {"isAuthorized": user == "ann", "context": {"user": user, "via": "simple"}}
    team = (event.get("queryStringParameters") or {}).get("team")
    effect = "Allow" if user == "ann" else "Deny"
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
    return {
        "principalId": user or "anonymous",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": {"user": user, "team": team},
    }
