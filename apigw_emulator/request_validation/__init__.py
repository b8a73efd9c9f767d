"""Request validation of a REST API method, as API Gateway's request validators do it (spec 10.1).

The method's validator (its own ``request_validator``, the API's default already applied by the readers)
decides what is checked. ``validateRequestParameters``: the parameters ``method.request_parameters`` marks
required must be present and not blank (``BAD_REQUEST_PARAMETERS``, ``Missing required request parameters:
[...]``). ``validateRequestBody``: the body must match the model for its content type, a JSON Schema draft 4
that may refer to the API's other models (``BAD_REQUEST_BODY``, ``Invalid request body``). Parameters are
checked first; no validator means no validation, even of parameters marked required.

Pure: a request and the API model in, a :class:`ValidationFailure` (or None) out. The gateway-response step
renders the failure; the request flow calls :func:`validate_request` after the authorizer and the API key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.rest import Method, RequestValidator, RestApi
from ..request import HttpRequest
from .body import body_errors, model_for, models_by_type
from .failure import ResponseType, ValidationConfigError, ValidationFailure
from .models import BUILT_IN_MODELS, ModelSet
from .parameters import RequiredParameters, missing_parameters, required_parameters

__all__ = [
    "BUILT_IN_MODELS",
    "RequestValidation",
    "ResponseType",
    "ValidationConfigError",
    "ValidationFailure",
    "validate_request",
    "validation_for",
]

_INVALID_BODY = "Invalid request body"
_CACHED_APIS = 32


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one method's validation checks."""

    validator: RequestValidator | None = None
    required: RequiredParameters = field(default_factory=RequiredParameters)
    models: Mapping[str, str] = field(default_factory=dict)


class RequestValidation:
    """The request validation of one REST API: each method's plan and each model's validator are made
    once, when a request first needs them.

    :param api: the API model.
    """

    def __init__(self, api: RestApi) -> None:
        self.api = api
        self._plans: dict[int, tuple[Method, _Plan]] = {}
        self._models: ModelSet | None = None
        self._lock = threading.Lock()

    def validate(
        self, method: Method, request: HttpRequest, path_parameters: Mapping[str, str] | None = None
    ) -> ValidationFailure | None:
        """The failure API Gateway answers ``request`` to ``method`` with, or None when it passes.

        :param path_parameters: the path parameters the route match gave (decoded), by name.
        :raises ValidationConfigError: when the method's validation cannot be set up (see the class).
        """
        plan = self._plan(method)
        validator = plan.validator
        if validator is None:
            return None
        if validator.validate_parameters and plan.required:
            missing = missing_parameters(plan.required, request, path_parameters or {})
            if missing:
                message = f"Missing required request parameters: [{', '.join(dict.fromkeys(missing))}]"
                return ValidationFailure(
                    "BAD_REQUEST_PARAMETERS", message, message, missing=tuple(dict.fromkeys(missing))
                )
        if validator.validate_body:
            model = model_for(plan.models, request.content_type)
            if model is not None:
                errors = body_errors(self.models().validator(model), request.body)
                if errors is not None:
                    return ValidationFailure("BAD_REQUEST_BODY", _INVALID_BODY, f"[{', '.join(errors)}]")
        return None

    def check(self) -> None:
        """Set up every method's validation now, so that a misconfigured API fails when it is loaded
        instead of at its first request.

        :raises ValidationConfigError: for the first method whose validation cannot be set up.
        """
        for method in self.api.methods:
            self._plan(method)

    def models(self) -> ModelSet:
        """The API's models (its own, ``Empty`` and ``Error``), read on first use.

        :raises ValidationConfigError: when a model is not a valid schema or refers outside the API.
        """
        if self._models is None:
            with self._lock:
                if self._models is None:
                    self._models = ModelSet(self.api.logical_id, self.api.models)
        return self._models

    def _plan(self, method: Method) -> _Plan:
        found = self._plans.get(id(method))
        if found is not None and found[0] is method:
            return found[1]
        plan = self._make_plan(method)
        if any(known is method for known in self.api.methods):  # kept as long as the API: bounded
            with self._lock:
                self._plans[id(method)] = (method, plan)
        return plan

    def _make_plan(self, method: Method) -> _Plan:
        where = f"{method.route_key} ({method.origin})" if method.origin else method.route_key
        name = method.request_validator
        if name is None or not name.strip():
            return _Plan()
        validator = self.api.validators.get(name)
        if validator is None:
            known = ", ".join(sorted(self.api.validators)) or "none"
            raise ValidationConfigError(
                f"{where}: the request validator {name!r} is not one of the API's (its validators: {known})"
            )
        required = RequiredParameters()
        if validator.validate_parameters:
            required = required_parameters(method.request_parameters, where)
        models: dict[str, str] = {}
        if validator.validate_body:
            models = models_by_type(method.request_models)
            names = self.models().names
            for content_type, model in models.items():
                if model not in names:
                    raise ValidationConfigError(
                        f"{where}: the request model for {content_type} is {model!r}, which the API does "
                        f"not have (its models: {', '.join(sorted(names))})"
                    )
        return _Plan(validator, required, models)


_apis: OrderedDict[int, RequestValidation] = OrderedDict()
_apis_lock = threading.Lock()


def validation_for(api: RestApi) -> RequestValidation:
    """The :class:`RequestValidation` of ``api``, kept for the last 32 APIs validated."""
    with _apis_lock:
        found = _apis.get(id(api))
        if found is not None and found.api is api:
            _apis.move_to_end(id(api))
            return found
        found = _apis[id(api)] = RequestValidation(api)
        if len(_apis) > _CACHED_APIS:
            _apis.popitem(last=False)
        return found


def validate_request(
    method: Method, api: RestApi, request: HttpRequest, path_parameters: Mapping[str, str] | None = None
) -> ValidationFailure | None:
    """The failure API Gateway answers ``request`` to ``method`` of ``api`` with, or None when it passes.

    Each API's plans and compiled models are kept (see :func:`validation_for`), so a request costs the
    checks themselves.

    :param path_parameters: the path parameters the route match gave (decoded), by name.
    :raises ValidationConfigError: when the method's validation cannot be set up: a validator or model the
        API does not have, a model that is not a valid JSON Schema (draft 4) or that refers outside the
        API's models, a malformed request parameter.
    """
    return validation_for(api).validate(method, request, path_parameters)
