"""Liveness and readiness: what a load balancer asks before sending traffic.

``/healthz`` only needs the process to answer; readiness (``/readyz``) checks what a request
needs: the store answers, its schema is at the Alembic head this code ships, and the installed
front-end files (Leaflet, Swagger UI, Redoc) are on disk. Each failed check gives one reason a
person can act on; no driver text (that goes to the log).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from maps.assets import ALL_ASSETS, DOCS_ASSETS, STATIC_DIR, missing_assets
from store.errors import StorageError
from store.port import Store

log = logging.getLogger("dicm.services")


@dataclass(frozen=True)
class Readiness:
    """The outcome of every check: ``reasons`` is empty when dicm is ready."""

    checks: dict[str, bool]
    reasons: tuple[str, ...]

    @property
    def is_ready(self) -> bool:
        return not self.reasons


def _store_reasons(store: Store, name: str = "store") -> tuple[bool, bool, list[str]]:
    """(store reachable, schema at head, reasons); ``name`` says which store in the reasons."""
    try:
        store.generation()
        at, head = store.schema_revisions()
    except StorageError as exc:
        log.warning("readiness: %s unreachable: %s", name, exc)
        return False, False, [f"the {name} does not answer"]
    if at != head:
        reason = (
            f"the {name}'s schema is at revision {at or 'none'}, this dicm needs {head}: "
            "run dicm db upgrade"
        )
        return True, False, [reason]
    return True, True, []


def check_readiness(
    store: Store, static_dir: Path | None = None, *, read_store: Store | None = None
) -> Readiness:
    """Run every readiness check (a few milliseconds: one query, one revision read, stats).

    With a read store other than ``store`` (``DICM_DATABASE_READ_URL``), it is checked the same
    way (``read_store``, ``read_schema``): the read-heavy endpoints fail without it.
    """
    reachable, at_head, reasons = _store_reasons(store)
    checks = {"store": reachable, "schema": at_head}
    if read_store is not None and read_store is not store:
        read_reachable, read_at_head, read_reasons = _store_reasons(read_store, "read store")
        checks |= {"read_store": read_reachable, "read_schema": read_at_head}
        reasons += read_reasons
    missing = missing_assets(static_dir or STATIC_DIR, ALL_ASSETS + DOCS_ASSETS)
    if missing:
        names = ", ".join(p.name for p in missing[:3])
        reasons.append(f"{len(missing)} front-end files are missing ({names}): run make assets")
    checks["assets"] = not missing
    return Readiness(checks, tuple(reasons))
