"""One module of pages per user, each exposing ``router`` (included by ``web.app``)."""
