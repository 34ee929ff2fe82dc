"""Wrong-password throttling: after ``attempts`` wrong passwords for one account id within
``window_s``, sign-in for that id is refused until the oldest falls out of the window. In memory,
per process: a cheap brake on guessing, not a lock-out (nothing to unlock, nothing stored)."""

from __future__ import annotations

import time
from collections import deque
from threading import Lock


class SignInThrottle:
    """Failure times per account id, kept only for the window."""

    def __init__(self, attempts: int, window_s: int) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = Lock()

    def wait_s(self, account_id: str, *, now: float | None = None) -> int:
        """Seconds until ``account_id`` may try again (0: it may now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures = self._recent(account_id, now)
            if len(failures) < self.attempts:
                return 0
            return max(1, int(failures[0] + self.window_s - now) + 1)

    def failed(self, account_id: str, *, now: float | None = None) -> None:
        """Record a wrong password for ``account_id``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(account_id, now).append(now)

    def succeeded(self, account_id: str) -> None:
        """Forget the failures of ``account_id`` (it signed in)."""
        with self._lock:
            self._failures.pop(account_id, None)

    def _recent(self, account_id: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(account_id, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures
