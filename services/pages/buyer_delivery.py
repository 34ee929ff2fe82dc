"""The buyer's delivery board: every formalised SPO on its tenders with its RAG status.

Status is :func:`spo.progress.spo_progress` (on track / at risk / behind against milestones);
pounds are the one measure (:func:`spo.measure.measure_spo`). Each status carries its words as
well as its colour, so colour is never the only signal. The board is refreshed live from the
buyer's event topic (:func:`services.access.event_topic`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import NotFound
from domain.model import Account, Supplier, Tender
from domain.vocabulary import Role
from services.access import event_topic, require_role, visible_spos
from services.seal import is_intact
from services.spo import progress_reports
from spo.measure import measure_spo, totals
from spo.model import FORMAL_STATES, Spo
from spo.progress import DeliveryStatus, spo_progress
from store.port import Store

#: status -> (RAG word, the words shown, CSS modifier)
RAG: dict[DeliveryStatus, tuple[str, str, str]] = {
    DeliveryStatus.ON_TRACK: ("Green", "On track", "green"),
    DeliveryStatus.AT_RISK: ("Amber", "At risk", "amber"),
    DeliveryStatus.BEHIND: ("Red", "Behind", "red"),
}


@dataclass(frozen=True)
class BoardRow:
    """One formalised SPO on the board."""

    spo: Spo
    tender_title: str
    supplier_name: str
    status: DeliveryStatus | None  # None: its seal no longer verifies (tampered)
    committed_gbp: float
    delivered_gbp: float
    next_due: date | None

    @property
    def rag(self) -> str:
        return RAG[self.status][0] if self.status else "Grey"

    @property
    def label(self) -> str:
        return RAG[self.status][1] if self.status else "Failed its tamper check"

    @property
    def css(self) -> str:
        return RAG[self.status][2] if self.status else "grey"

    @property
    def delivered_share(self) -> float:
        return self.delivered_gbp / self.committed_gbp if self.committed_gbp else 0.0


@dataclass(frozen=True)
class Board:
    """The rows, worst status first, and how many of each status."""

    rows: tuple[BoardRow, ...]
    as_of: date

    def count(self, status: DeliveryStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def tallies(self) -> tuple[tuple[str, int], ...]:
        """(words, how many) per status, worst first."""
        return tuple((RAG[s][1], self.count(s)) for s in sorted(RAG, key=_ORDER.__getitem__))


_ORDER = {DeliveryStatus.BEHIND: 0, DeliveryStatus.AT_RISK: 1, DeliveryStatus.ON_TRACK: 2}


def _names(store: Store, kind: type[Tender] | type[Supplier], id_: str) -> str:
    try:
        found = store.get(kind, id_)
    except NotFound:
        return id_
    return found.title if isinstance(found, Tender) else found.name


def _row(store: Store, spo: Spo, as_of: date) -> BoardRow:
    tender = _names(store, Tender, spo.tender_id)
    supplier = _names(store, Supplier, spo.supplier_id)
    if not is_intact(store, spo):
        return BoardRow(spo, tender, supplier, None, 0.0, 0.0, None)
    reports = progress_reports(store, spo.id)
    measured = totals(measure_spo(spo, reports, as_of=as_of))
    dues = [m.due for line in spo.lines for m in line.milestones if m.due >= as_of]
    return BoardRow(
        spo,
        tender,
        supplier,
        spo_progress(spo, reports, as_of).status,
        measured.committed_gbp,
        measured.delivered_gbp,
        min(dues) if dues else None,
    )


def delivery_board(store: Store, viewer: Account | None, *, as_of: date) -> Board:
    """Every formalised SPO on the buyer's tenders (worst first, then by id), on ``as_of``."""
    require_role(viewer, Role.BUYER)
    spos = [s for s in visible_spos(store, viewer) if s.state in FORMAL_STATES]
    rows = [_row(store, s, as_of) for s in spos]
    rows.sort(key=lambda r: (_ORDER.get(r.status, -1) if r.status else -1, r.spo.id))
    return Board(tuple(rows), as_of)


def board_topic(store: Store, viewer: Account | None) -> str:
    """The live-update topic the board listens to: the signed-in buyer's own tenders."""
    return event_topic(store, viewer)
