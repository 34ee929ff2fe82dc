"""What each user's web pages show, assembled FastAPI-free: view models and form use cases.

One module per page family; routes in ``web/pages`` parse, call one function here, render.
"""
