"""FastAPI-free use cases that wire the store to the pure packages; routes and the CLI call them."""
