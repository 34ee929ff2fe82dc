"""Delivery and the record of an SPO: progress reports against its lines, progress against
milestones, its audit history and the versions of its locked commitment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.model import Account, AuditEntry
from services.access import visible_loaded, visible_spo
from services.events import Broadcaster
from services.spo.change import ENTITY, get_spo, now, publish
from spo import lines as spo_lines
from spo.lifecycle import Action, check_transition
from spo.model import ProgressReport
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
    actor: Account | None,
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
    signed_in, loaded = visible_loaded(store, actor, spo_id)
    check_transition(
        loaded.spo.state, Action.REPORT_PROGRESS, parties_of(signed_in, loaded.parties)
    )
    line = spo_lines.get_line(loaded.spo, line_id)
    check_report(line, amount)
    report = ProgressReport(
        id=report_id,
        spo_id=spo_id,
        line_id=line_id,
        amount=float(amount),
        delivered_on=delivered_on,
        reported_by=signed_in.id,
        evidence_url=evidence_url,
        note=note,
    )
    store.put(
        report,
        audit=AuditEntry(
            actor=signed_in.id,
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
    publish(bus, loaded, loaded.spo, "spo.progress", signed_in)
    return report


def progress_reports(store: Store, spo_id: str) -> list[ProgressReport]:
    """Every progress report of an SPO, by id."""
    return list(store.iter_all(ProgressReport, spo_id=spo_id))


def progress(store: Store, spo_id: str, *, as_of: date) -> SpoProgress:
    """Each line's and the SPO's status against milestones on ``as_of``."""
    return spo_progress(get_spo(store, spo_id), progress_reports(store, spo_id), as_of)


def visible_progress(
    store: Store, viewer: Account | None, spo_id: str, *, as_of: date
) -> SpoProgress:
    """:func:`progress` of an SPO ``viewer`` may see (``NotFound`` otherwise)."""
    spo = visible_spo(store, viewer, spo_id)
    return spo_progress(spo, progress_reports(store, spo_id), as_of)


def history(store: Store, spo_id: str) -> list[AuditEntry]:
    """Every recorded decision about the SPO, oldest first."""
    return list(store.audit_log(entity_type=ENTITY, entity_id=spo_id))


def visible_history(store: Store, viewer: Account | None, spo_id: str) -> list[AuditEntry]:
    """:func:`history` of an SPO ``viewer`` may see (``NotFound`` otherwise)."""
    visible_spo(store, viewer, spo_id)
    return history(store, spo_id)
