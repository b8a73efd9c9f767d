"""What a failed request validation gives the gateway-response step, and the error of a method whose
validation cannot be set up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigurationError

__all__ = ["ResponseType", "ValidationConfigError", "ValidationFailure"]

#: The gateway-response types a request validation fails with.
ResponseType = Literal["BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY"]


@dataclass(frozen=True, slots=True)
class ValidationFailure:
    """A request API Gateway's validator refuses, as a gateway response renders it (spec 10.1, 10.2).

    :param response_type: ``BAD_REQUEST_PARAMETERS`` (a required parameter is missing or blank) or
        ``BAD_REQUEST_BODY`` (the body does not match the method's model).
    :param message: ``$context.error.message``: ``Missing required request parameters: [x-trace, id, q]``
        or ``Invalid request body``, AWS's text.
    :param validation_error_string: ``$context.error.validationErrorString``: for a body, the schema errors
        in brackets (``[...]``), worded by the ``jsonschema`` library rather than by AWS's own validator;
        for parameters, the message again (no recorded AWS answer shows this variable for that case).
    :param status_code: the type's default status (400); a customised gateway response may change it.
    :param missing: the parameters a ``BAD_REQUEST_PARAMETERS`` failure names, in AWS's order.
    """

    response_type: ResponseType
    message: str
    validation_error_string: str
    status_code: int = 400
    missing: tuple[str, ...] = ()

    @property
    def message_string(self) -> str:
        """``$context.error.messageString``: the message as a quoted JSON string."""
        return json.dumps(self.message, ensure_ascii=False)


class ValidationConfigError(ConfigurationError):
    """A method's request validation cannot be set up as API Gateway would: it names a validator or a model
    the API does not have, a model is not a valid JSON Schema (draft 4), a ``$ref`` points outside the API's
    models, or a request parameter is not ``method.request.{header,querystring,path}.NAME``.

    API Gateway refuses such an API when it is created or deployed; the message names the method and what is
    wrong.
    """
