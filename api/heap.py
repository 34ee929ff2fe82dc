"""Keep the cyclic garbage collector off long-lived objects in the server process.

A full (generation 2) collection walks every tracked object: with the imports, the store's
decoded activities and the fitted recommender that is a quarter of a million objects here and
a 100-200 ms pause, which landed in the p95 of the match endpoint under load. Objects alive
after start-up or after a fit live until the next change, so they are frozen
(``gc.freeze``): collections skip them, reference counting still frees them (the fitted
recommender holds no reference cycle), and the lifespan unfreezes on shutdown.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze every object alive now (cheap: the collector moves one list)."""
    gc.freeze()


def release() -> None:
    """Hand frozen objects back to the collector (the app is shutting down)."""
    gc.unfreeze()
