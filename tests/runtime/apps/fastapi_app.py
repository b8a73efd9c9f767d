"""A FastAPI application behind Mangum, as deployed on Lambda: the adapter is made at import."""

from __future__ import annotations

import hashlib
import os
import threading

from fastapi import FastAPI, File, UploadFile
from mangum import Mangum

app = FastAPI()
INITS = {"count": 0}
INITS["count"] += 1


@app.get("/items/{item_id}")
async def read_item(item_id: str, q: str | None = None) -> dict[str, object]:
    return {
        "item_id": item_id,
        "q": q,
        "inits": INITS["count"],
        "main_thread": threading.current_thread() is threading.main_thread(),
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "table": os.environ.get("TABLE_NAME"),
    }


@app.post("/upload")
async def upload(files: list[UploadFile] = File(...)) -> dict[str, object]:  # noqa: B008 - FastAPI's way
    parts = []
    for part in files:
        data = await part.read()
        parts.append(
            {
                "filename": part.filename,
                "content_type": part.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return {"parts": parts}


handler = Mangum(app, lifespan="off")
