"""``$context`` and ``$stageVariables`` in mapping templates, from the same places as the REST proxy
event's ``requestContext`` (spec 10.3; AWS's mapping template reference, "Context variables for data
transformations")."""

from __future__ import annotations

import pytest

from apigw_emulator import Gateway, RequestStamp
from apigw_emulator.mapping import TemplateVariables, render, render_template

#: Every ``$context`` variable AWS's mapping template reference lists (``authorizer.*``, ``identity.*``,
#: ``requestOverride.*`` and ``responseOverride.*`` checked by their parents).
REFERENCE_VARIABLES = (
    "accountId",
    "apiId",
    "authorizer",
    "awsEndpointRequestId",
    "deploymentId",
    "domainName",
    "domainPrefix",
    "error",
    "extendedRequestId",
    "httpMethod",
    "identity",
    "isCanaryRequest",
    "path",
    "protocol",
    "requestId",
    "requestOverride",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "responseOverride",
    "stage",
    "wafResponseCode",
    "webaclArn",
)
IDENTITY_VARIABLES = (
    "accountId",
    "apiKey",
    "apiKeyId",
    "caller",
    "clientCert",
    "cognitoAuthenticationProvider",
    "cognitoAuthenticationType",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "principalOrgId",
    "sourceIp",
    "user",
    "userAgent",
    "userArn",
    "vpcId",
    "vpceId",
)


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(
        None,
        api="rest",
        stage="live",
        routes=["POST /items/{id}"],
        stage_variables={"env": "dev"},
        authorizer={"principalId": "user-1", "numKey": 1, "boolKey": True, "claims": {"sub": "abc"}},
    )


def _variables(gateway: Gateway) -> TemplateVariables:
    event = gateway.event(
        "POST",
        "/items/42?q=a+b",
        headers={"X-Custom": "h", "User-Agent": "agent/1"},
        body='{"a": 1}',
        source_ip="192.0.2.1",
        stamp=RequestStamp.new(now=1_700_000_000),
    )
    return TemplateVariables.from_rest_event(event)


def test_context_has_every_variable_of_the_reference(gateway: Gateway) -> None:
    """Every ``$context`` variable the reference lists is defined (null when the emulator has no value:
    no WAF, no AWS endpoint)."""
    context = _variables(gateway).context
    assert set(REFERENCE_VARIABLES) <= set(context)
    assert set(IDENTITY_VARIABLES) <= set(context["identity"])
    assert set(context["error"]) == {"message", "messageString", "responseType", "validationErrorString"}


def test_context_values_are_the_proxy_events(gateway: Gateway) -> None:
    """The values are those of the proxy event's ``requestContext``: a template and a proxy integration
    see the same ids, times and identity."""
    event = gateway.event(
        "POST", "/items/42", source_ip="192.0.2.1", stamp=RequestStamp.new(now=1_700_000_000)
    )
    request_context = event["requestContext"]
    variables = TemplateVariables.from_rest_event(event)
    template = (
        "$context.requestId|$context.extendedRequestId|$context.apiId|$context.stage|"
        "$context.resourcePath|$context.resourceId|$context.httpMethod|$context.path|"
        "$context.requestTime|$context.requestTimeEpoch|$context.identity.sourceIp|$context.accountId|"
        "$context.domainName|$context.protocol"
    )
    expected = "|".join(
        str(request_context[key])
        for key in (
            "requestId",
            "extendedRequestId",
            "apiId",
            "stage",
            "resourcePath",
            "resourceId",
            "httpMethod",
            "path",
            "requestTime",
            "requestTimeEpoch",
        )
    )
    expected += f"|192.0.2.1|{request_context['accountId']}|{request_context['domainName']}|HTTP/1.1"
    assert render_template(template, variables) == expected
    assert render_template("$context.resourcePath $context.httpMethod", variables) == "/items/{id} POST"


