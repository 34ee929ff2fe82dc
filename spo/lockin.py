"""Lock-in on award: a keyed seal over the commitment, formal variations, tamper detection.

The seal ("content hash") is an HMAC-SHA256 over a canonical JSON of the commitment only —
supplier, tender and every line with its milestones — never of state, score or progress, so
delivery can move on while the commitment stays provably unchanged. The key is kept outside
the database (the caller passes it; ``store.lock_key`` finds it), so a forger with database
access cannot recompute a valid seal: a bare sha256, as dicm once stored, is recomputable by
anyone and is never accepted. A change to the lines after award is a *variation*: a new
commitment version with a reason, an approver and the new seal; the previous lines are kept by
the caller (the audit log) so history shows every version.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput, Locked, TamperDetected
from spo.lines import check_milestones
from spo.model import Spo, SpoLine, SpoState, Variation

#: states in which an SPO is locked into its contract and must carry a seal
LOCKED_STATES = frozenset({SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED})


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


#: what every seal starts with: names the algorithm, and tells an old bare sha256 apart
SEAL_PREFIX = "hmac-sha256:"


def content_hash(spo: Spo, key: bytes) -> str:
    """The seal of the commitment: ``hmac-sha256:`` + HMAC-SHA256 of :func:`commitment_json`
    under ``key``."""
    digest = hmac.new(key, commitment_json(spo).encode("ascii"), hashlib.sha256).hexdigest()
    return SEAL_PREFIX + digest


def commitment_version(spo: Spo) -> int:
    """1 for the commitment as awarded, +1 for every recorded variation."""
    return 1 + len(spo.variations)


def lock(spo: Spo, *, at: datetime, key: bytes) -> Spo:
    """The SPO frozen on award: its seal and the moment it was locked."""
    if not spo.lines:
        raise InvalidInput("an SPO without lines cannot be awarded")
    return replace(spo, content_hash=content_hash(spo, key), locked_at=at)


def is_intact(spo: Spo, key: bytes) -> bool:
    """True when ``spo`` is unlocked, or its lines match its seal and its last variation's."""
    if spo.content_hash is None:  # a locked state without a seal had its seal removed
        return spo.state not in LOCKED_STATES and spo.locked_at is None and not spo.variations
    actual = content_hash(spo, key)
    expected = spo.variations[-1].content_hash if spo.variations else spo.content_hash
    return hmac.compare_digest(actual, spo.content_hash) and hmac.compare_digest(actual, expected)


def verify(spo: Spo, key: bytes) -> Spo:
    """Return ``spo`` unchanged if unlocked or intact; ``TamperDetected`` if its lines no longer
    match its seal (or the last variation's), or the seal was not made with ``key``."""
    if not is_intact(spo, key):
        raise TamperDetected(f"SPO {spo.id} does not match its locked content hash")
    return spo


def vary(
    spo: Spo,
    lines: tuple[SpoLine, ...],
    *,
    reason: str,
    approved_by: str,
    at: datetime,
    key: bytes,
) -> Spo:
    """A formal variation of a locked SPO: new lines, new seal, one more ``Variation``."""
    verify(spo, key)
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
    new_hash = content_hash(varied, key)
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
