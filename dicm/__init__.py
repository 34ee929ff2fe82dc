"""dicm: the application shell, the top layer — the root settings (composed of each package's
section), the command line, the ASGI entry point and ``python -m dicm``.

Everything else lives in the sibling packages below it: api, demo, services, store, matching,
boundaries, maps, datasets, spo, domain, geo.
"""

__version__ = "0.1.0"
