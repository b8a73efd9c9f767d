#!/usr/bin/env python3
"""Two REST API stacks: a LambdaRestApi proxy and an items API with an authorizer, CORS and stages."""

import aws_cdk as cdk
from stacks.items_stack import ItemsApiStack
from stacks.proxy_stack import ProxyApiStack

app = cdk.App()
ProxyApiStack(app, "ProxyApiStack")
ItemsApiStack(app, "ItemsApiStack")
app.synth()
