"""api: the FastAPI app (factory, routes, schemas, problem details) and the FastAPI-free services
that wire the store to the pure packages; the CLI reuses those services.
"""
