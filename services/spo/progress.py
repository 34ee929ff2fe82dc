"""Delivery and the record of an SPO: progress reports against its lines, progress against
milestones, its audit history and the versions of its locked commitment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.model import Account, AuditEntry
from services.events import Broadcaster
from services.spo.change import ENTITY, get_spo, load, now, publish
from spo import lines as spo_lines
from spo.lifecycle import Action, check_transition
from spo.model import ProgressReport, SpoState
from spo.permissions import parties_of
from spo.progress import SpoProgress, check_report, spo_progress
from store.port import Store


def commitment_history(store: Store, spo_id: str) -> list[dict[str, Any]]:
    """Every version of the locked commitment, oldest first: version, hash, lines, and who
    awarded or approved it, when and why — rebuilt from the audit log."""
    versions: list[dict[str, Any]] = []
    for entry in history(store, spo_id):
        if entry.action not in ("spo.award", "spo.vary"):
            continue
        versions.append(
            {
                "version": entry.detail.get("commitment_version"),
                "content_hash": entry.detail.get("content_hash_after"),
                "lines": entry.detail.get("lines", []),
                "approved_by": entry.actor,
                "at": entry.at,
                "reason": entry.reason,
                "action": entry.action,
            }
        )
    return versions


def report_progress(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    report_id: str,
    line_id: str,
    amount: float,
    delivered_on: date,
    evidence_url: str | None = None,
    note: str = "",
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> ProgressReport:
    """Record delivery on one line (supplier, or a provider the SPO supports; in delivery only).

    A report is its own entity: it does not rewrite the (locked) SPO, so concurrent reports
    from several providers never collide.
    """
    when = now(at)
    loaded = load(store, spo_id)
    check_transition(loaded.spo.state, Action.REPORT_PROGRESS, parties_of(actor, loaded.parties))
    line = spo_lines.get_line(loaded.spo, line_id)
    check_report(line, amount)
    report = ProgressReport(
        id=report_id,
        spo_id=spo_id,
        line_id=line_id,
        amount=float(amount),
        delivered_on=delivered_on,
        reported_by=actor.id,
        evidence_url=evidence_url,
        note=note,
    )
    store.put(
        report,
        audit=AuditEntry(
            actor=actor.id,
            action="spo.report_progress",
            entity_type=ENTITY,
            entity_id=spo_id,
            at=when,
            reason=note or None,
            detail={
                "report_id": report_id,
                "line_id": line_id,
                "amount": float(amount),
                "delivered_on": delivered_on.isoformat(),
                "evidence_url": evidence_url,
            },
        ),
    )
    publish(bus, loaded, loaded.spo, "spo.progress", actor)
    return report


def progress_reports(store: Store, spo_id: str) -> list[ProgressReport]:
    """Every progress report of an SPO, by id."""
    found: list[ProgressReport] = []
    while True:
        page = store.find(ProgressReport, limit=500, offset=len(found), spo_id=spo_id)
        found += page
        if len(page) < 500:
            return found


def progress(store: Store, spo_id: str, *, as_of: date) -> SpoProgress:
    """Each line's and the SPO's status against milestones on ``as_of``."""
    return spo_progress(get_spo(store, spo_id), progress_reports(store, spo_id), as_of)


def history(store: Store, spo_id: str) -> list[AuditEntry]:
    """Every recorded decision about the SPO, oldest first."""
    return list(store.audit_log(entity_type=ENTITY, entity_id=spo_id))


def formal_states() -> frozenset[SpoState]:
    """States in which an SPO is formalised (locked into a contract)."""
    return frozenset({SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED})
