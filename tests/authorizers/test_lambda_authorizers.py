"""Lambda authorizers as API Gateway runs them (spec 9: D25 input, D26 output, D7 outcomes, D27 HTTP APIs).

The authorizers are real handlers run in execution environments of their own; each test sends real
requests through the gateway and checks what the client and the function see.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from apigw_emulator import Gateway
from apigw_emulator.authorizers import AuthorizerRules, LambdaAuthorizer, RouteAuthorization
from apigw_emulator.authorizers.check import Authorization
from apigw_emulator.errors import ConfigurationError, GatewayErrorWarning
from apigw_emulator.invoke import function_caller, invoke

Event = dict[str, Any]


def _echo(event: Event, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}


def _allow(resource: str = "*", *, effect: str = "Allow", **extra: Any) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {
        "principalId": "user-1",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        **extra,
    }


class Recorder:
    """An authorizer handler that records its events and answers what the test says."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.events: list[Event] = []

    def __call__(self, event: Event, context: Any) -> Any:
        self.events.append(event)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer(event) if callable(self.answer) else self.answer


def _gateway(api: str, authorizer: LambdaAuthorizer, routes: list[str], **options: Any) -> Gateway:
    guarded = {
        Gateway(api=api, routes=[r]).config.routes[0].key: RouteAuthorization(authorizer.name) for r in routes
    }
    return Gateway(
        _echo,
        api,
        routes=routes,
        authorizers=AuthorizerRules({authorizer.name: authorizer}, guarded),
        raise_handler_exceptions=False,
        **options,
    )


def _quiet_request(gateway: Gateway, method: str, path: str, **kwargs: Any) -> Any:
    with pytest.warns(GatewayErrorWarning):
        return gateway.request(method, path, **kwargs)


# -- REST TOKEN --------------------------------------------------------------------------------------
def test_rest_token_authorizer_event_is_type_token_and_method_arn_d25() -> None:
    recorder = Recorder(_allow())
    gateway = _gateway("rest", LambdaAuthorizer("Token", recorder), ["GET /items/{id}"])
    response = gateway.request("GET", "/items/42?x=1", headers={"Authorization": "allow-me"})
    assert response.status_code == 200
    api_id = gateway.config.api_id
    assert recorder.events == [
        {
            "type": "TOKEN",
            "authorizationToken": "allow-me",
            "methodArn": f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/Prod/GET/items/42",
        }
    ]


def test_rest_token_missing_or_empty_is_401_unauthorized_without_calling_the_authorizer_d7() -> None:
    recorder = Recorder(_allow())
    gateway = _gateway("rest", LambdaAuthorizer("Token", recorder), ["GET /items"])
    for headers in ({}, {"Authorization": ""}):
        response = _quiet_request(gateway, "GET", "/items", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}
        assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert recorder.events == []


def test_rest_token_not_matching_the_validation_expression_is_401_without_a_call_d7() -> None:
    recorder = Recorder(_allow())
    authorizer = LambdaAuthorizer("Token", recorder, validation_expression=r"Bearer [a-z]+")
    gateway = _gateway("rest", authorizer, ["GET /items"])
    assert (
        _quiet_request(gateway, "GET", "/items", headers={"Authorization": "Bearer ABC"}).status_code == 401
    )
    assert recorder.events == []
    assert gateway.request("GET", "/items", headers={"Authorization": "Bearer abc"}).status_code == 200


def test_rest_authorizer_raising_unauthorized_is_401_d7() -> None:
    gateway = _gateway("rest", LambdaAuthorizer("Token", Recorder(Exception("Unauthorized"))), ["GET /items"])
    response = _quiet_request(gateway, "GET", "/items", headers={"Authorization": "t"})
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})