def test_context_authorizer_values_are_strings(gateway: Gateway) -> None:
    """``$context.authorizer.key`` is the stringified value: ``1`` is ``"1"``, ``true`` is ``"true"``
    (reference); ``$context.authorizer.claims.sub`` reads Cognito's claims."""
    rendered = render_template(
        '"$context.authorizer.principalId" "$context.authorizer.numKey" "$context.authorizer.boolKey" '
        '"$context.authorizer.claims.sub"',
        _variables(gateway),
    )
    assert rendered == '"user-1" "1" "true" "abc"'


def test_context_without_authorizer_renders_empty() -> None:
    """Without an authorizer ``$context.authorizer.principalId`` renders nothing."""
    event = Gateway(None, api="rest", stage="live").event("GET", "/")
    assert (
        render_template('"$context.authorizer.principalId"', TemplateVariables.from_rest_event(event)) == '""'
    )


def test_input_params_are_the_events_parameters(gateway: Gateway) -> None:
    """``$input.params()`` holds the method request's path parameters, query string (decoded) and
    headers, as the proxy event has them."""
    variables = _variables(gateway)
    assert render_template("$input.params('id') $input.params('q') $input.params('X-Custom')", variables) == (
        "42 a b h"
    )
    assert render_template("$input.body", variables) == '{"a": 1}'


def test_stage_variables_are_readable(gateway: Gateway) -> None:
    """``$stageVariables.x`` is the stage's variable (spec 10.3; L6 test_apigw_stage_variables)."""
    assert render_template("$stageVariables.env", _variables(gateway)) == "dev"


def test_undefined_stage_variable_renders_empty(gateway: Gateway) -> None:
    """An undefined ``$stageVariables.x`` renders as nothing (spec 10.3; L6 test_apigw_stage_variables),
    with or without ``!``."""
    assert render_template('"$stageVariables.nope" "$!stageVariables.nope"', _variables(gateway)) == '"" ""'


def test_response_override_status_and_header_are_returned() -> None:
    """``#set($context.responseOverride.status = 400)`` and ``.header.X`` override the method response
    (spec 10.3; L6 test_lambda_aws_integration_response_with_mapping_templates)."""
    template = (
        "#set($context.responseOverride.status = 400)"
        "#set($context.responseOverride.header.XCustom = 'yes')done"
    )
    rendered = render(template, TemplateVariables())
    assert rendered.body == "done"
    assert rendered.response_override.status == 400
    assert rendered.response_override.header == {"XCustom": "yes"}


def test_response_override_status_outside_100_599_is_ignored() -> None:
    """AWS ignores a status override that is not an integer from 100 to 599 (LocalStack's integration
    response handler, validated against AWS)."""
    for value in ("99", "600", "'200'", "true"):
        rendered = render(f"#set($context.responseOverride.status = {value})", TemplateVariables())
        assert rendered.response_override.status is None, value


def test_request_override_values_are_returned() -> None:
    """``$context.requestOverride.header/path/querystring`` set by a request template come back, a list
    as several values (AWS's override page; L6 test_template_mapping)."""
    template = (
        "#set($context.requestOverride.header.oHeader = 'h1')"
        "#set($context.requestOverride.header.multi = ['a', 'b'])"
        "#set($context.requestOverride.path.proxy = 'p')"
        "#set($context.requestOverride.querystring.query = 'q')"
    )
    override = render(template, TemplateVariables()).request_override
    assert override.header == {"oHeader": "h1", "multi": ("a", "b")}
    assert override.path == {"proxy": "p"}
    assert override.querystring == {"query": "q"}


def test_overrides_do_not_leak_between_renderings(gateway: Gateway) -> None:
    """Each rendering starts from empty overrides: the same variables rendered twice do not see the first
    rendering's ``#set``."""
    variables = _variables(gateway)
    render("#set($context.responseOverride.status = 404)", variables)
    assert render("$context.responseOverride.status", variables).response_override.status is None
    assert render_template('"$context.responseOverride.status"', variables) == '""'
