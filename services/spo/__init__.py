"""SPO use cases: load → check permission and transition (pure) → one versioned store write.

Every change is ``store.update(new, audit=AuditEntry(...))`` — one transaction with optimistic
locking: the caller passes the ``expected_version`` it read and gets ``StaleVersion`` if someone
else changed the SPO since. A refused change raises a ``domain.errors`` exception and writes
nothing. A locked SPO is verified against its content hash on every read (``TamperDetected``).
Successful changes are published on the SPO's and the buyer's topics when a broadcaster is given.

Rooms: ``change`` (the one path every change takes), ``drafting`` (draft and lines),
``transitions`` (bidding and delivery steps), ``progress`` (delivery reports, history),
``reports`` (ESG exports and impact estimates). The public use cases are re-exported here.
"""

from __future__ import annotations

from services.spo.change import ENTITY, Loaded, get_spo, load
from services.spo.drafting import LineSpec, add_line, create_draft, remove_line
from services.spo.progress import (
    commitment_history,
    history,
    progress,
    progress_reports,
    report_progress,
    visible_history,
    visible_progress,
)
from services.spo.transitions import (
    award,
    reject,
    review,
    score,
    start_delivery,
    submit,
    vary,
    withdraw,
)

__all__ = [
    "ENTITY",
    "LineSpec",
    "Loaded",
    "add_line",
    "award",
    "commitment_history",
    "create_draft",
    "get_spo",
    "history",
    "load",
    "progress",
    "progress_reports",
    "reject",
    "remove_line",
    "report_progress",
    "review",
    "score",
    "start_delivery",
    "submit",
    "vary",
    "visible_history",
    "visible_progress",
    "withdraw",
]
