"""Lambda authorizer of the notes HTTP API (payload 2.0, simple responses).

A request is authorized when its token is "Bearer token-<tenant>" and its X-Tenant-Id header names the
same tenant.
"""


def handler(event, context):
    headers = event.get("headers") or {}
    token = headers.get("authorization", "")
    tenant = headers.get("x-tenant-id", "")
    authorized = bool(tenant) and token == f"Bearer token-{tenant}"
    return {"isAuthorized": authorized, "context": {"tenant": tenant, "routeArn": event["routeArn"]}}
