"""The one exception of template reading."""

from __future__ import annotations

from ..errors import ConfigurationError

__all__ = ["TemplateError"]


class TemplateError(ConfigurationError):
    """A template, or an OpenAPI definition it points to, cannot be used for local emulation.

    The message names where: the file, then the property path such as
    ``Resources.ImageApi.Properties.DefinitionUri``, then what is wrong (an unsupported construct, a
    reference that cannot be resolved, an ambiguous choice and its candidates).

    :param message: what is wrong.
    :param where: the property path in the template (``Resources.<LogicalId>.Properties...``).
    :param source: the file the property comes from.
    """

    def __init__(self, message: str, *, where: str = "", source: str = "") -> None:
        super().__init__(message)
        #: What is wrong, without the location.
        self.message = message
        #: The property path in the template, e.g. ``Resources.ImageApi.Properties.DefinitionUri``.
        self.where = where
        #: The template (or OpenAPI) file, when known.
        self.source = source

    def __str__(self) -> str:
        return ": ".join(part for part in (self.source, self.where, self.message) if part)
