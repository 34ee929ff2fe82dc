"""View models of the web pages: what each page shows, assembled from the use cases (plain data,
no FastAPI), so a page's figures are the API's figures."""
