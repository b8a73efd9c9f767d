"""An HttpApi with two Lambda integrations, CORS, and a simple-response Lambda authorizer on one route."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class NotesHttpApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        notes_fn = lambda_.Function(
            self,
            "NotesFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_asset("lambda/notes"),
            environment={"NOTES_BUCKET": "notes-bucket"},
        )
        auth_fn = lambda_.Function(
            self,
            "NotesAuthFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="authorizer.handler",
            code=lambda_.Code.from_asset("lambda/auth"),
        )

        api = apigwv2.HttpApi(
            self,
            "NotesApi",
            api_name="notes-api",
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=["https://notes.example.com"],
                allow_methods=[apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
                allow_headers=["authorization", "content-type"],
                expose_headers=["x-request-id"],
                max_age=Duration.minutes(10),
            ),
        )

        notes = integrations.HttpLambdaIntegration("NotesIntegration", notes_fn)
        api.add_routes(
            path="/notes", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration=notes
        )
        api.add_routes(path="/notes/{noteId}", methods=[apigwv2.HttpMethod.GET], integration=notes)

        authorizer = authorizers.HttpLambdaAuthorizer(
            "NotesAuthorizer",
            auth_fn,
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
            identity_source=["$request.header.Authorization"],
            results_cache_ttl=Duration.seconds(0),
        )
        api.add_routes(
            path="/me",
            methods=[apigwv2.HttpMethod.GET],
            integration=integrations.HttpLambdaIntegration("MeIntegration", notes_fn),
            authorizer=authorizer,
        )
