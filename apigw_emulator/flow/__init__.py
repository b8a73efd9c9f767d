"""The request flow, as API Gateway runs it: one module per step, run in order by
:func:`apigw_emulator.invoke.invoke`.

=====================  =========================================================================
step                   module
=====================  =========================================================================
payload limit          :mod:`.limits` (413)
CORS preflight         :mod:`.preflight` (an HTTP API's own answer; REST's is a MOCK method)
route match, event     :mod:`.route` (REST 403 / HTTP API 404)
authorization          :mod:`.authorization` (``AWS_IAM`` without a signature; Lambda, JWT, Cognito)
API key                :mod:`.api_key` (REST 403)
request validation     :mod:`.validation` (REST 400)
integration            :mod:`.integration` (MOCK, not run yet: 500), :mod:`.lambda_custom` (a Lambda
                       custom integration) and :mod:`.lambda_proxy`
gateway responses      :mod:`.gateway_response` (REST: the front door's answers as the API customises them)
=====================  =========================================================================

:mod:`.state` holds what a request carries from step to step; :mod:`.runtime_json` the Lambda runtime's
JSON rules; :mod:`.authorizer_functions` how Lambda authorizers' functions are invoked.
"""
