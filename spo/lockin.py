"""Lock-in on award: a content hash over the commitment, formal variations, tamper detection.

The hash is sha256 over a canonical JSON of the commitment only — supplier, tender and every
line with its milestones — never of state, score or progress, so delivery can move on while the
commitment stays provably unchanged. A change to the lines after award is a *variation*: a new
commitment version with a reason, an approver and the new hash; the previous lines are kept by
the caller (the audit log) so history shows every version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput, Locked, TamperDetected
from spo.lines import check_milestones
from spo.model import Spo, SpoLine, Variation


def line_to_dict(line: SpoLine) -> dict[str, Any]:
    """A JSON-ready dict of one line (dates as ISO strings)."""
    return {
        "id": line.id,
        "activity_id": line.activity_id,
        "support_type": line.support_type.value,
        "amount": line.amount,
        "unit": line.unit,
        "priority": line.priority,
        "description": line.description,
        "lon": line.lon,
        "lat": line.lat,
        "local_authority_code": line.local_authority_code,
        "territory_code": line.territory_code,
        "milestones": [
            {"due": m.due.isoformat(), "amount": m.amount, "description": m.description}
            for m in line.milestones
        ],
    }


def commitment_json(spo: Spo) -> str:
    """Canonical JSON of what the supplier commits to: sorted keys, lines by id, no spaces."""
    body = {
        "supplier_id": spo.supplier_id,
        "tender_id": spo.tender_id,
        "lines": [line_to_dict(line) for line in sorted(spo.lines, key=lambda x: x.id)],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def content_hash(spo: Spo) -> str:
    """sha256 hex digest of :func:`commitment_json`."""
    return hashlib.sha256(commitment_json(spo).encode("ascii")).hexdigest()


def commitment_version(spo: Spo) -> int:
    """1 for the commitment as awarded, +1 for every recorded variation."""
    return 1 + len(spo.variations)


def lock(spo: Spo, *, at: datetime) -> Spo:
    """The SPO frozen on award: its content hash and the moment it was locked."""
    if not spo.lines:
        raise InvalidInput("an SPO without lines cannot be awarded")
    return replace(spo, content_hash=content_hash(spo), locked_at=at)


def verify(spo: Spo) -> Spo:
    """Return ``spo`` unchanged if unlocked or intact; ``TamperDetected`` if its lines no longer
    match the stored hash (or the last variation's hash)."""
    if spo.content_hash is None:
        return spo
    actual = content_hash(spo)
    expected = spo.variations[-1].content_hash if spo.variations else spo.content_hash
    if actual != spo.content_hash or actual != expected:
        raise TamperDetected(f"SPO {spo.id} does not match its locked content hash")
    return spo


def vary(
    spo: Spo, lines: tuple[SpoLine, ...], *, reason: str, approved_by: str, at: datetime
) -> Spo:
    """A formal variation of a locked SPO: new lines, new hash, one more ``Variation``."""
    verify(spo)
    if not spo.is_locked:
        raise InvalidInput("only an awarded (locked) SPO is varied; edit a draft instead")
    if not reason.strip():
        raise InvalidInput("a variation needs a written reason")
    if not lines:
        raise InvalidInput("a variation cannot remove every line")
    for line in lines:
        check_milestones(line.amount, line.milestones)
    if len({line.id for line in lines}) != len(lines):
        raise InvalidInput("line ids must be unique")
    varied = replace(spo, lines=lines)
    new_hash = content_hash(varied)
    if new_hash == spo.content_hash:
        raise InvalidInput("the variation changes nothing")
    record = Variation(
        version=commitment_version(spo) + 1,
        reason=reason.strip(),
        approved_by=approved_by,
        at=at,
        content_hash=new_hash,
    )
    return replace(varied, content_hash=new_hash, variations=(*spo.variations, record))


def check_commitment_kept(before: Spo, after: Spo) -> None:
    """``Locked`` when a locked SPO's commitment changed without a new recorded variation."""
    if not before.is_locked:
        return
    if len(after.variations) > len(before.variations):
        return
    if (
        commitment_json(before) != commitment_json(after)
        or after.content_hash != before.content_hash
    ):
        raise Locked(f"SPO {before.id} is locked; change it through a variation")
