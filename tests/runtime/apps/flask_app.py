"""A Flask application behind apig-wsgi, as deployed on Lambda."""

from __future__ import annotations

import hashlib

from apig_wsgi import make_lambda_handler
from flask import Flask, Response, jsonify, request

app = Flask(__name__)


@app.post("/upload")
def upload() -> Response:
    parts = [
        {
            "filename": part.filename,
            "content_type": part.content_type,
            "size": len(data := part.read()),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        for part in request.files.getlist("files")
    ]
    return jsonify(parts=parts)


@app.get("/items/<item_id>")
def read_item(item_id: str) -> Response:
    return jsonify(item_id=item_id, q=request.args.get("q"))


handler = make_lambda_handler(app, binary_support=True)
