"""api: the FastAPI app — factory and lifespan, routes, schemas, problem details, its settings
section. Routes parse, make one ``services`` call and shape the answer; no rule lives here.
"""