def test_rest_explicit_deny_is_403_with_the_explicit_deny_message_d7() -> None:
    answer = {
        "principalId": "u",
        "policyDocument": {
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"},
                {
                    "Action": "execute-api:*",
                    "Effect": "Deny",
                    "Resource": "arn:aws:execute-api:*:*:*/*/DELETE/*",
                },
            ]
        },
    }
    gateway = _gateway("rest", LambdaAuthorizer("Token", Recorder(answer)), ["ANY /items/{id}"])
    assert gateway.request("GET", "/items/1", headers={"Authorization": "t"}).status_code == 200
    response = _quiet_request(gateway, "DELETE", "/items/1", headers={"Authorization": "t"})
    assert response.status_code == 403
    assert (
        response.content
        == b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
    )
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_rest_policy_without_a_matching_allow_is_403_not_authorized_d7() -> None:
    api_arn = "arn:aws:execute-api:us-east-1:123456789012:*/Prod/GET/items/?"
    gateway = _gateway("rest", LambdaAuthorizer("Token", Recorder(_allow(api_arn))), ["GET /items/{id}"])
    assert gateway.request("GET", "/items/1", headers={"Authorization": "t"}).status_code == 200
    response = _quiet_request(gateway, "GET", "/items/12", headers={"Authorization": "t2"})
    assert response.status_code == 403
    assert response.content == b'{"Message":"User is not authorized to access this resource"}'


@pytest.mark.parametrize(
    "answer",
    [
        RuntimeError("boom"),
        "not a policy",
        {"policyDocument": {"Statement": []}},  # no principalId
        {
            "principalId": "u",
            "policyDocument": {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
        },
        {"principalId": "u", "policyDocument": {"Statement": "*"}},
        _allow(context={"nested": {"a": 1}}),
    ],
    ids=["raised", "string", "no-principal", "bad-effect", "bad-statement", "nested-context"],
)
def test_rest_authorizer_failure_or_malformed_result_is_500_message_null_d7(answer: Any) -> None:
    gateway = _gateway("rest", LambdaAuthorizer("Token", Recorder(answer)), ["GET /items"])
    response = _quiet_request(gateway, "GET", "/items", headers={"Authorization": "t"})
    assert (response.status_code, response.content) == (500, b'{"message":null}')
    assert response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


def test_rest_allow_puts_principal_latency_and_stringified_context_in_request_context_d26() -> None:
    answer = _allow(context={"user": "ann", "admin": True, "level": 3, "ratio": 0.5})
    gateway = _gateway("rest", LambdaAuthorizer("Token", Recorder(answer)), ["GET /items"])
    seen = gateway.request("GET", "/items", headers={"Authorization": "t"}).json()
    latency = seen.pop("integrationLatency")
    assert isinstance(latency, int)
    assert latency >= 0
    assert seen == {"principalId": "user-1", "user": "ann", "admin": "true", "level": "3", "ratio": "0.5"}


def test_rest_results_are_cached_per_token_and_the_policy_applies_to_each_method_d7() -> None:
    only_get = "arn:aws:execute-api:*:*:*/Prod/GET/items"
    recorder = Recorder(_allow(only_get))
    gateway = _gateway("rest", LambdaAuthorizer("Token", recorder), ["ANY /items"])
    assert gateway.request("GET", "/items", headers={"Authorization": "a"}).status_code == 200
    assert gateway.request("GET", "/items", headers={"Authorization": "a"}).status_code == 200
    assert len(recorder.events) == 1
    # The cached policy is evaluated for the new method: it does not allow POST.
    assert _quiet_request(gateway, "POST", "/items", headers={"Authorization": "a"}).status_code == 403
    assert len(recorder.events) == 1
    assert gateway.request("GET", "/items", headers={"Authorization": "b"}).status_code == 200
    assert len(recorder.events) == 2


def test_rest_ttl_zero_calls_the_authorizer_for_every_request_and_a_ttl_expires_d7() -> None:
    recorder = Recorder(_allow())
    gateway = _gateway("rest", LambdaAuthorizer("Token", recorder, ttl=0), ["GET /items"])
    for _ in range(3):
        gateway.request("GET", "/items", headers={"Authorization": "a"})
    assert len(recorder.events) == 3

    now = [100.0]
    cached = _gateway("rest", LambdaAuthorizer("Token", recorder, ttl=300), ["GET /items"])
    assert cached.authorization is not None
    authorization = Authorization(
        cached.authorization.rules,
        function_caller(cached._authorizer_target, cached.config),
        clock=lambda: now[0],
    )
    request = cached.build_request("GET", "/items", headers={"Authorization": "a"})

    def send() -> int:
        return invoke(
            cached.environments, request, cached.config, cached.function, authorization=authorization
        ).response.status

    recorder.events.clear()
    assert [send(), send()] == [200, 200]
    now[0] += 299
    send()
    assert len(recorder.events) == 1
    now[0] += 2
    send()
    assert len(recorder.events) == 2


# -- REST REQUEST ------------------------------------------------------------------------------------
def test_rest_request_authorizer_event_has_the_request_without_its_body_d25() -> None:
    recorder = Recorder(_allow())
    authorizer = LambdaAuthorizer(
        "Req",
        recorder,
        type="REQUEST",
        identity_sources=("method.request.header.X-User", "method.request.querystring.team"),
    )
    gateway = _gateway("rest", authorizer, ["POST /items/{id}"], stage_variables={"env": "test"})
    response = gateway.request(
        "POST", "/items/7?team=a&team=b", headers={"X-User": "ann"}, data=b"secret body"
    )
    assert response.status_code == 200
    (event,) = recorder.events
    assert event["type"] == "REQUEST"
    assert event["methodArn"].endswith("/Prod/POST/items/7")
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/7"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["X-User"] == "ann"
    assert event["multiValueQueryStringParameters"] == {"team": ["a", "b"]}
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"env": "test"}
    assert event["requestContext"]["httpMethod"] == "POST"
    assert "body" not in event
    assert "secret" not in json.dumps(event)


