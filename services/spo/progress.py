"""Delivery and the record of an SPO: progress reports against its lines, progress against
milestones, its audit history and the versions of its locked commitment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.errors import Conflict, NotFound, NotLineProvider
from domain.model import Account, Activity, AuditEntry
from services.access import visible_loaded, visible_spo
from services.events import Broadcaster
from services.spo.change import ENTITY, get_spo, now, publish
from spo import lines as spo_lines
from spo.lifecycle import Action, check_transition
from spo.measure import counted_reports
from spo.model import ProgressReport, Spo
from spo.permissions import Party, parties_of
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
    corrects: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> ProgressReport:
    """Record delivery on one line (in delivery only): the SPO's supplier, an admin, or the
    provider whose activity *that line* supports. Dated no later than today, never beyond the
    line's commitment. A correction is a new report naming the one it replaces (``corrects``);
    the old one stays on record and stops counting.

    A report is its own entity: it does not rewrite the (locked) SPO, so concurrent reports
    from several providers never collide.
    """
    when = now(at)
    signed_in, loaded = visible_loaded(store, actor, spo_id)
    parties = parties_of(signed_in, loaded.parties)
    check_transition(loaded.spo.state, Action.REPORT_PROGRESS, parties)
    line = spo_lines.get_line(loaded.spo, line_id)
    if not parties & {Party.SUPPLIER, Party.ADMIN}:
        _require_line_provider(store, signed_in, line.activity_id, line_id)
    existing = [r for r in progress_reports(store, spo_id) if r.line_id == line_id]
    if corrects is not None:
        _check_correctable(existing, corrects, line_id)
    counted = [r for r in counted_reports(existing, date.max) if r.id != corrects]
    check_report(
        line,
        amount,
        delivered_on=delivered_on,
        today=when.date(),
        delivered_so_far=sum(r.amount for r in counted),
    )
    report = ProgressReport(
        id=report_id,
        spo_id=spo_id,
        line_id=line_id,
        amount=float(amount),
        delivered_on=delivered_on,
        reported_by=signed_in.id,
        evidence_url=evidence_url,
        note=note,
        corrects=corrects,
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
                "corrects": corrects,
            },
        ),
    )
    if bus is not None:
        after = _progress_of(store, loaded.spo, when.date())
        rating = {"delivery_status": after.status.value, "rag": after.rag.value}
        publish(bus, loaded, loaded.spo, "spo.progress", signed_in, rating)
    return report


def _require_line_provider(store: Store, actor: Account, activity_id: str, line_id: str) -> None:
    """A provider reports only on lines supporting its own activity."""
    try:
        owner = store.get(Activity, activity_id).provider_id
    except NotFound:
        owner = None
    if owner is None or owner != actor.organisation_id:
        raise NotLineProvider(f"line {line_id!r} supports another provider's activity")


def _check_correctable(existing: list[ProgressReport], corrects: str, line_id: str) -> None:
    """The corrected report is on this line and not already corrected."""
    if not any(r.id == corrects for r in existing):
        raise NotFound(f"line {line_id!r} has no progress report {corrects!r} to correct")
    if any(r.corrects == corrects for r in existing):
        raise Conflict(f"report {corrects!r} is already corrected; correct the correction")


def progress_reports(store: Store, spo_id: str) -> list[ProgressReport]:
    """Every progress report of an SPO, by id."""
    return list(store.iter_all(ProgressReport, spo_id=spo_id))


def _progress_of(store: Store, spo: Spo, as_of: date) -> SpoProgress:
    """The one reading of an SPO's progress: reports that count on ``as_of`` (dated by then,
    not replaced by a correction) against its milestones."""
    reports = counted_reports(progress_reports(store, spo.id), as_of)
    return spo_progress(spo, reports, as_of)


def progress(store: Store, spo_id: str, *, as_of: date) -> SpoProgress:
    """Each line's and the SPO's status against milestones on ``as_of``."""
    return _progress_of(store, get_spo(store, spo_id), as_of)


def visible_progress(
    store: Store, viewer: Account | None, spo_id: str, *, as_of: date
) -> SpoProgress:
    """:func:`progress` of an SPO ``viewer`` may see (``NotFound`` otherwise)."""
    return _progress_of(store, visible_spo(store, viewer, spo_id), as_of)


def history(store: Store, spo_id: str) -> list[AuditEntry]:
    """Every recorded decision about the SPO, oldest first."""
    return list(store.audit_log(entity_type=ENTITY, entity_id=spo_id))


def visible_history(store: Store, viewer: Account | None, spo_id: str) -> list[AuditEntry]:
    """:func:`history` of an SPO ``viewer`` may see (``NotFound`` otherwise)."""
    visible_spo(store, viewer, spo_id)
    return history(store, spo_id)
