"""Token -> account lookups remembered per store until the store changes.

Every request with a bearer token used to cost one indexed query and one decode. The answer
only changes when an account is written, and every account write bumps the store's "accounts"
change counter (``Store.generation``) in the same transaction, in any process. So a
remembered account is served only while the counter it was read under is still current: a
deactivated account or a replaced token stops working on the very next request. Only
successes are remembered (bad tokens are looked up every time), keyed by the token's hash.
"""

from __future__ import annotations

import threading
import weakref

from domain.model import Account
from services import accounts
from store.port import Store

ACCOUNTS = "accounts"  # the change counter every account write bumps
MAX_TOKENS = 4_096  # distinct live tokens remembered per store before the memory is cleared

_SEEN: weakref.WeakKeyDictionary[Store, tuple[int, dict[str, Account]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def authenticate(store: Store, token: str) -> Account:
    """``accounts.authenticate``, answered from memory while ``store`` has not changed."""
    # read first: a racing write makes the entry stale, not wrong
    generation = store.generation(ACCOUNTS)
    digest = accounts.hash_token(token)
    with _LOCK:
        seen = _SEEN.get(store)
        if seen is None or seen[0] != generation:
            seen = (generation, {})
            _SEEN[store] = seen
        account = seen[1].get(digest)
    if account is not None:
        return account
    account = accounts.authenticate(store, token)
    with _LOCK:
        if len(seen[1]) >= MAX_TOKENS:
            seen[1].clear()
        seen[1][digest] = account
    return account
