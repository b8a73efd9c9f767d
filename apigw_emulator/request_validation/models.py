"""An API's models as JSON Schema draft 4 validators, with ``$ref`` between models resolved (spec 10.1).

A model refers to another model of its API as API Gateway writes it,
``https://apigateway.amazonaws.com/restapis/{api-id}/models/{Name}``, or as the OpenAPI definition it was
imported from does, ``#/definitions/{Name}`` (``#/components/schemas/{Name}`` in OpenAPI 3), unless the
model itself holds ``definitions/{Name}``. Every REST API also has the models ``Empty`` and ``Error``
unless it defines its own. Nothing is fetched: a ``$ref`` to anything else is a configuration error.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry
from referencing.jsonschema import DRAFT4

from .failure import ValidationConfigError

__all__ = ["BUILT_IN_MODELS", "ModelSet"]

_DRAFT4 = "http://json-schema.org/draft-04/schema#"

#: The models API Gateway gives every REST API (``Empty``: any JSON object).
BUILT_IN_MODELS: Mapping[str, Mapping[str, Any]] = {
    "Empty": {"$schema": _DRAFT4, "title": "Empty Schema", "type": "object"},
    "Error": {
        "$schema": _DRAFT4,
        "title": "Error Schema",
        "type": "object",
        "properties": {"message": {"type": "string"}},
    },
}

_MODEL_URL = re.compile(r"https?://apigateway\.amazonaws\.com/restapis/[^/#?]+/models/([^/#?]+)(#.*)?")
_DOCUMENT_REF = re.compile(r"#/(definitions|components/schemas)/([^/]+)(/.*)?", re.DOTALL)


class ModelSet:
    """The models of one API, each compiled into a validator when a request first needs it.

    :param api_id: the API's id (its logical id), used in the models' canonical URLs.
    :param models: the API's JSON schemas by model name (``RestApi.models``).
    :raises ValidationConfigError: when a model is not a JSON Schema or refers outside the API's models.
    """

    def __init__(self, api_id: str, models: Mapping[str, Any]) -> None:
        self.base = f"https://apigateway.amazonaws.com/restapis/{quote(api_id, safe='')}/models/"
        schemas = {**BUILT_IN_MODELS, **models}
        self.names = frozenset(schemas)
        self._schemas = {name: self._rewritten(name, schema) for name, schema in schemas.items()}
        self._registry: Registry[Any] = Registry().with_resources(
            (self.url(name), DRAFT4.create_resource(schema)) for name, schema in self._schemas.items()
        )
        self._validators: dict[str, Draft4Validator] = {}
        self._lock = threading.Lock()

    def url(self, name: str) -> str:
        """The model's canonical URL, as API Gateway writes references to it."""
        return self.base + quote(name, safe="")

    def validator(self, name: str) -> Draft4Validator:
        """The draft 4 validator of the model called ``name``.

        :raises KeyError: when the API has no such model.
        """
        found = self._validators.get(name)
        if found is None:
            if name not in self._schemas:
                raise KeyError(name)
            found = Draft4Validator(self._schemas[name], registry=self._registry)
            with self._lock:
                self._validators.setdefault(name, found)
        return found

    # -- reading the models ---------------------------------------------------------------------------
    def _rewritten(self, name: str, written: Any) -> Any:
        schema = written
        if isinstance(schema, str):  # CloudFormation also takes the schema as JSON text
            try:
                schema = json.loads(schema)
            except ValueError as exc:
                raise ValidationConfigError(f"model {name!r}: the schema is not JSON ({exc})") from None
        if not isinstance(schema, dict):
            raise ValidationConfigError(
                f"model {name!r}: a model's schema is a JSON object, got {type(schema).__name__}"
            )
        try:
            Draft4Validator.check_schema(schema)
        except SchemaError as exc:
            raise ValidationConfigError(
                f"model {name!r} is not a valid JSON Schema (draft 4): {exc.message}"
            ) from None
        try:
            return self._rewrite(schema, schema, name)
        except RecursionError:
            raise ValidationConfigError(f"model {name!r}: the schema is nested too deeply") from None

    def _rewrite(self, node: Any, root: Mapping[str, Any], name: str) -> Any:
        if isinstance(node, dict):
            return {
                key: self._target(value, root, name)
                if key == "$ref" and isinstance(value, str)
                else self._rewrite(value, root, name)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self._rewrite(item, root, name) for item in node]
        return node

    def _target(self, reference: str, root: Mapping[str, Any], name: str) -> str:
        """Where ``reference`` points, as a URL the registry holds (or a pointer inside the model)."""
        url = _MODEL_URL.fullmatch(reference)
        if url is not None:
            return self._model_url(unquote(url.group(1)), url.group(2) or "", reference, name)
        local = _DOCUMENT_REF.fullmatch(reference)
        if local is not None:
            key = _unescape(local.group(2))
            section: Any = root
            for part in local.group(1).split("/"):
                section = section.get(part) if isinstance(section, dict) else None
            if isinstance(section, dict) and key in section:
                return reference  # the model's own definitions
            rest = local.group(3)
            return self._model_url(key, f"#{rest}" if rest else "", reference, name)
        if reference.startswith("#"):
            return reference
        raise ValidationConfigError(
            f"model {name!r}: $ref {reference!r} is not a model of this API (write "
            "'#/definitions/NAME' or 'https://apigateway.amazonaws.com/restapis/API_ID/models/NAME')"
        )

    def _model_url(self, target: str, fragment: str, reference: str, name: str) -> str:
        if target not in self.names:
            known = ", ".join(sorted(self.names))
            raise ValidationConfigError(
                f"model {name!r}: $ref {reference!r} names the model {target!r}, which the API does not "
                f"have (its models: {known})"
            )
        return self.url(target) + fragment


def _unescape(token: str) -> str:
    """A JSON pointer token (``~1`` is ``/``, ``~0`` is ``~``), percent-decoded."""
    return unquote(token).replace("~1", "/").replace("~0", "~")
