"""Keep the cyclic garbage collector off long-lived objects in the server process, and out of
the way of a page being built (and of a command line run gathering many rows).

A full (generation 2) collection walks every tracked object: with the imports, the store's
decoded activities and the fitted recommender that is a quarter of a million objects here and
a 100-200 ms pause, which landed in the p95 of the match endpoint under load. Objects alive
after start-up or after a fit live until the next change, so they are frozen
(``gc.freeze``): collections skip them, reference counting still frees them (the fitted
recommender holds no reference cycle), and the lifespan unfreezes on shutdown.

A page of 1,000 activities grows the heap by ~100,000 container objects (rows, dicts,
geometries, the JSON document) that live until the response is written; at CPython's default
threshold (a young collection every 700 net allocations) that is ~140 young collections per
page, each promoting survivors, and a full collection every few pages walking all of them:
4.5 s of collector time in a walk of 100 pages (``bench.keyset``, 84 full collections, pauses
up to 65 ms), 15 ms at a threshold of 50,000. Reference counting frees a page when it is sent
either way; only garbage cycles wait longer for their collection (at most ``YOUNG`` objects).
"""

from __future__ import annotations

import gc

#: net allocations of container objects between young collections while the server runs
YOUNG = 50_000


def collect_rarely() -> tuple[int, int, int]:
    """Collect the young generation once per ``YOUNG`` net allocations (a command line run
    that gathers a national layer: ``export_layer`` of 100,000 activities took 19 s at the
    default, 8 s so); returns the thresholds it replaced."""
    previous = gc.get_threshold()
    gc.set_threshold(max(YOUNG, previous[0]), *previous[1:])
    return previous


def start() -> tuple[int, int, int]:
    """At the server's start-up: :func:`collect_rarely` and freeze what is alive; returns
    the thresholds :func:`release` restores."""
    previous = collect_rarely()
    settle()
    return previous


def settle() -> None:
    """Freeze every object alive now (cheap: the collector moves one list)."""
    gc.freeze()


def release(thresholds: tuple[int, int, int]) -> None:
    """Hand frozen objects back to the collector and restore its thresholds (the app is
    shutting down)."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)
