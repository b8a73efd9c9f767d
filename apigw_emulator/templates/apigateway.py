"""REST APIs as CloudFormation deploys them (SAM's output and CDK's included): ``AWS::ApiGateway::RestApi``
(``Body``, or a local ``BodyS3Location`` given by asset metadata), its ``Resource``, ``Method``,
``Authorizer``, ``RequestValidator``, ``Model``, ``GatewayResponse``, ``Stage``, ``Deployment`` and the
template's ``ApiKey`` values, read into :class:`~apigw_emulator.model.RestApi`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..authorizers.model import Authorizer
from ..model.rest import (
    GatewayResponseSpec,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    RequestValidator,
    RestApi,
    Stage,
)
from .common import (
    endpoint_type,
    media_types,
    normalise_method,
    optional_mapping,
    optional_string,
    selection_pattern,
    timeout_millis,
)
from .errors import TemplateError
from .integrations import lambda_target, read_authorizer, resolve_uri
from .intrinsics import Resolver, root_resource_marker
from .openapi import read_rest_definition
from .sam_translate import ASSET_PATH
from .yaml_loader import load_document

__all__ = ["Resources", "read_rest_api_model"]

REST_API = "AWS::ApiGateway::RestApi"


class Resources:
    """A template's resources with what every API reader needs: the resolver, the folder, function names."""

    def __init__(
        self,
        resources: Mapping[str, Mapping[str, Any]],
        resolver: Resolver,
        template_dir: Path,
        functions: Mapping[str, str],
    ) -> None:
        self.resources = resources
        self.resolver = resolver
        self.template_dir = template_dir
        self.functions = functions

    def of_type(
        self, resource_type: str, owner_key: str, owner: str
    ) -> Iterable[tuple[str, Mapping[str, Any], str]]:
        """``(logical id, properties, where)`` of the resources of a type that belong to ``owner``."""
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != resource_type:
                continue
            properties = resource.get("Properties") or {}
            where = f"Resources.{logical_id}.Properties"
            if not isinstance(properties, dict):
                raise TemplateError("Properties must be a mapping", where=where)
            if owner_key in properties and self.refers_to(
                properties[owner_key], owner, f"{where}.{owner_key}"
            ):
                yield logical_id, properties, where

    def refers_to(self, value: Any, logical_id: str, where: str) -> bool:
        if isinstance(value, dict) and set(value) == {"Ref"}:
            return bool(value["Ref"] == logical_id)
        return bool(self.resolver.resolve(value, where) == logical_id)

    def string(
        self, properties: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str | None:
        value = optional_string(self.resolver, properties, key, where)
        return default if value is None else value

    def custom_domains(
        self, api_id: str, mapping_type: str, owner_key: str, path_key: str
    ) -> tuple[tuple[str, str], ...]:
        """``(domain name, base path)`` of the mappings of an API to custom domains (``DomainName``
        resources: the domain name they declare)."""
        found = []
        for _, properties, where in self.of_type(mapping_type, owner_key, api_id):
            domain = properties.get("DomainName")
            if isinstance(domain, dict) and set(domain) == {"Ref"} and domain["Ref"] in self.resources:
                declared = self.resources[domain["Ref"]].get("Properties") or {}
                domain = declared.get("DomainName") if isinstance(declared, dict) else None
            name = self.resolver.string(domain, f"{where}.DomainName")
            base = self.string(properties, path_key, where) or ""
            found.append((name, "" if base == "(none)" else base))
        return tuple(found)

    def definition(
        self, logical_id: str, properties: Mapping[str, Any], where: str
    ) -> tuple[Any, str] | None:
        """An API's OpenAPI document (``Body``, or the local file of ``BodyS3Location``), and where it is."""
        if "Body" in properties:
            return properties["Body"], f"{where}.Body"
        if "BodyS3Location" not in properties:
            return None
        metadata = self.resources[logical_id].get("Metadata") or {}
        local = metadata.get(ASSET_PATH) if isinstance(metadata, dict) else None
        if not isinstance(local, str):
            location = self.resolver.resolve(properties["BodyS3Location"], f"{where}.BodyS3Location")
            if isinstance(location, dict):
                location = f"s3://{location.get('Bucket', '')}/{location.get('Key', '')}"
            raise TemplateError(
                f"the OpenAPI definition is in S3 ({location}), not on this machine: point DefinitionUri "
                "(SAM) or BodyS3Location to the local file",
                where=f"{where}.BodyS3Location",
            )
        path = (self.template_dir / local).resolve()
        return load_document(
            path, what="OpenAPI definition", where=f"{where}.BodyS3Location"
        ), f"{where}({local})"


def read_rest_api_model(logical_id: str, properties: Mapping[str, Any], resources: Resources) -> RestApi:
    """The :class:`RestApi` of an ``AWS::ApiGateway::RestApi`` and the resources that belong to it."""
    resolver = resources.resolver
    where = f"Resources.{logical_id}.Properties"
    definition = resources.definition(logical_id, properties, where)
    if definition is not None:
        api = read_rest_definition(
            definition[0], logical_id, resolver=resolver, functions=resources.functions, where=definition[1]
        )
    else:
        api = RestApi(logical_id=logical_id, methods=(), source=where)
    authorizers = {**api.authorizers, **_authorizers(logical_id, resources)}
    model_names = _model_names(logical_id, resources)
    methods = [*api.methods, *_methods(logical_id, resources, authorizers, model_names)]
    binary = resolver.resolve(properties.get("BinaryMediaTypes") or [], f"{where}.BinaryMediaTypes")
    if not isinstance(binary, list):
        raise TemplateError("BinaryMediaTypes must be a list", where=f"{where}.BinaryMediaTypes")
    not_emulated = list(api.not_emulated)
    if "Policy" in properties:
        not_emulated.append(f"{where}.Policy: the resource policy is not enforced")
    not_emulated += _usage_plan_notes(logical_id, resources)
    source = resources.string(properties, "ApiKeySourceType", where)
    return dataclasses.replace(
        api,
        methods=tuple(methods),
        stages=tuple(_stages(logical_id, resources)),
        authorizers=authorizers,
        validators={**api.validators, **_validators(logical_id, resources)},
        models={**api.models, **_models(logical_id, resources, model_names)},
        gateway_responses={**api.gateway_responses, **_gateway_responses(logical_id, resources)},
        binary_media_types=tuple(
            media_types([*binary, *api.binary_media_types], f"{where}.BinaryMediaTypes")
        ),
        api_key_source=(source or api.api_key_source).upper(),
        endpoint_type=endpoint_type(properties, where, resolver),
        api_keys=_api_key_values(resources),
        custom_domains=resources.custom_domains(
            logical_id, "AWS::ApiGateway::BasePathMapping", "RestApiId", "BasePath"
        ),
        not_emulated=tuple(not_emulated),
    )


def _resource_paths(api_id: str, resources: Resources) -> dict[str, str]:
    resolver = resources.resolver
    parents: dict[str, tuple[str, str, str]] = {}
    for logical_id, properties, where in resources.of_type("AWS::ApiGateway::Resource", "RestApiId", api_id):
        parent = resolver.string(properties.get("ParentId", ""), f"{where}.ParentId")
        parents[logical_id] = (
            parent,
            resolver.string(properties.get("PathPart", ""), f"{where}.PathPart"),
            where,
        )
    root = root_resource_marker(api_id)
    paths = {root: "/"}

    def path_of(resource_id: str, seen: tuple[str, ...] = ()) -> str:
        if resource_id in paths:
            return paths[resource_id]
        if resource_id not in parents or resource_id in seen:
            raise TemplateError(
                f"ParentId {resource_id!r} is neither {api_id}'s RootResourceId nor one of its resources",
                where=parents[seen[-1]][2] + ".ParentId" if seen else "",
            )
        parent, part, _ = parents[resource_id]
        paths[resource_id] = path_of(parent, (*seen, resource_id)).rstrip("/") + "/" + part
        return paths[resource_id]

    for resource_id in parents:
        path_of(resource_id)
    return paths


def _methods(
    api_id: str, resources: Resources, authorizers: Mapping[str, Authorizer], model_names: Mapping[str, str]
) -> list[Method]:
    paths = _resource_paths(api_id, resources)
    resolver = resources.resolver
    methods = []
    for _, properties, where in resources.of_type("AWS::ApiGateway::Method", "RestApiId", api_id):
        resource_id = resolver.string(properties.get("ResourceId", ""), f"{where}.ResourceId")
        if resource_id not in paths:
            raise TemplateError(
                f"ResourceId {resource_id!r} is no AWS::ApiGateway::Resource of {api_id}",
                where=f"{where}.ResourceId",
            )
        http_method = normalise_method(resources.string(properties, "HttpMethod", where) or "")
        authorization = (resources.string(properties, "AuthorizationType", where) or "NONE").upper()
        authorizer = None
        if "AuthorizerId" in properties:
            authorizer_id = resolver.string(properties["AuthorizerId"], f"{where}.AuthorizerId")
            authorizer = authorizer_id  # a Ref of an AWS::ApiGateway::Authorizer: its logical id
            if authorizer not in authorizers:
                raise TemplateError(
                    f"AuthorizerId {authorizer_id!r} is no authorizer of {api_id}",
                    where=f"{where}.AuthorizerId",
                )
        if authorization in ("CUSTOM", "COGNITO_USER_POOLS") and authorizer is None:
            raise TemplateError(
                f"AuthorizationType {authorization} needs an AuthorizerId", where=f"{where}.AuthorizerId"
            )
        scopes = resolver.resolve(properties.get("AuthorizationScopes") or [], f"{where}.AuthorizationScopes")
        validator = None
        if "RequestValidatorId" in properties:
            validator = resolver.string(properties["RequestValidatorId"], f"{where}.RequestValidatorId")
        parameters = resolver.resolve(properties.get("RequestParameters") or {}, f"{where}.RequestParameters")
        models = resolver.resolve(properties.get("RequestModels") or {}, f"{where}.RequestModels")
        methods.append(
            Method(
                http_method=http_method,
                path=paths[resource_id],
                integration=_integration(properties.get("Integration"), resources, f"{where}.Integration"),
                authorization_type=authorization,  # type: ignore[arg-type]
                authorizer=authorizer,
                authorization_scopes=tuple(str(s) for s in scopes),
                api_key_required=resolver.resolve(properties.get("ApiKeyRequired", False), where)
                in (True, "true"),
                request_validator=validator,
                request_parameters={str(k): v in (True, "true") for k, v in parameters.items()},
                request_models={str(k): model_names.get(str(v), str(v)) for k, v in models.items()},
                method_responses=tuple(
                    MethodResponse(
                        str(response.get("StatusCode")),
                        {
                            str(k): v in (True, "true")
                            for k, v in (response.get("ResponseParameters") or {}).items()
                        },
                        {str(k): str(v) for k, v in (response.get("ResponseModels") or {}).items()},
                    )
                    for response in resolver.resolve(
                        properties.get("MethodResponses") or [], f"{where}.MethodResponses"
                    )
                    if isinstance(response, dict)
                ),
                origin=where,
            )
        )
    return methods


def _integration(value: Any, resources: Resources, where: str) -> Integration:
    resolver = resources.resolver
    if not isinstance(value, dict):
        raise TemplateError("a method needs an Integration", where=where)
    integration_type = (resources.string(value, "Type", where) or "").upper()
    if integration_type not in ("AWS_PROXY", "AWS", "MOCK", "HTTP", "HTTP_PROXY"):
        raise TemplateError(
            f"integration type {integration_type or '(none)'!r} is not one API Gateway has",
            where=f"{where}.Type",
        )
    uri = None if value.get("Uri") is None else resolve_uri(value["Uri"], resolver, f"{where}.Uri")
    if integration_type == "AWS_PROXY" and uri is None:
        raise TemplateError("the AWS_PROXY integration has no Uri", where=f"{where}.Uri")
    responses = []
    for index, raw in enumerate(value.get("IntegrationResponses") or []):
        here = f"{where}.IntegrationResponses[{index}]"
        response = resolver.resolve(raw, here)
        responses.append(
            IntegrationResponse(
                status_code=str(response.get("StatusCode", "200")),
                selection_pattern=selection_pattern(
                    response.get("SelectionPattern"), f"{here}.SelectionPattern"
                ),
                response_parameters={
                    str(k): str(v) for k, v in (response.get("ResponseParameters") or {}).items()
                },
                response_templates={
                    str(k): str(v) for k, v in (response.get("ResponseTemplates") or {}).items()
                },
                content_handling=response.get("ContentHandling"),
            )
        )
    timeout = timeout_millis(
        resources.string(value, "TimeoutInMillis", where), f"{where}.TimeoutInMillis", api="REST"
    )
    templates = resolver.resolve(value.get("RequestTemplates") or {}, f"{where}.RequestTemplates")
    parameters = resolver.resolve(value.get("RequestParameters") or {}, f"{where}.RequestParameters")
    return Integration(
        type=integration_type,  # type: ignore[arg-type]
        uri=uri,
        http_method=resources.string(value, "IntegrationHttpMethod", where),
        target=lambda_target(uri, resources.functions)
        if uri and integration_type in ("AWS", "AWS_PROXY")
        else None,
        timeout_in_millis=timeout,
        request_templates={str(k): str(v) for k, v in templates.items()},
        request_parameters={str(k): str(v) for k, v in parameters.items()},
        passthrough_behavior=(
            resources.string(value, "PassthroughBehavior", where) or "WHEN_NO_MATCH"
        ).upper(),
        content_handling=resources.string(value, "ContentHandling", where),
        responses=tuple(responses),
    )


def _authorizers(api_id: str, resources: Resources) -> dict[str, Authorizer]:
    found: dict[str, Authorizer] = {}
    for logical_id, properties, where in resources.of_type(
        "AWS::ApiGateway::Authorizer", "RestApiId", api_id
    ):
        spec = {
            "type": resources.string(properties, "Type", where) or "",
            "identitySource": properties.get("IdentitySource"),
            "identityValidationExpression": properties.get("IdentityValidationExpression"),
            "authorizerResultTtlInSeconds": properties.get("AuthorizerResultTtlInSeconds", 300),
            "providerARNs": properties.get("ProviderARNs"),
        }
        if "AuthorizerUri" in properties:
            spec["authorizerUri"] = properties["AuthorizerUri"]
        found[logical_id] = read_authorizer(
            logical_id,
            {key: value for key, value in spec.items() if value is not None},
            kind="rest",
            resolver=resources.resolver,
            functions=resources.functions,
            where=where,
        )
    return found


def _validators(api_id: str, resources: Resources) -> dict[str, RequestValidator]:
    found = {}
    for logical_id, properties, where in resources.of_type(
        "AWS::ApiGateway::RequestValidator", "RestApiId", api_id
    ):
        resolve = resources.resolver.resolve
        found[logical_id] = RequestValidator(
            resources.string(properties, "Name", where) or logical_id,
            validate_body=resolve(properties.get("ValidateRequestBody", False), where) in (True, "true"),
            validate_parameters=resolve(properties.get("ValidateRequestParameters", False), where)
            in (True, "true"),
        )
    return found


def _model_names(api_id: str, resources: Resources) -> dict[str, str]:
    """The name of each ``AWS::ApiGateway::Model`` by logical id: what ``Ref`` gives in AWS (a model without
    a ``Name`` keeps its logical id here)."""
    return {
        logical_id: resources.string(properties, "Name", where) or logical_id
        for logical_id, properties, where in resources.of_type("AWS::ApiGateway::Model", "RestApiId", api_id)
    }


def _models(api_id: str, resources: Resources, model_names: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for logical_id, properties, where in resources.of_type("AWS::ApiGateway::Model", "RestApiId", api_id):
        schema = resources.resolver.resolve(properties.get("Schema") or {}, f"{where}.Schema")
        found[model_names[logical_id]] = _named_model_refs(schema, model_names)
    return found


def _named_model_refs(schema: Any, model_names: Mapping[str, str]) -> Any:
    """``schema`` with each ``$ref`` to ``.../models/<LogicalId>`` (a ``Ref`` resolved here to the logical
    id) naming the model as AWS's ``Ref`` does."""
    if isinstance(schema, list):
        return [_named_model_refs(item, model_names) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: _named_model_refs(value, model_names) for key, value in schema.items()}
    reference = found.get("$ref")
    if isinstance(reference, str) and "/models/" in reference:
        head, _, tail = reference.rpartition("/models/")
        target, hash_sign, fragment = tail.partition("#")
        if target in model_names:
            found["$ref"] = f"{head}/models/{model_names[target]}{hash_sign}{fragment}"
    return found


def _gateway_responses(api_id: str, resources: Resources) -> dict[str, GatewayResponseSpec]:
    found = {}
    for _, properties, where in resources.of_type("AWS::ApiGateway::GatewayResponse", "RestApiId", api_id):
        response_type = resources.string(properties, "ResponseType", where) or ""
        found[response_type] = GatewayResponseSpec(
            response_type,
            resources.string(properties, "StatusCode", where),
            optional_mapping(resources.resolver, properties, "ResponseParameters", where),
            optional_mapping(resources.resolver, properties, "ResponseTemplates", where),
        )
    return found


def _stages(api_id: str, resources: Resources) -> list[Stage]:
    stages: list[Stage] = []
    for _, properties, where in resources.of_type("AWS::ApiGateway::Stage", "RestApiId", api_id):
        name = resources.string(properties, "StageName", where)
        if name is not None:
            stages.append(Stage(name, optional_mapping(resources.resolver, properties, "Variables", where)))
    for _, properties, where in resources.of_type("AWS::ApiGateway::Deployment", "RestApiId", api_id):
        name = resources.string(properties, "StageName", where)
        if name is not None and all(stage.name != name for stage in stages):
            description = properties.get("StageDescription") or {}
            variables = optional_mapping(
                resources.resolver, description, "Variables", f"{where}.StageDescription"
            )
            stages.append(Stage(name, variables))
    return stages


def _usage_plan_notes(api_id: str, resources: Resources) -> list[str]:
    """Usage plans of the API: their throttling and quotas are not enforced (API keys are)."""
    notes = []
    for logical_id, resource in resources.resources.items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") != "AWS::ApiGateway::UsagePlan" or not isinstance(properties, dict):
            continue
        stages = properties.get("ApiStages") or []
        where = f"Resources.{logical_id}.Properties.ApiStages"
        if any(
            isinstance(stage, dict) and resources.refers_to(stage.get("ApiId"), api_id, where)
            for stage in (stages if isinstance(stages, list) else [])
        ):
            notes.append(
                f"Resources.{logical_id}: the usage plan's throttling and quota are not enforced (its API "
                "keys are)"
            )
    return notes


def _api_key_values(resources: Resources) -> tuple[str, ...]:
    values = []
    for logical_id, resource in resources.resources.items():
        properties = resource.get("Properties") or {}
        if (
            resource.get("Type") == "AWS::ApiGateway::ApiKey"
            and isinstance(properties, dict)
            and "Value" in properties
        ):
            where = f"Resources.{logical_id}.Properties"
            values.append(resources.resolver.string(properties["Value"], f"{where}.Value"))
    return tuple(values)
