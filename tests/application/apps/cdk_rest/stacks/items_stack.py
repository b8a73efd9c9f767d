"""An items API built resource by resource: a token authorizer, CORS preflight on every resource, two stages
deployed by hand with their own variables, and one integration that reaches a Lambda alias named by a stage
variable."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class ItemsApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        items_fn = lambda_.Function(
            self,
            "ItemsFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="lambda-handler.handler",
            code=lambda_.Code.from_asset("lambda/items"),
            timeout=Duration.seconds(10),
            memory_size=256,
            environment={"ITEMS_TABLE": "items"},
        )
        version = items_fn.current_version
        dev_alias = lambda_.Alias(self, "ItemsDevAlias", alias_name="dev", version=version)
        live_alias = lambda_.Alias(self, "ItemsLiveAlias", alias_name="live", version=version)

        auth_fn = lambda_.Function(
            self,
            "TokenAuthFunction",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="authorizer.handler",
            code=lambda_.Code.from_asset("lambda/auth"),
        )
        authorizer = apigw.TokenAuthorizer(
            self,
            "ItemsTokenAuthorizer",
            handler=auth_fn,
            identity_source=apigw.IdentitySource.header("Authorization"),
            validation_regex="^Bearer [a-z0-9-]+$",
            results_cache_ttl=Duration.minutes(5),
        )

        api = apigw.RestApi(
            self,
            "ItemsApi",
            rest_api_name="items-api",
            deploy=False,
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=["https://items.example.com"],
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=apigw.Cors.DEFAULT_HEADERS,
                max_age=Duration.minutes(10),
            ),
        )

        items = api.root.add_resource("items")
        items_integration = apigw.LambdaIntegration(items_fn)
        items.add_method("GET", items_integration, authorizer=authorizer)
        items.add_method("POST", items_integration, authorizer=authorizer)

        item = items.add_resource("{itemId}")
        item.add_method("GET", items_integration, authorizer=authorizer)
        item.add_method("DELETE", items_integration, authorizer=authorizer)

        health = api.root.add_resource("health")
        health.add_method("GET", items_integration)

        # The version endpoint calls the alias the stage names: dev -> ItemsFunction:dev, prod -> :live.
        by_alias = lambda_.Function.from_function_attributes(
            self,
            "ItemsByStageAlias",
            function_arn=f"{items_fn.function_arn}:${{stageVariables.alias}}",
            same_environment=True,
        )
        version_resource = api.root.add_resource("version")
        version_resource.add_method("GET", apigw.LambdaIntegration(by_alias))
        for alias in (dev_alias, live_alias):
            alias.add_permission(
                f"Invoke{alias.alias_name.title()}FromApi",
                principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
                source_arn=api.arn_for_execute_api("GET", "/version", "*"),
            )

        deployment = apigw.Deployment(self, "ItemsDeployment", api=api, description="items API")
        apigw.Stage(
            self,
            "DevStage",
            deployment=deployment,
            stage_name="dev",
            variables={"alias": "dev", "tableName": "items-dev", "logLevel": "DEBUG"},
        )
        apigw.Stage(
            self,
            "ProdStage",
            deployment=deployment,
            stage_name="prod",
            variables={"alias": "live", "tableName": "items-prod", "logLevel": "INFO"},
        )
