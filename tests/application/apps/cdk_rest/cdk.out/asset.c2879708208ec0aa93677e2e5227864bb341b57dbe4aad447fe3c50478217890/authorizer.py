"""A TOKEN authorizer: "Bearer allow-<user>" is allowed on the whole API, "Bearer deny-<user>" denied,
anything else unauthorized."""


def _policy(principal, effect, method_arn):
    api_arn = method_arn.split("/")[0]  # arn:aws:execute-api:region:account:api-id
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": f"{api_arn}/*"}],
        },
        "context": {"user": principal, "scope": "items"},
    }


def handler(event, context):
    token = event["authorizationToken"].removeprefix("Bearer ")
    if token.startswith("allow-"):
        return _policy(token[len("allow-") :], "Allow", event["methodArn"])
    if token.startswith("deny-"):
        return _policy(token[len("deny-") :], "Deny", event["methodArn"])
    raise Exception("Unauthorized")
