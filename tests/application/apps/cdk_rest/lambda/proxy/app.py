"""Answers every request of the proxy API with what it was asked."""

import json
import os


def handler(event, context):
    body = {
        "greeting": os.environ.get("GREETING"),
        "method": event["httpMethod"],
        "path": event["path"],
        "resource": event["resource"],
        "proxy": (event.get("pathParameters") or {}).get("proxy"),
        "query": event.get("queryStringParameters"),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