def test_rest_request_authorizer_missing_identity_source_is_401_without_a_call_d7() -> None:
    recorder = Recorder(_allow())
    authorizer = LambdaAuthorizer(
        "Req",
        recorder,
        type="REQUEST",
        identity_sources=("method.request.header.X-User", "method.request.querystring.team"),
    )
    gateway = _gateway("rest", authorizer, ["GET /items"])
    assert _quiet_request(gateway, "GET", "/items", headers={"X-User": "ann"}).status_code == 401
    assert recorder.events == []


def test_rest_request_cache_key_is_every_identity_source_d7() -> None:
    recorder = Recorder(_allow())
    authorizer = LambdaAuthorizer(
        "Req", recorder, type="REQUEST", identity_sources=("method.request.header.X-User",)
    )
    gateway = _gateway("rest", authorizer, ["GET /items"])
    for user in ("ann", "ann", "bob", "ann"):
        gateway.request("GET", "/items", headers={"X-User": user})
    assert [e["headers"]["X-User"] for e in recorder.events] == ["ann", "bob"]


def test_rest_usage_identifier_key_opens_api_key_routes_when_the_key_source_is_authorizer_d26() -> None:
    recorder = Recorder(lambda event: _allow(usageIdentifierKey="key-from-authorizer"))
    gateway = _gateway(
        "rest",
        LambdaAuthorizer("Token", recorder),
        ["GET /items"],
        api_key_routes=["GET /items"],
        api_keys=["key-from-authorizer"],
        api_key_source="AUTHORIZER",
    )
    invocation = gateway.invoke(gateway.build_request("GET", "/items", headers={"Authorization": "t"}))
    assert invocation.response.status == 200
    assert invocation.event is not None
    assert invocation.event["requestContext"]["identity"]["apiKey"] == "key-from-authorizer"


def test_rest_api_key_from_the_header_is_in_the_event_identity() -> None:
    gateway = Gateway(_echo, "rest", routes=["GET /items"], api_key_routes=["GET /items"], api_keys=["k1"])
    invocation = gateway.invoke(gateway.build_request("GET", "/items", headers={"x-api-key": "k1"}))
    assert invocation.event is not None
    identity = invocation.event["requestContext"]["identity"]
    assert identity["apiKey"] == "k1"
    assert isinstance(identity["apiKeyId"], str)
    assert identity["apiKeyId"]


# -- HTTP APIs ---------------------------------------------------------------------------------------
def _http_authorizer(recorder: Recorder, **options: Any) -> LambdaAuthorizer:
    return LambdaAuthorizer(
        "HttpAuth", recorder, type="REQUEST", identity_sources=("$request.header.Authorization",), **options
    )


