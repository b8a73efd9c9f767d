"""A simple-response HTTP API authorizer (payload 2.0): the token "Bearer open-sesame" is allowed."""


def handler(event, context):
    token = (event.get("headers") or {}).get("authorization", "")
    allowed = token == "Bearer open-sesame"
    return {"isAuthorized": allowed, "context": {"user": "alice" if allowed else "", "plan": "pro"}}
