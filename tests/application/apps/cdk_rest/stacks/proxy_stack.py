"""A Lambda function behind a LambdaRestApi: every path and method goes to the function."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class ProxyApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        handler = lambda_.Function(
            self,
            "ProxyHandler",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_asset("lambda/proxy"),
            timeout=Duration.seconds(10),
            environment={"GREETING": "hello from the proxy"},
        )

        apigw.LambdaRestApi(
            self,
            "ProxyApi",
            handler=handler,
            proxy=True,
            binary_media_types=["image/png"],
            deploy_options=apigw.StageOptions(stage_name="prod"),
        )
