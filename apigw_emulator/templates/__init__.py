"""The implementation behind :mod:`apigw_emulator.template`: import the public names from there.

- ``model.py``: the result dataclasses (``Template``, ``Api``, ``ApiRoute``, ``Function``) and the choice
  of ``Gateway`` keyword arguments; ``errors.py``: ``TemplateError``.
- ``yaml_loader.py``: YAML and JSON files; CloudFormation's short-form tags read as their long form.
- ``intrinsics.py``: parameters, pseudo parameters, conditions and the intrinsic functions.
- ``openapi.py``: routes and binary media types of an OpenAPI/Swagger definition.
- ``sam.py``: ``AWS::Serverless::*`` resources, ``Globals``, function events, implicit APIs.
- ``cloudformation.py``: raw ``AWS::ApiGateway::*``, ``AWS::ApiGatewayV2::*``, ``AWS::Lambda::*``.
- ``common.py``: what the readers share (context, property access, routes, media types).
- ``handler_import.py``: importing a function's Python handler from its ``CodeUri``.
- ``reader.py``: one template document to a ``Template``.
"""
