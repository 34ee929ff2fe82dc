"""Token -> account lookups remembered until the store's accounts change: an app resource.

Every request with a bearer token used to cost one indexed query and one decode. The answer
only changes when an account is written, and every account write bumps the store's "accounts"
change counter (``Store.generation``) in the same transaction, in any process. So a
remembered account is served only while the counter it was read under is still current: a
deactivated account or a replaced token stops working on the very next request. Only
successes are remembered (bad tokens are looked up every time), keyed by the token's hash.

The app builds one :class:`TokenCache` in its lifespan (``app.state.tokens``) for its one store;
nothing is remembered at module level.
"""

from __future__ import annotations

import threading

from domain.model import Account
from services import accounts
from store.port import Store

ACCOUNTS = "accounts"  # the change counter every account write bumps
MAX_TOKENS = 4_096  # distinct live tokens remembered before the memory is cleared


class TokenCache:
    """``accounts.authenticate`` answered from memory while the store's accounts are unchanged."""

    def __init__(self, *, max_tokens: int = MAX_TOKENS) -> None:
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._generation = -1
        self._seen: dict[str, Account] = {}

    def authenticate(self, store: Store, token: str) -> Account:
        """The active account of ``token`` (``NotAuthenticated`` for none), from memory when
        no account was written since it was remembered."""
        # read first: a racing write makes the entry stale, not wrong
        generation = store.generation(ACCOUNTS)
        digest = accounts.hash_token(token)
        with self._lock:
            if self._generation != generation:
                self._generation, self._seen = generation, {}
            seen = self._seen
            account = seen.get(digest)
        if account is not None:
            return account
        account = accounts.authenticate(store, token)
        with self._lock:
            if len(seen) >= self.max_tokens:
                seen.clear()
            seen[digest] = account
        return account
