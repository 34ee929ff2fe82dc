"""Run a coroutine to completion on a fresh event loop in its own thread.

Playwright's sync API (the session's Chromium) leaves its event loop marked as running on the
main thread, so ``asyncio.run`` there fails once any browser test has run earlier in the same
session. A new thread has no running loop: the outcome no longer depends on test order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_fresh(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a new thread; its result, or its exception re-raised here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fresh-loop") as pool:
        return pool.submit(asyncio.run, coro).result()
