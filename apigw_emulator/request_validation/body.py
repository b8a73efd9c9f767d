"""Which model a request body is validated against, and what the body is as JSON (spec 10.1).

The model is the method's for the request's ``Content-Type`` (its MIME type, parameters ignored; no
header means ``application/json``), else its ``$default`` model; with neither, the body is not validated
(AWS: "If no matching content type is found, request validation is not performed").
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

from .._http_syntax import shorten
from ..media_types import essence

__all__ = ["body_errors", "model_for", "models_by_type"]

_DEFAULT_TYPE = "application/json"
_MAX_DETAILS = 25
_MAX_DETAIL_LENGTH = 300
_QUOTED_LENGTH = 80


def models_by_type(request_models: Mapping[str, str]) -> dict[str, str]:
    """``method.request_models`` keyed by lower-case MIME type (``$default`` kept as it is)."""
    return {
        (key if key == "$default" else essence(key)): model
        for key, model in request_models.items()
        if model  # an empty model name is no model
    }


def model_for(models: Mapping[str, str], content_type: str | None) -> str | None:
    """The name of the model a body of ``content_type`` is validated against, or None."""
    found = models.get(essence(content_type) or _DEFAULT_TYPE)
    return found if found is not None else models.get("$default")


def body_errors(validator: Draft4Validator, body: bytes) -> list[str] | None:
    """What is wrong with ``body`` for the model, or None when it is valid.

    An empty body is validated as ``{}`` (as LocalStack does: AWS refuses an empty body for a model with
    required properties, its recorded answer shows). A body that is not JSON (not UTF-8/16/32, a syntax
    error, ``NaN``, nesting too deep to read) is invalid. At most 25 schema errors are listed, the values
    they quote shortened, each cut to 300 characters.
    """
    try:
        instance = json.loads(body, parse_constant=_reject_constant) if body else {}
    except (ValueError, RecursionError) as exc:
        return [
            f"the body is not JSON: {exc}" if isinstance(exc, ValueError) else "the body nests too deeply"
        ]
    try:
        errors = list(itertools.islice(validator.iter_errors(instance), _MAX_DETAILS))
    except RecursionError:
        return ["the body nests too deeply for its model"]
    return [_describe(error) for error in errors] or None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _describe(error: ValidationError) -> str:
    """The error's message, the value it quotes shortened, and where in the body it is."""
    message = error.message
    quoted = repr(error.instance)
    if len(quoted) > _QUOTED_LENGTH:
        message = message.replace(quoted, shorten(error.instance, _QUOTED_LENGTH // 2))
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    text = f"{message} (at ${where})" if where else message
    return text if len(text) <= _MAX_DETAIL_LENGTH else text[: _MAX_DETAIL_LENGTH - 3] + "..."
