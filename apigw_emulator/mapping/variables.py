"""What a mapping template is rendered with: ``$input``, ``$context``, ``$stageVariables``.

The values come from where the REST Lambda proxy event gets them
(:func:`~apigw_emulator.events.rest.build_rest_event`): :meth:`TemplateVariables.from_rest_event` reads an
event built for the request, so a template and a proxy integration see the same ids, times, identity,
headers and parameters.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._types import Event
from .values import java_str

__all__ = ["TemplateVariables", "context_variables", "dotted_value"]

#: ``$context.identity.*`` the mapping template reference lists, beyond what the proxy event's
#: ``requestContext.identity`` always holds.
_IDENTITY_KEYS = (
    "accessKey",
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


def _authorizer(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """``$context.authorizer``: a Lambda authorizer's context values as strings (the reference: ``1`` is
    ``"1"``, ``true`` is ``"true"``); Cognito's ``claims`` stay a map."""
    if not values:
        return {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "claims" and isinstance(value, Mapping):
            out[key] = {name: java_str(claim) for name, claim in value.items()}
        elif isinstance(value, (Mapping, list)):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = java_str(value)
    return out


def context_variables(
    request_context: Mapping[str, Any],
    *,
    error: Mapping[str, Any] | None = None,
    is_canary_request: bool = False,
) -> dict[str, Any]:
    """``$context`` for a request whose proxy event has ``request_context`` (its ``requestContext``).

    Every variable of AWS's mapping template reference is there: those of the proxy event (``accountId``,
    ``apiId``, ``authorizer``, ``deploymentId``, ``domainName``, ``domainPrefix``,
    ``extendedRequestId``, ``httpMethod``, ``identity``, ``path``, ``protocol``, ``requestId``,
    ``requestTime``, ``requestTimeEpoch``, ``resourceId``, ``resourcePath``, ``stage``), and
    ``awsEndpointRequestId``, ``error`` (``message``, ``messageString``, ``responseType``,
    ``validationErrorString``), ``isCanaryRequest``, ``wafResponseCode``, ``webaclArn``, and the empty
    ``requestOverride`` (``header``, ``path``, ``querystring``) and ``responseOverride`` (``header``,
    ``status``) a template may set. What the emulator does not have (no WAF, no AWS endpoint) is null.
    """
    # The maps changed below are copies (identity, authorizer); the rest is shared with the event, read
    # only (rendering converts $context into the engine's own maps first).
    context: dict[str, Any] = dict(request_context)
    identity = dict(context.get("identity") or {})
    for key in _IDENTITY_KEYS:
        identity.setdefault(key, None)
    context["identity"] = identity
    context["authorizer"] = _authorizer(context.get("authorizer"))
    context.setdefault("awsEndpointRequestId", None)
    message = None if error is None else error.get("message")
    context["error"] = {
        "message": message,
        "messageString": None if message is None else '"' + str(message).replace('"', '\\"') + '"',
        "responseType": None if error is None else error.get("responseType"),
        "validationErrorString": None if error is None else error.get("validationErrorString"),
    }
    context["isCanaryRequest"] = is_canary_request
    context.setdefault("wafResponseCode", None)
    context.setdefault("webaclArn", None)
    context["requestOverride"] = {"header": {}, "path": {}, "querystring": {}}
    context["responseOverride"] = {"header": {}, "status": None}
    return context


@dataclass(frozen=True)
class TemplateVariables:
    """The data of one rendering: the payload, the method request's parameters, ``$context``, the
    stage's variables.

    :param body: ``$input.body`` (the method request's payload for a request template, the
        integration's for a response template).
    :param path: path parameters (``$input.params().path``).
    :param querystring: query string parameters, one value each (``$input.params().querystring``).
    :param header: request headers, one value each (``$input.params().header``).
    :param context: ``$context`` (see :func:`context_variables`).
    :param stage_variables: ``$stageVariables``.
    """

    body: str = ""
    path: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, str] = field(default_factory=dict)
    header: Mapping[str, str] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_rest_event(
        cls, event: Event, *, body: str | None = None, error: Mapping[str, Any] | None = None
    ) -> TemplateVariables:
        """The variables of the request a REST proxy event was built for.

        :param event: an event of :func:`~apigw_emulator.events.rest.build_rest_event` (or
            ``Gateway.event()`` for a REST API).
        :param body: ``$input.body`` when it is not the event's body (a response template's payload, or
            the base64 text of ``CONVERT_TO_TEXT``); by default the event's body as it stands.
        :param error: ``$context.error`` values (``message``, ``responseType``...), if any.
        """
        return cls(
            body=(event.get("body") or "") if body is None else body,
            path=dict(event.get("pathParameters") or {}),
            querystring=dict(event.get("queryStringParameters") or {}),
            header=dict(event.get("headers") or {}),
            context=context_variables(event.get("requestContext") or {}, error=error),
            stage_variables=dict(event.get("stageVariables") or {}),
        )


def dotted_value(values: Mapping[str, Any], dotted: str) -> Any:
    """The value at ``dotted`` (``identity.sourceIp``) in nested mappings: what a parameter mapping's
    ``context.x`` source reads; None when a part is missing."""
    value: Any = values
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value
