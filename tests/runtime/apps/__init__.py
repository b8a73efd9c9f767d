"""Lambda applications built the way users build them (FastAPI + Mangum, Flask + apig-wsgi, Powertools),
used as real clients of the execution environments."""
