"""The HTTP and websocket edge: FastAPI routes, pages, the command line."""
