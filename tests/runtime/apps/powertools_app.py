"""An AWS Lambda Powertools application: its event resolvers and its Logger, which reads the context."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import (
    ALBResolver,
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    LambdaFunctionUrlResolver,
)

RESOLVERS = {
    "rest": APIGatewayRestResolver,
    "http": APIGatewayHttpResolver,
    "function-url": LambdaFunctionUrlResolver,
    "alb": ALBResolver,
}
app = RESOLVERS[os.environ.get("FRONT_DOOR", "rest")]()
logger = Logger()  # its service name comes from POWERTOOLS_SERVICE_NAME, read at import


@app.get("/items/<item_id>")
def read_item(item_id: str) -> dict[str, Any]:
    return {"item_id": item_id, "q": app.current_event.get_query_string_value("q")}


@app.post("/echo")
def echo() -> dict[str, Any]:
    return {"length": len(app.current_event.decoded_body or "")}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.info("request")
    return app.resolve(event, context)
