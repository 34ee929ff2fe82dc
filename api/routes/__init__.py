"""HTTP routes: thin handlers that parse, call one service function and shape the response."""
