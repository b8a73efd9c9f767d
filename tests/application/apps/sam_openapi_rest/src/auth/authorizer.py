"""TOKEN authorizer of the pets API.

"Bearer allow-<user>" is allowed on the whole API (the policy is cached for every method), "Bearer
deny-<user>" is denied explicitly, any other token is unauthorized.
"""


def _policy(principal, effect, method_arn):
    arn, _, path = method_arn.partition("/")
    stage = path.split("/")[0]
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": f"{arn}/{stage}/*"}],
        },
        "context": {"user": principal, "tier": "gold", "pets": 2, "admin": False},
    }


def handler(event, context):
    token = event["authorizationToken"].removeprefix("Bearer ")
    if token.startswith("allow-"):
        return _policy(token.removeprefix("allow-"), "Allow", event["methodArn"])
    if token.startswith("deny-"):
        return _policy(token.removeprefix("deny-"), "Deny", event["methodArn"])
    raise Exception("Unauthorized")