def test_http_v2_authorizer_event_and_simple_response_context_reach_the_function_d27() -> None:
    recorder = Recorder({"isAuthorized": True, "context": {"user": "ann", "level": 3, "tags": ["a"]}})
    gateway = _gateway("http", _http_authorizer(recorder, simple_responses=True), ["GET /items/{id}"])
    response = gateway.request("GET", "/items/9?q=1", headers={"Authorization": "tok", "Cookie": "c=1"})
    assert response.status_code == 200
    assert response.json() == {"lambda": {"user": "ann", "level": 3, "tags": ["a"]}}
    (event,) = recorder.events
    assert event["version"] == "2.0"
    assert event["type"] == "REQUEST"
    assert event["routeArn"].endswith("/$default/GET/items/9")
    assert event["identitySource"] == ["tok"]
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/9"
    assert event["rawQueryString"] == "q=1"
    assert event["cookies"] == ["c=1"]
    assert event["pathParameters"] == {"id": "9"}
    assert "body" not in event


def test_http_simple_response_false_is_403_forbidden_d27() -> None:
    gateway = _gateway(
        "http", _http_authorizer(Recorder({"isAuthorized": False}), simple_responses=True), ["GET /x"]
    )
    response = _quiet_request(gateway, "GET", "/x", headers={"Authorization": "tok"})
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


def test_http_missing_identity_source_is_401_d27() -> None:
    recorder = Recorder({"isAuthorized": True})
    gateway = _gateway("http", _http_authorizer(recorder, simple_responses=True), ["GET /x"])
    response = _quiet_request(gateway, "GET", "/x")
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
    assert recorder.events == []


def test_http_iam_policy_response_is_evaluated_against_the_route_arn_d27() -> None:
    recorder = Recorder(_allow("arn:aws:execute-api:*:*:*/$default/GET/open", context={"k": "v"}))
    gateway = _gateway("http", _http_authorizer(recorder, ttl=0), ["GET /open", "GET /closed"])
    assert gateway.request("GET", "/open", headers={"Authorization": "t"}).json() == {"lambda": {"k": "v"}}
    response = _quiet_request(gateway, "GET", "/closed", headers={"Authorization": "t"})
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


def test_http_authorizer_payload_1_0_event_is_rest_like_with_version_and_identity_source_d27() -> None:
    recorder = Recorder(_allow())
    authorizer = LambdaAuthorizer(
        "V1",
        recorder,
        type="REQUEST",
        identity_sources=("$request.header.X-User", "$request.querystring.team"),
        payload_format_version="1.0",
    )
    gateway = _gateway("http", authorizer, ["GET /items"])
    assert gateway.request("GET", "/items?team=t1", headers={"X-User": "ann"}).status_code == 200
    (event,) = recorder.events
    assert event["version"] == "1.0"
    assert event["type"] == "REQUEST"
    assert event["identitySource"] == "ann,t1"
    assert event["methodArn"].endswith("/$default/GET/items")
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"team": "t1"}


def test_http_authorizer_failure_is_500_internal_server_error_d27() -> None:
    gateway = _gateway(
        "http", _http_authorizer(Recorder(RuntimeError("x")), simple_responses=True), ["GET /x"]
    )
    response = _quiet_request(gateway, "GET", "/x", headers={"Authorization": "t"})
    assert (response.status_code, response.json()) == (500, {"message": "Internal Server Error"})


def test_routes_without_an_authorizer_stay_open() -> None:
    recorder = Recorder(_allow())
    gateway = _gateway("rest", LambdaAuthorizer("Token", recorder), ["GET /guarded"])
    open_gateway = Gateway(
        _echo,
        "rest",
        routes=["GET /guarded", "GET /open"],
        authorizers=gateway.authorization.rules if gateway.authorization else None,
    )
    assert open_gateway.request("GET", "/open").status_code == 200
    assert recorder.events == []


def test_authorizer_options_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="TOKEN authorizer has exactly one identity source"):
        LambdaAuthorizer("T", _echo, identity_sources=())
    with pytest.raises(ConfigurationError, match="not one of"):
        AuthorizerRules({}, {"GET /x": RouteAuthorization("Missing")})
    with pytest.raises(ConfigurationError, match="identity source"):
        Gateway(
            _echo,
            authorizers=AuthorizerRules(
                {"T": LambdaAuthorizer("T", _echo, identity_sources=("method.request.path.id",))}, {}
            ),
        )
    with pytest.raises(ConfigurationError, match="no authorizers"):
        Gateway(_echo, "function-url", authorizers=AuthorizerRules({}, {}))
