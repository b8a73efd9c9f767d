#!/usr/bin/env python3
"""A notes HTTP API: Lambda integrations, CORS preflight answered by API Gateway, a Lambda authorizer."""

import aws_cdk as cdk
from stacks.notes_stack import NotesHttpApiStack

app = cdk.App()
NotesHttpApiStack(app, "NotesHttpApiStack")
app.synth()
