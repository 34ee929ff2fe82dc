"""dicm: the application shell — settings, the command line and ``python -m dicm``.

Domain code lives in the sibling packages: geo, domain, spo, matching, boundaries, maps, store,
api, datasets.
"""

__version__ = "0.1.0"
